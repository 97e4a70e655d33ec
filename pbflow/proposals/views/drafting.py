"""Starting and editing a proposal: the form, its live checks and preview, and the conflict page.

Registered on the "proposals" blueprint of views/pages.py (pbflow/__init__.py imports this module,
so the routes exist). Without JavaScript every button posts the whole form: "Add a line", "Remove"
and "Preview" show the form again (200, nothing saved); saving redirects (303). htmx swaps only the
cost editor, the preview or the live figures.
"""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pbflow.core import clock
from pbflow.core.web.htmx import render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.editions import services as editions
from pbflow.editions.models import Area
from pbflow.extensions import db
from pbflow.proposals import policy, queries
from pbflow.proposals import services as proposals
from pbflow.proposals.forms import proposal as forms
from pbflow.proposals.views.pages import bp, load_visible

nav_item("proposals.new", _l("Write a proposal"), 14, lambda user: user.is_authenticated)

COSTS_EDITOR = "proposals/_costs_editor.html"


def _actor():
    return current_user._get_current_object()


def _areas(district_id):
    if district_id is None:
        return []
    return db.session.scalars(
        select(Area).where(Area.district_id == district_id).order_by(Area.name_key, Area.id)).all()


def _prepare(form):
    form.set_choices(editions.districts(), _areas(form.chosen_district))
    form.district.render_kw = {"hx-get": url_for("proposals.area_choices"), "hx-target": "#area-field",
                               "hx-swap": "outerHTML", "hx-trigger": "change"}
    return form


def _open_edition():
    """The current edition if proposals can still be started in it, else None."""
    edition = editions.current_edition()
    if edition is None or clock.today() > edition.submission_deadline:
        return None
    return edition


def _page(form, edition, proposal=None, status=200, partial=None, template="proposals/form.html", **extra):
    """The form page (or, for htmx, one of its parts) with everything its regions show."""
    context = {
        "form": form, "edition": edition, "proposal": proposal,
        "action": url_for(".edit", proposal_id=proposal.id) if proposal else url_for(".new"),
        "check_url": url_for(".check", proposal_id=proposal.id) if proposal else url_for(".check_new"),
        "counters": forms.counters(form, edition), "totals": forms.totals(form, edition),
        "preview": None, "error": None, "focus_line": None, "focus_add": False, **extra,
    }
    return render(template, partial, status=status, **context)


def _rows_or_preview(form, edition, proposal=None):
    """The buttons that only show the form again: add or remove a cost line, preview the description."""
    if "add_line" in request.form:
        index = form.add_line()
        return _page(form, edition, proposal, partial=COSTS_EDITOR, focus_line=index, focus_add=index is None)
    if "remove_line" in request.form:
        try:
            index = int(request.form["remove_line"])
        except ValueError:
            index = -1
        form.remove_line(index)
        return _page(form, edition, proposal, partial=COSTS_EDITOR, focus_add=True)
    if "preview" in request.form:
        return _page(form, edition, proposal, preview=form.description.data or "")
    return None


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def new():
    authorize(policy.can_start(current_user))
    edition = _open_edition()
    if edition is None:
        return render("proposals/closed.html", status=409 if request.method == "POST" else 200,
                      edition=editions.current_edition())
    if request.method == "GET":
        return _page(_prepare(forms.ProposalForm(formdata=None)), edition)
    form = _prepare(forms.posted_form(request.form))
    if (shown := _rows_or_preview(form, edition)) is not None:
        return shown
    if not form.validate():
        return _page(form, edition, status=422)
    dropped = form.drop_unshown_html()
    try:
        proposal = proposals.start_draft(_actor(), edition, form.content())
        db.session.commit()
    except proposals.ProposalError as error:
        db.session.rollback()
        return _page(form, edition, status=422, error=str(error))
    if dropped:
        flash(dropped, "info")
    flash(_("Your draft has been saved as version 1. Only its authors and the area's ambassador can see it."),
          "success")
    return see_other(url_for(".show", proposal_id=proposal.id))


