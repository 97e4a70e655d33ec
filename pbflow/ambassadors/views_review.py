"""Coordinators review ambassador applications: the list, one application with its audit trail, decisions."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.ambassadors import forms, policy, queries, services, states
from pbflow.ambassadors.models import AmbassadorApplication
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, role_required
from pbflow.core.web.urls import external_url, safe_next
from pbflow.editions import services as editions
from pbflow.extensions import db

bp = Blueprint("applications", __name__, url_prefix="/ambassadors/applications")
nav_item("applications.index", _l("Applications"), 24, signed_in_with(Role.COORDINATOR))

AUDIT_TITLES = {
    "application.submitted": _l("Application sent"),
    "application.withdrawn": _l("Withdrawn by the applicant"),
    "application.approved": _l("Approved"),
    "application.rejected": _l("Rejected"),
}


@bp.route("/")
@role_required(Role.COORDINATOR)
def index():
    edition = editions.current_edition()
    form = forms.ApplicationFilterForm(request.args)
    form.district.choices = forms.district_choices(editions.districts(), _l("All districts"))
    context = {"form": form, "edition": edition, "page": None, "counts": {}, "filters": {},
               "next_url": request.full_path.rstrip("?"), "reject_form": forms.RejectForm(formdata=None),
               "can_decide": policy.can_decide}
    if not form.validate():
        return render("ambassadors/applications.html", "ambassadors/_application_results.html", status=422, **context)
    if edition is not None:
        status, district_id = form.status.data or None, form.district.data
        query = queries.applications_for_review(edition, status, district_id)
        context.update(page=db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False),
                       counts=queries.status_counts(edition, district_id),
                       filters={"status": status, "district": district_id})
    return render("ambassadors/applications.html", "ambassadors/_application_results.html", **context)


def _load(application_id, for_update=False):
    application = (db.session.get(AmbassadorApplication, application_id, with_for_update=True) if for_update
                   else queries.application(application_id))
    if application is None:
        abort(404)
    return application


def _detail_page(application, status=200, **context):
    """The whole application page, or only its decision panel for htmx."""
    context.setdefault("reject_form", forms.RejectForm(formdata=None))
    context.setdefault("next_url", request.form.get("next") or url_for(".detail", application_id=application.id))
    if not is_htmx_request():  # the panel alone needs neither
        context["events"] = queries.audit_trail(application)
        context["existing_area"] = (editions.find_area(application.district_id, application.proposed_area_name)
                                    if application.area_id is None else None)
    return render("ambassadors/application.html", "ambassadors/_decision.html", status=status,
                  application=application, audit_titles=AUDIT_TITLES, can_decide=policy.can_decide, **context)


@bp.route("/<int:application_id>")
@role_required(Role.COORDINATOR)
def detail(application_id):
    application = _load(application_id)
    authorize(policy.can_view_application(current_user, application))
    return _detail_page(application)


def _status_url():
    return external_url("ambassadors.my_application")


def _conflict(application, error):
    db.session.rollback()
    return _detail_page(_load(application.id), status=409, error=str(error))


def _decided(application, message):
    db.session.commit()
    if is_htmx_request():
        return _detail_page(application, message=message)
    flash(message, "success")
    return see_other(safe_next(request.form.get("next")) or url_for(".detail", application_id=application.id))


@bp.route("/<int:application_id>/approve", methods=["POST"])
@role_required(Role.COORDINATOR)
def approve(application_id):
    application = _load(application_id, for_update=True)
    authorize(policy.can_decide(current_user, application))
    try:
        services.approve(current_user._get_current_object(), application, status_url=_status_url())
    except services.ApplicationError as error:
        return _conflict(application, error)
    return _decided(application, _("%(name)s is now the ambassador of the area %(area)s.",
                                   name=application.user.display_name, area=application.area.name))


@bp.route("/<int:application_id>/reject", methods=["POST"])
@role_required(Role.COORDINATOR)
def reject(application_id):
    application = _load(application_id, for_update=True)
    authorize(policy.can_decide(current_user, application))
    form = forms.RejectForm()
    if not states.allowed(application, "reject"):
        return _conflict(application, services.already_decided_message(application))
    if not form.validate_on_submit():
        return _detail_page(application, status=422, reject_form=form)
    try:
        services.reject(current_user._get_current_object(), application, form.reason.data, status_url=_status_url())
    except services.ApplicationError as error:
        return _conflict(application, error)
    return _decided(application, _("The application of %(name)s has been rejected; they will be told by e-mail.",
                                   name=application.user.display_name))
