"""The meeting day on the meeting's page: attendance, walk-ins, needs, ideas, minutes, held/reopen;
and turning an idea into a draft. Each form posts plainly (303 back to the page) and, with htmx,
gets back only its section."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.meetings import ideas, policy, records
from pbflow.meetings.forms import day as forms
from pbflow.meetings.views.pages import bp, load_meeting, page_context
from pbflow.proposals.services import ProposalError

SECTIONS = {"attendance": "meetings/_attendance.html", "needs": "meetings/_needs.html",
            "ideas": "meetings/_ideas.html", "minutes": "meetings/_minutes.html"}
# The page's id of each section, where it differs from its name ("minutes" is the minutes textarea's id).
ANCHORS = {"minutes": "minutes-section"}


def _actor():
    return current_user._get_current_object()


def _managed(meeting_id):
    """The meeting, row-locked, for one of its managers (403 for anyone else)."""
    meeting = load_meeting(meeting_id, for_update=True)
    authorize(policy.can_manage(current_user, meeting))
    return meeting


def _section(meeting_id, section, status=200, message=None, error=None, **extra):
    meeting = load_meeting(meeting_id)
    context = {**page_context(meeting), **extra}
    return render("meetings/show.html", SECTIONS[section], status=status, day_section=section,
                  day_message=message, day_error=error, **context)


def _done(meeting_id, section, message, **extra):
    db.session.commit()
    if is_htmx_request():
        return _section(meeting_id, section, message=message, **extra)
    flash(message, "success")
    return see_other(url_for(".show", meeting_id=meeting_id, _anchor=ANCHORS.get(section, section)))


def _refused(meeting_id, section, error, status=None, **extra):
    db.session.rollback()
    return _section(meeting_id, section, status=status or getattr(error, "status", 409), error=str(error), **extra)


def _run(meeting_id, section, message, action, **failed):
    try:
        action()
    except records.RecordError as error:
        return _refused(meeting_id, section, error, **failed)
    return _done(meeting_id, section, message)


# --- attendance -------------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@signed_in
def record_attendance(meeting_id):
    meeting = _managed(meeting_id)
    present = [v for v in request.form.getlist("present") if v.isdigit() and len(v) < 12]
    return _run(meeting_id, "attendance", _("Attendance saved."),
                lambda: records.set_attendance(_actor(), meeting, present))


@bp.route("/<int:meeting_id>/walk-ins", methods=["POST"])
@signed_in
def add_walk_in(meeting_id):
    meeting = _managed(meeting_id)
    form = forms.WalkInForm()
    if not form.validate():
        return _refused(meeting_id, "attendance", _("Check the name of the walk-in."), 422, walk_in_form=form)
    return _run(meeting_id, "attendance", _("%(name)s is added to the attendance.", name=form.name.data),
                lambda: records.add_walk_in(_actor(), meeting, form.name.data), walk_in_form=form)


@bp.route("/<int:meeting_id>/walk-ins/<int:walk_in_id>/delete", methods=["POST"])
@signed_in
def remove_walk_in(meeting_id, walk_in_id):
    meeting = _managed(meeting_id)
    return _run(meeting_id, "attendance", _("The walk-in is removed."),
                lambda: records.remove_walk_in(_actor(), meeting, walk_in_id))


@bp.route("/<int:meeting_id>/walk-in-count", methods=["POST"])
@signed_in
def set_walk_in_count(meeting_id):
    meeting = _managed(meeting_id)
    form = forms.WalkInCountForm()
    if not form.validate():
        return _refused(meeting_id, "attendance", _("Check the number of walk-ins."), 422, count_form=form)
    return _run(meeting_id, "attendance", _("The number of walk-ins is saved."),
                lambda: records.set_walk_in_count(_actor(), meeting, form.walk_in_count.data), count_form=form)


# --- needs --------------------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/needs", methods=["POST"])
@signed_in
def add_need(meeting_id):
    meeting = _managed(meeting_id)
    form = forms.NeedForm()
    if not form.validate():
        return _refused(meeting_id, "needs", _("Check the need you wrote."), 422, need_form=form)
    return _run(meeting_id, "needs", _("The need is added."),
                lambda: records.add_need(_actor(), meeting, form.text.data), need_form=form)


@bp.route("/<int:meeting_id>/needs/<int:need_id>", methods=["POST"])
@signed_in
def edit_need(meeting_id, need_id):
    meeting = _managed(meeting_id)
    form = forms.NeedForm()
    if not form.validate():
        return _refused(meeting_id, "needs", " ".join(form.text.errors), 422, failed_need=need_id,
                        failed_text=form.text.data)
    return _run(meeting_id, "needs", _("The need is saved."),
                lambda: records.edit_need(_actor(), meeting, need_id, form.text.data))


@bp.route("/<int:meeting_id>/needs/<int:need_id>/delete", methods=["POST"])
@signed_in
def remove_need(meeting_id, need_id):
    meeting = _managed(meeting_id)
    return _run(meeting_id, "needs", _("The need is removed."),
                lambda: records.remove_need(_actor(), meeting, need_id))


@bp.route("/<int:meeting_id>/needs/<int:need_id>/move", methods=["POST"])
@signed_in
def move_need(meeting_id, need_id):
    meeting = _managed(meeting_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    try:
        records.move_need(_actor(), meeting, need_id, direction)
    except records.RecordError as error:
        return _refused(meeting_id, "needs", error)
    db.session.commit()
    if is_htmx_request():  # keep the keyboard on the button that moved the item
        return _section(meeting_id, "needs", moved=(need_id, direction))
    return see_other(url_for(".show", meeting_id=meeting_id) + f"#need-{need_id}")


# --- ideas and minutes ------------------------------------------------------------------------------

@bp.route("/<int:meeting_id>/day/ideas", methods=["POST"])
@signed_in
def add_idea(meeting_id):
    meeting = _managed(meeting_id)
    form = forms.IdeaForm()
    raisers = [v for v in request.form.getlist("raiser") if v.isdigit() and len(v) < 12]
    if not form.validate():
        return _refused(meeting_id, "ideas", _("Check the idea."), 422, idea_form=form, ticked=set(raisers))
    return _run(meeting_id, "ideas", _("The idea “%(title)s” is recorded.", title=form.title.data),
                lambda: records.add_idea(_actor(), meeting, form.title.data, form.description.data,
                                         form.raised_by_names.data, raisers), idea_form=form)


@bp.route("/<int:meeting_id>/day/ideas/<int:idea_id>/delete", methods=["POST"])
@signed_in
def remove_idea(meeting_id, idea_id):
    meeting = _managed(meeting_id)
    return _run(meeting_id, "ideas", _("The idea is removed."),
                lambda: records.remove_idea(_actor(), meeting, idea_id))


@bp.route("/<int:meeting_id>/minutes", methods=["POST"])
@signed_in
def save_minutes(meeting_id):
    meeting = _managed(meeting_id)
    form = forms.MinutesForm()
    if not form.validate():
        return _refused(meeting_id, "minutes", _("Check the minutes."), 422, minutes_form=form)
    return _run(meeting_id, "minutes", _("The minutes are saved."),
                lambda: records.save_minutes(_actor(), meeting, form.minutes.data), minutes_form=form)


# --- held and reopened --------------------------------------------------------------------------------

def _whole_page(meeting_id, action, message):
    try:
        action()
    except records.RecordError as error:
        db.session.rollback()
        return _section(meeting_id, "attendance", status=409, error=str(error))
    db.session.commit()
    flash(message, "success")
    return see_other(url_for(".show", meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/held", methods=["POST"])
@signed_in
def mark_held(meeting_id):
    meeting = _managed(meeting_id)
    return _whole_page(meeting_id, lambda: records.mark_held(_actor(), meeting),
                       _("The meeting is marked as held; its attendance is now final."))


@bp.route("/<int:meeting_id>/reopen", methods=["POST"])
@signed_in
def reopen(meeting_id):
    meeting = load_meeting(meeting_id, for_update=True)
    authorize(policy.can_reopen(current_user, meeting))
    return _whole_page(meeting_id, lambda: records.reopen(_actor(), meeting),
                       _("The meeting is reopened: its attendance can be changed again."))


# --- an idea becomes a draft ------------------------------------------------------------------------------

def _idea_for_draft(meeting_id, idea_id, lock=False):
    meeting = load_meeting(meeting_id)
    idea = ideas.load_idea(meeting, idea_id, for_update=lock)
    if idea is None:
        abort(404)
    if idea.proposal_id is None:
        authorize(policy.can_turn_into_draft(current_user, meeting, idea, ideas.raiser_ids(idea)))
    return meeting, idea


def _draft_page(meeting, idea, status=200, error=None, checked=None):
    people = ideas.invitable(_actor(), idea)
    return render("meetings/idea_draft.html", status=status, meeting=meeting, idea=idea, people=people,
                  error=error, checked=checked if checked is not None else {p.id for p in people},
                  form=forms.DraftForm(formdata=None))


@bp.route("/<int:meeting_id>/ideas/<int:idea_id>/draft", methods=["GET", "POST"])
@signed_in
def idea_to_draft(meeting_id, idea_id):
    meeting, idea = _idea_for_draft(meeting_id, idea_id, lock=request.method == "POST")
    if request.method == "GET" or idea.proposal_id is not None:
        if idea.proposal_id is not None:
            return _draft_page(meeting, idea, status=409 if request.method == "POST" else 200,
                               error=_("This idea has already become a draft proposal."))
        return _draft_page(meeting, idea)
    chosen = [v for v in request.form.getlist("invite") if v.isdigit() and len(v) < 12]
    if not forms.DraftForm().validate():
        return _draft_page(meeting, idea, status=422, error=_("The form has expired. Please try again."))
    try:
        proposal, invited = ideas.turn_into_draft(_actor(), meeting, idea, db.session.get(Edition, meeting.edition_id),
                                                  chosen)
    except (ideas.DraftError, ProposalError) as error:
        db.session.rollback()
        meeting, idea = _idea_for_draft(meeting_id, idea_id)
        return _draft_page(meeting, idea, status=409, error=str(error), checked={int(v) for v in chosen})
    db.session.commit()
    message = _("The draft is started: complete it and save.")
    if invited:
        message += " " + _("Invitations to co-author it went to: %(names)s.", names=", ".join(p.name for p in invited))
    flash(message, "success")
    return see_other(url_for("proposals.edit", proposal_id=proposal.id))
