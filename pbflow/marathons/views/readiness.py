"""Stage IV views: the readiness check (its page and the proposal-page section), stating that no yearly
upkeep is needed, overriding a verdict, and the support list with its scans."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core import uploads
from pbflow.core.files import StoredFile
from pbflow.core.web.htmx import render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.core.web.urls import database_id
from pbflow.extensions import db
from pbflow.feedback import policy as feedback_policy
from pbflow.marathons import policy, readiness, supporters
from pbflow.marathons.forms import readiness as forms
from pbflow.proposals import hooks, rules
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals.views.pages import load_for_change as _load

bp = Blueprint("readiness", __name__, url_prefix="/proposals")


def _actor():
    return current_user._get_current_object()




# --- the section of the proposal page ----------------------------------------------------------

@hooks.page_section("readiness", "marathons/_readiness_section.html", order=5)
def readiness_section(user, proposal):
    """The checklist for the authors, coordinators and the area's ambassador while it matters; the unit's
    experts see only the overrides of their unit's verdicts."""
    if proposal.status in policy.READINESS_STATES and policy.can_see_readiness(user, proposal):
        found = readiness.latest_feedback(proposal)
        return {"items": readiness.checklist(proposal, found=found), "overrides": _overrides(found)}
    units = feedback_policy.unit_ids_of(user) if proposal_policy.is_expert(user) else frozenset()
    if units:
        overrides = [f for f in _overrides(readiness.latest_feedback(proposal)) if f.unit_id in units]
        if overrides:
            return {"items": None, "overrides": overrides}
    return None


def _overrides(found):
    return [f for f in found if f.cannot_be_done and f.overridden_at is not None]


# --- the readiness page ---------------------------------------------------------------------

def _page_values(proposal, override_forms=None, upkeep_error=None):
    """What the readiness page shows: the checklist, the verdicts and their overrides, the forms."""
    found = readiness.latest_feedback(proposal)
    version = rules.get_version(proposal)
    forms_by_id = dict(override_forms or {})
    if policy.can_override_verdict(current_user):
        for feedback in found:
            if feedback.blocks and feedback.id not in forms_by_id:
                forms_by_id[feedback.id] = forms.OverrideForm(formdata=None, prefix=f"override-{feedback.id}")
    backing = supporters.backing(proposal)
    return {"version": version, "items": readiness.checklist(proposal, version, found, backing), "found": found,
            "overrides": _overrides(found), "override_forms": forms_by_id, "upkeep_error": upkeep_error,
            "declarable": version.yearly_upkeep == 0 and policy.can_declare_no_upkeep(current_user, proposal),
            "upkeep_form": forms.ButtonForm(), "backing": backing,
            "needed": rules.edition_of(proposal).supporters_required,
            "may_see_supporters": policy.can_see_supporters(current_user, proposal)}


def _page(proposal, status=200, partial=None, override_forms=None, upkeep_error=None, **extra):
    authorize(policy.can_see_readiness(current_user, proposal))
    return render("marathons/readiness.html", partial, status=status, proposal=proposal,
                  **_page_values(proposal, override_forms, upkeep_error), **extra)


@bp.route("/<int:proposal_id>/readiness")
@signed_in
def show(proposal_id):
    return _page(_load(proposal_id))


@bp.route("/<int:proposal_id>/readiness/no-upkeep", methods=["POST"])
@signed_in
def declare_no_upkeep(proposal_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_declare_no_upkeep(current_user, proposal))
    if not forms.ButtonForm().validate_on_submit():
        abort(400)
    try:
        changed = readiness.declare_no_upkeep(_actor(), proposal)
    except readiness.ReadinessError as error:
        db.session.rollback()
        return _page(_load(proposal_id), status=error.status, upkeep_error=str(error))
    db.session.commit()
    flash(_("Noted: the project needs no yearly upkeep.") if changed else _("This was already stated."), "success")
    return see_other(url_for(".show", proposal_id=proposal_id, _anchor="upkeep"))


@bp.route("/<int:proposal_id>/readiness/verdicts/<int:feedback_id>/override", methods=["POST"])
@signed_in
def override(proposal_id, feedback_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_override_verdict(current_user) and policy.can_see_readiness(current_user, proposal))
    form = forms.OverrideForm(prefix=f"override-{feedback_id}")
    if form.validate_on_submit():
        try:
            readiness.override_verdict(_actor(), proposal, feedback_id, form.reason.data)
        except readiness.ReadinessError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The verdict is overridden; the authors and the unit were told."), "success")
            return see_other(url_for(".show", proposal_id=proposal_id, _anchor="verdicts"))
    found = readiness.overridable(proposal, feedback_id)
    if found is None:  # overridden meanwhile, or a new round came: the page as it is now
        return _page(_load(proposal_id), status=409)
    return _page(proposal, 422, "marathons/_readiness_override.html", override_forms={feedback_id: form},
                 feedback=found, form=form)


