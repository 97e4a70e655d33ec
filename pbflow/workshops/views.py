"""Stage III views: expert workshops (this blueprint) and consultations (views_consultations.py)."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.core.database import utcnow
from pbflow.core.web.htmx import form_page, is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, public, signed_in
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals.models import Proposal
from pbflow.workshops import policy, workshops
from pbflow.workshops.forms import ButtonForm, ConclusionsForm, InviteForm, ReasonForm, WorkshopForm

bp = Blueprint("workshops", __name__, url_prefix="/workshops")

nav_item("workshops.index", _l("Workshops and consultations"), 16)


def _actor():
    return current_user._get_current_object()


def load(workshop_id, for_update=False):
    workshop = workshops.load(workshop_id, for_update=for_update)
    if workshop is None:
        abort(404)
    return workshop


# --- the list --------------------------------------------------------------------------

@bp.route("/")
@public
def index():
    edition = editions.current_edition()
    when = workshops.PAST if request.args.get("when") == workshops.PAST else workshops.UPCOMING
    context = {"edition": edition, "when": when, "may_organise": policy.can_organise(current_user),
               "may_publish": policy.can_publish_slots(current_user), "page": None}
    if edition is None:
        return render("workshops/index.html", "workshops/_list.html", **context)
    try:
        context["page"] = workshops.page(edition.id, when, request.args.get("after"))
    except ValueError:
        return render("workshops/index.html", "workshops/_list.html", status=400,
                      cursor_error=_("This page link is damaged. Start again from the first page."), **context)
    return render("workshops/index.html", "workshops/_list.html", **context)


# --- scheduling ------------------------------------------------------------------------

def _choosable_units(workshop=None):
    units = workshops.all_units()
    allowed = policy.allowed_unit_ids(current_user, [u.id for u in units])
    keep = set(workshops.unit_ids(workshop)) if workshop is not None else set()
    return [u for u in units if u.id in allowed or u.id in keep]


def _refused(template, form, error, **context):
    if error.status == 403 and error.field is None:
        abort(403)
    shown = form.show_refusal(error) if form is not None else False
    return render(template, status=422 if shown and error.status != 403 else error.status, form=form,
                  form_error=None if shown else str(error), **context)


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    authorize(policy.can_organise(current_user))
    edition = editions.current_edition()
    context = {"edition": edition, "workshop": None}
    if edition is None:
        return render("workshops/form.html", status=409 if request.method == "POST" else 200, form=None, **context)
    form = WorkshopForm()
    form.set_choices(_choosable_units())
    if request.method == "GET" and len(form.units.choices) == 1:
        form.units.data = [form.units.choices[0][0]]
    if form.validate_on_submit():
        try:
            workshop = workshops.schedule(_actor(), edition, form.details())
        except workshops.WorkshopError as error:
            db.session.rollback()
            return _refused("workshops/form.html", form, error, **context)
        db.session.commit()
        flash(_("The workshop is scheduled. Now invite the authors of the proposals to discuss."), "success")
        return see_other(url_for(".show", workshop_id=workshop.id))
    return form_page("workshops/form.html", form=form, **context)


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(workshop_id):
    workshop = load(workshop_id, for_update=request.method == "POST")
    authorize(policy.can_manage(current_user, workshop))
    edition = db.session.get(Edition, workshop.edition_id)
    context = {"edition": edition, "workshop": workshop}
    form = WorkshopForm() if request.method == "POST" else WorkshopForm(formdata=None)
    form.set_choices(_choosable_units(workshop))
    if request.method == "GET":
        form.fill(workshop, workshops.unit_ids(workshop))
    if form.validate_on_submit():
        try:
            workshops.update_workshop(_actor(), workshop, edition, form.details())
        except workshops.WorkshopError as error:
            db.session.rollback()
            return _refused("workshops/form.html", form, error, **context)
        db.session.commit()
        flash(_("The workshop is saved."), "success")
        return see_other(url_for(".show", workshop_id=workshop.id))
    return form_page("workshops/form.html", form=form, **context)


@bp.route("/<int:workshop_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(workshop_id):
    workshop = load(workshop_id, for_update=request.method == "POST")
    authorize(policy.can_manage(current_user, workshop))
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            workshops.cancel(_actor(), workshop, form.reason.data)
        except workshops.WorkshopError as error:
            db.session.rollback()
            return render("workshops/cancel.html", status=error.status, form=form, workshop=workshop,
                          form_error=str(error))
        db.session.commit()
        flash(_("The workshop is cancelled; everyone invited has been told."), "success")
        return see_other(url_for(".show", workshop_id=workshop.id))
    return form_page("workshops/cancel.html", form=form, workshop=workshop)


@bp.route("/<int:workshop_id>/held", methods=["POST"])
@signed_in
def mark_held(workshop_id):
    workshop = load(workshop_id, for_update=True)
    authorize(policy.can_manage(current_user, workshop))
    if not ButtonForm().validate():
        return _show(workshop, status=400, page_error=_("The form has expired. Please try again."))
    try:
        workshops.mark_held(_actor(), workshop)
    except workshops.WorkshopError as error:
        db.session.rollback()
        return _show(workshop, status=error.status, page_error=str(error))
    db.session.commit()
    flash(_("The workshop is marked held. You can now write the conclusions for each proposal."), "success")
    return see_other(url_for(".show", workshop_id=workshop.id))


# --- the workshop page -----------------------------------------------------------------

def page_context(workshop, **extra):
    """Everything the page shows, in a fixed number of queries."""
    user = current_user
    units = workshops.units_of(workshop)
    unit_ids = [u.id for u in units]
    may_see_invitees = policy.can_see_invitees(user, workshop, unit_ids)
    may_invite = policy.can_invite(user, workshop, unit_ids)
    context = {
        "workshop": workshop, "units": units, "discussed": workshops.discussed(workshop),
        "may_manage": policy.can_manage(user, workshop), "may_see_invitees": may_see_invitees,
        "may_invite": may_invite, "may_conclude": policy.can_write_conclusions(user, workshop, unit_ids),
        "invites": workshops.invites(workshop) if may_see_invitees else None,
        "counts": workshops.invite_counts(workshop), "my_invite": workshops.my_invite(workshop, user),
        "search_query": "", "found": None, "similar": None, "like": None,
        "started": utcnow() >= workshop.starts_at,
    }
    if may_invite:
        words = request.args.get("q", "").strip()[:200]
        if words:
            context["search_query"] = words
            context["found"] = workshops.find_proposals(user, workshop.edition_id, words)
        like_id = database_id(request.args.get("like", ""))
        like = db.session.get(Proposal, like_id) if like_id else None
        if (like is not None and like.edition_id == workshop.edition_id
                and proposal_policy.can_view(user, like)):  # never a title the person may not see
            context["like"] = like
            context["similar"] = workshops.similar_proposals(like, viewer=user)
    context["offer_similar"] = may_invite
    context.update(extra)
    return context


def _show(workshop, status=200, **extra):
    return render("workshops/show.html", status=status, **page_context(workshop, **extra))


@bp.route("/<int:workshop_id>")
@public
def show(workshop_id):
    return _show(load(workshop_id))


@bp.route("/<int:workshop_id>/invite", methods=["POST"])
@signed_in
def invite(workshop_id):
    workshop = load(workshop_id, for_update=True)  # two invitations of one proposal at once: one after the other
    authorize(policy.can_invite(current_user, workshop, workshops.unit_ids(workshop)))
    form = InviteForm()
    if not form.validate():
        return _show(workshop, status=422, invite_error=_("Choose a proposal from the search results."))
    proposal_id = database_id(form.proposal.data)
    proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
    try:
        count = workshops.invite(_actor(), workshop, proposal)
    except workshops.WorkshopError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        return _show(workshop, status=error.status, invite_error=str(error))
    db.session.commit()
    flash(_("“%(title)s” is on the workshop.", title=proposal.title) + " "
          + (_("Invitations sent: %(num)d.", num=count) if count
             else _("Its authors were already invited.")), "success")
    return see_other(url_for(".show", workshop_id=workshop.id) + "#invite")


def _answer(workshop_id, action):
    workshop = load(workshop_id, for_update=True)
    invitation = workshops.my_invite(workshop, current_user)
    authorize(invitation is not None)
    if not ButtonForm().validate():
        return _box(workshop, 400, error=_("The form has expired. Please try again."))
    try:
        action(_actor(), workshop, invitation)
    except workshops.WorkshopError as error:
        db.session.rollback()
        return _box(workshop, error.status, error=str(error))
    db.session.commit()
    message = (_("Thank you: your place is confirmed.") if invitation.status == "confirmed"
               else _("Thank you for letting us know you cannot come."))
    if is_htmx_request():
        return _box(workshop, 200, message=message)
    flash(message, "success")
    return see_other(url_for(".show", workshop_id=workshop.id) + "#my-invitation")


def _box(workshop, status, message=None, error=None):
    db.session.expire_all()
    workshop = load(workshop.id)
    return render("workshops/show.html", "workshops/_my_invitation.html", status=status,
                  answer_message=message, answer_error=error, **page_context(workshop))


@bp.route("/<int:workshop_id>/confirm", methods=["POST"])
@signed_in
def confirm(workshop_id):
    return _answer(workshop_id, workshops.confirm)


@bp.route("/<int:workshop_id>/decline", methods=["POST"])
@signed_in
def decline(workshop_id):
    return _answer(workshop_id, workshops.decline)


@bp.route("/<int:workshop_id>/conclusions/<int:proposal_id>", methods=["POST"])
@signed_in
def conclusions(workshop_id, proposal_id):
    workshop = load(workshop_id)
    authorize(policy.can_write_conclusions(current_user, workshop, workshops.unit_ids(workshop)))
    form = ConclusionsForm()
    if not form.validate():
        return _show(workshop, status=422, conclusion_form=form, conclusion_for=proposal_id)
    try:
        workshops.write_conclusions(_actor(), workshop, proposal_id, form.conclusions.data)
    except workshops.WorkshopError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        form.conclusions.errors = [str(error)]
        return _show(workshop, status=error.status, conclusion_form=form, conclusion_for=proposal_id)
    db.session.commit()
    flash(_("The conclusions are saved."), "success")
    return see_other(url_for(".show", workshop_id=workshop.id) + f"#proposal-{proposal_id}")


from pbflow.workshops import sections, views_consultations  # noqa: E402, F401

BLUEPRINTS = (bp, views_consultations.bp)