def _load_editable(proposal_id):
    """The proposal for someone who may edit it (403 otherwise, whatever its status)."""
    proposal = load_visible(proposal_id)
    authorize(policy.can_edit(current_user, proposal, check_state=False))
    return proposal


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(proposal_id):
    proposal = _load_editable(proposal_id)
    edition = proposal.edition
    editable = policy.can_edit(current_user, proposal)
    if request.method == "GET":
        if not editable:
            flash(_("This proposal cannot be edited in its current status."), "error")
            return see_other(url_for(".show", proposal_id=proposal.id))
        version = queries.version(proposal)
        form = forms.ProposalForm.from_content(proposals.Content.of(version), lock=proposal.current_version)
        return _page(_prepare(form), edition, proposal, version=version)
    form = _prepare(forms.posted_form(request.form))
    if not editable:  # it moved on while the form was open: keep the text, say why
        return _page(form, edition, proposal, status=409,
                     error=_("This proposal cannot be edited in its current status."))
    if (shown := _rows_or_preview(form, edition, proposal)) is not None:
        return shown
    if not form.validate():
        return _page(form, edition, proposal, status=422)
    dropped = form.drop_unshown_html()
    try:
        version = proposals.save_version(_actor(), proposal, form.content(), expected_lock=form.expected_lock(),
                                         change_note=form.change_note.data or "")
        number = version.number
        db.session.commit()
    except proposals.StaleProposal:
        return _conflict(form, proposal_id)
    except IntegrityError:  # a concurrent save took the version number first
        return _conflict(form, proposal_id)
    except proposals.NothingChanged as error:
        db.session.rollback()
        if dropped:
            flash(dropped, "info")
        flash(str(error), "info")
        return see_other(url_for(".show", proposal_id=proposal_id))
    except proposals.ProposalError as error:
        db.session.rollback()
        status = 409 if isinstance(error, proposals.NotAllowed) else 422
        return _page(form, edition, proposal, status=status, error=str(error))
    if dropped:
        flash(dropped, "info")
    flash(_("Version %(number)d has been saved.", number=number), "success")
    return see_other(url_for(".show", proposal_id=proposal_id))


def _conflict(form, proposal_id):
    """409: the editor's text and the newer saved text side by side; the form keeps the editor's
    text with the new lock counter, so saving after merging by hand works."""
    db.session.rollback()
    proposal = load_visible(proposal_id)
    theirs = queries.version(proposal)
    form.lock.data = str(proposal.current_version)
    mine = forms.side(form.content(), form.district_labels.get(form.district.data),
                      form.area_names.get(form.area.data))
    saved = forms.side(proposals.Content.of(theirs), theirs.district.label if theirs.district_id else "",
                       theirs.area.name if theirs.area_id else "")
    return _page(form, proposal.edition, proposal, status=409, template="proposals/conflict.html", theirs=theirs,
                 rows=forms.conflict_rows(mine, saved))


# --- what htmx asks for while the author types ----------------------------------

def _live(form, edition):
    return render("proposals/_live.html", form=form, edition=edition,
                  counters=forms.counters(form, edition), totals=forms.totals(form, edition))


@bp.route("/new/check", methods=["POST"])
@signed_in
def check_new():
    """The live character counts and cost figures of a new proposal (htmx)."""
    edition = _open_edition()
    if edition is None:
        return "", 204
    return _live(forms.posted_form(request.form), edition)


@bp.route("/<int:proposal_id>/check", methods=["POST"])
@signed_in
def check(proposal_id):
    """The live character counts and cost figures while editing (htmx)."""
    proposal = _load_editable(proposal_id)
    return _live(forms.posted_form(request.form), proposal.edition)


@bp.route("/preview", methods=["POST"])
@signed_in
def preview():
    """The description as it will be shown: Markdown rendered and sanitised (htmx)."""
    text = forms.one_kind_of_newline(request.form.get("description", ""))[:proposals.DESCRIPTION_HARD_MAX]
    return render("proposals/_preview_body.html", preview=text)


@bp.route("/areas")
@signed_in
def area_choices():
    """The area field for the chosen district (htmx swaps it in when the district changes)."""
    form = forms.ProposalForm(formdata=request.args, meta={"csrf": False})
    _prepare(form)
    return render("proposals/_area_field.html", form=form)