# --- the support list ------------------------------------------------------------------------

def _supporters_page(proposal, status=200, form=None, scan_form=None, error=None):
    authorize(policy.can_see_supporters(current_user, proposal))
    rows, later = supporters.page(proposal, database_id(request.args.get("after")))
    edition = rules.edition_of(proposal)
    return render("marathons/supporters.html", "marathons/_supporters_form.html", status=status,
                  proposal=proposal, rows=rows, later=later, first_page=request.args.get("after") is None,
                  scans=supporters.scans(proposal), backing=supporters.backing(proposal),
                  needed=edition.supporters_required, may_change=policy.can_change_supporters(current_user, proposal),
                  form=form or forms.SupportersForm(formdata=None), scan_form=scan_form or forms.ScanForm(formdata=None),
                  button_form=forms.ButtonForm(), error=error, last_day=supporters.last_day(edition))


def _back_to_list(proposal_id, message):
    db.session.commit()
    flash(message, "success")
    return see_other(url_for(".supporters", proposal_id=proposal_id))


@bp.route("/<int:proposal_id>/supporters", endpoint="supporters")
@signed_in
def supporters_list(proposal_id):
    return _supporters_page(_load(proposal_id))


@bp.route("/<int:proposal_id>/supporters", methods=["POST"])
@signed_in
def add_supporters(proposal_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_change_supporters(current_user, proposal))
    form = forms.SupportersForm()
    if form.validate_on_submit():
        try:
            added = supporters.add_names(_actor(), proposal, form.names.data, form.consent.data)
        except supporters.SupportersError as error:
            db.session.rollback()
            form.names.errors = [*form.names.errors, str(error)]
        else:
            return _back_to_list(proposal_id, _("Names added: %(count)d.", count=added))
    return _supporters_page(_load(proposal_id), status=422, form=form)


@bp.route("/<int:proposal_id>/supporters/<int:supporter_id>/remove", methods=["POST"])
@signed_in
def remove_supporter(proposal_id, supporter_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_change_supporters(current_user, proposal))
    if not forms.ButtonForm().validate_on_submit():
        abort(400)
    try:
        supporters.remove_supporter(_actor(), proposal, supporter_id)
    except supporters.SupportersError as error:
        db.session.rollback()
        return _supporters_page(_load(proposal_id), status=409, error=str(error))
    return _back_to_list(proposal_id, _("The name was removed from the list."))


@bp.route("/<int:proposal_id>/supporters/scans", methods=["POST"])
@signed_in
def add_scan(proposal_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_change_supporters(current_user, proposal))
    form = forms.ScanForm()
    if form.validate_on_submit():
        try:
            supporters.add_scan(_actor(), proposal, form.file.data, form.signatures.data, form.consent.data)
        except supporters.SupportersError as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(error)]
        else:
            return _back_to_list(proposal_id, _("The scanned list was added."))
    return _supporters_page(_load(proposal_id), status=422, scan_form=form)


@bp.route("/<int:proposal_id>/supporters/scans/<int:scan_id>/remove", methods=["POST"])
@signed_in
def remove_scan(proposal_id, scan_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_change_supporters(current_user, proposal))
    if not forms.ButtonForm().validate_on_submit():
        abort(400)
    try:
        files = supporters.remove_scan(_actor(), proposal, scan_id)
    except supporters.SupportersError as error:
        db.session.rollback()
        return _supporters_page(_load(proposal_id), status=409, error=str(error))
    response = _back_to_list(proposal_id, _("The scanned list was deleted."))
    supporters.delete_files(files)
    return response


@bp.route("/<int:proposal_id>/supporters/scans/<int:scan_id>")
@signed_in
def scan_file(proposal_id, scan_id):
    proposal = _load(proposal_id)
    authorize(policy.can_see_supporters(current_user, proposal))
    scan = supporters.scan_of(proposal, scan_id)
    stored = scan and db.session.get(StoredFile, scan.file_id)
    if stored is None:
        abort(404)
    try:
        return uploads.send_stored(stored)
    except FileNotFoundError:
        current_app.logger.error("scanned list %s: stored file %s is missing", scan.id, stored.id)
        abort(404)
