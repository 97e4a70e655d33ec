"""A resident applies to be an ambassador, follows the application, withdraws it; an ambassador's dashboard."""

from flask import Blueprint, abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.ambassadors import forms, hooks, policy, queries, services
from pbflow.ambassadors.materials import materials_for
from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus
from pbflow.ambassadors.training import checklist
from pbflow.core import clock
from pbflow.core.web.htmx import form_page, is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, role_required, signed_in
from pbflow.editions import services as editions
from pbflow.editions.models import Area, District, Stage
from pbflow.extensions import db

bp = Blueprint("ambassadors", __name__, url_prefix="/ambassadors")


def stage_one(user):
    """(is recruitment open, the status of the user's newest application in the current edition), once per
    request: the navigation's two entries below read it on every signed-in page."""
    if "pbflow_stage_one" not in g:
        g.pbflow_stage_one = queries.recruitment_and_latest_status(user, clock.today())
    return g.pbflow_stage_one


def _may_apply(user):
    if not user.is_authenticated:
        return False
    is_open, latest = stage_one(user)
    return is_open and latest in (None, ApplicationStatus.WITHDRAWN)


def _has_pending_or_past_application(user):
    if not user.is_authenticated:
        return False
    _open, latest = stage_one(user)
    return latest is not None and latest is not ApplicationStatus.APPROVED


nav_item("ambassadors.dashboard", _l("My area"), 21, signed_in_with(Role.AMBASSADOR))
nav_item("ambassadors.apply", _l("Become an ambassador"), 22, _may_apply)
nav_item("ambassadors.my_application", _l("My application"), 23, _has_pending_or_past_application)


def _actor():
    return current_user._get_current_object()


def _application_form(formdata=None):
    form = forms.ApplicationForm() if formdata is None else forms.ApplicationForm(formdata=formdata)
    form.set_choices(editions.districts(), queries.areas())
    form.district.render_kw = {"hx-get": url_for(".area_choices"), "hx-target": "#area-field",
                               "hx-swap": "outerHTML", "hx-trigger": "change"}
    return form


def _closed_page(edition):
    latest = queries.latest_in(current_user, edition)
    status = 409 if request.method == "POST" else 200
    return render("ambassadors/apply_closed.html", status=status, edition=edition, latest=latest,
                  message=services.recruitment_message(edition), today=clock.today())


@bp.route("/apply", methods=["GET", "POST"])
@signed_in
def apply():
    authorize(policy.can_apply(current_user))
    edition = editions.current_edition()
    if not editions.stage_is_open(edition, Stage.RECRUITMENT):
        return _closed_page(edition)
    if request.method == "GET" and services.live_application(current_user, edition) is not None:
        flash(_("You have already applied in this edition. Here is your application."), "info")
        return see_other(url_for(".my_application"))
    form = _application_form()
    if form.validate_on_submit():
        try:
            services.apply(
                _actor(), edition, db.session.get(District, form.district.data),
                area=db.session.get(Area, form.area_id) if form.area_id else None,
                proposed_area_name=form.proposed_area_name.data, proposed_area_description=form.proposed_area_description.data,
                motivation=form.motivation.data, area_knowledge=form.area_knowledge.data, phone=form.phone.data,
                publish_consent=form.publish_consent.data)
        except services.ApplicationError as error:
            db.session.rollback()
            return render("ambassadors/apply.html", status=409, form=form, edition=edition, error=str(error),
                          already_applied=isinstance(error, services.AlreadyApplied))
        db.session.commit()
        flash(_("Thank you. Your application has been sent; the coordinators will decide and tell you by e-mail."), "success")
        return see_other(url_for(".my_application"))
    return form_page("ambassadors/apply.html", form=form, edition=edition)


@bp.route("/apply/areas")
@signed_in
def area_choices():
    """The areas of the chosen district: the area field for htmx, the whole form otherwise."""
    edition = editions.current_edition()
    if not editions.stage_is_open(edition, Stage.RECRUITMENT):
        return _closed_page(edition)
    form = _application_form(request.args)
    return render("ambassadors/apply.html", "ambassadors/_area_field.html", form=form, edition=edition)


def _status_context(application, edition):
    is_open = editions.stage_is_open(edition, Stage.RECRUITMENT)
    return {"application": application, "edition": edition,
            "can_apply_again": is_open and (application is None or application.state is ApplicationStatus.WITHDRAWN)}


@bp.route("/my-application")
@signed_in
def my_application():
    edition = editions.current_edition()
    applications = queries.applications_of(current_user)
    current = next((a for a in applications if edition is not None and a.edition_id == edition.id), None)
    earlier = [a for a in applications if a is not current]
    return render("ambassadors/my_application.html", earlier=earlier, **_status_context(current, edition))


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@signed_in
def withdraw(application_id):
    application = db.session.get(AmbassadorApplication, application_id, with_for_update=True) or abort(404)
    authorize(policy.can_withdraw(current_user, application))
    context = _status_context(application, application.edition)
    try:
        services.withdraw(_actor(), application)
    except services.TransitionNotAllowed as error:
        db.session.rollback()
        return render("ambassadors/my_application.html", "ambassadors/_application_status.html", status=409,
                      earlier=[], error=str(error), **context)
    db.session.commit()
    message = _("Your application has been withdrawn.")
    if is_htmx_request():
        return render("ambassadors/my_application.html", "ambassadors/_application_status.html",
                      message=message, **_status_context(application, application.edition))
    flash(message, "success")
    return see_other(url_for(".my_application"))


@bp.route("/dashboard")
@role_required(Role.AMBASSADOR, Role.COORDINATOR)
def dashboard():
    edition = editions.current_edition()
    mine = queries.ambassadorships(current_user, edition)
    followers = queries.follower_counts([a.area_id for a in mine])
    sections = hooks.area_sections(edition, [a.area_id for a in mine])
    areas = [{"application": a, "area": a.area, "followers": followers.get(a.area_id, 0),
              "materials": materials_for(edition, a.district_id, a.area_id),
              "sections": sections[a.area_id]} for a in mine]
    return render("ambassadors/dashboard.html", edition=edition, areas=areas,
                  checklist=checklist(current_user, edition) if mine else [])
