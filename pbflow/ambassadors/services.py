"""Ambassador applications and area followers: one function per transition.

Each function checks its guard, changes the state, writes the audit event and
flushes; the view commits. Nothing here touches the request.
"""

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from pbflow.accounts import services as accounts
from pbflow.accounts.exports import eraser, exporter
from pbflow.accounts.models import Role
from pbflow.ambassadors import states
from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus, AreaFollower
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.mail import send_mail
from pbflow.editions import services as editions
from pbflow.editions.models import Area, Stage
from pbflow.extensions import db


class ApplicationError(Exception):
    """A rule about applications was broken; the message is shown to the user."""


class RecruitmentClosed(ApplicationError):
    pass


class AlreadyApplied(ApplicationError):
    pass


class TransitionNotAllowed(ApplicationError):
    """The application is no longer in a status that allows this action."""


def recruitment_message(edition):
    """When recruitment runs, or that there is none: the words the closed page and the refusal use."""
    if edition is None:
        return _("There is no participatory-budget edition running at the moment.")
    return _("Recruitment of ambassadors for %(edition)s runs from %(opens)s to %(closes)s.",
             edition=edition.name, opens=format_date(edition.recruitment_opens, "long"),
             closes=format_date(edition.recruitment_closes, "long"))


def live_application(user, edition):
    """The application that holds the user's place in the edition (any status but withdrawn)."""
    return db.session.scalar(select(AmbassadorApplication).where(
        AmbassadorApplication.user_id == user.id, AmbassadorApplication.edition_id == edition.id,
        AmbassadorApplication.status.in_([s.value for s in states.LIVE])))


def apply(user, edition, district, *, area=None, proposed_area_name=None, proposed_area_description=None,
          motivation, area_knowledge, phone=None, publish_consent):
    """A resident applies to be the ambassador of an existing area or of a new one they propose."""
    if not editions.stage_is_open(edition, Stage.RECRUITMENT):
        raise RecruitmentClosed(_("Applications are not accepted now.") + " " + recruitment_message(edition))
    if live_application(user, edition) is not None:
        raise AlreadyApplied(_("You have already applied in this edition. One application per person is possible; "
                               "you can withdraw it while it waits for a decision."))
    if area is not None and area.district_id != district.id:
        raise ApplicationError(_("This area is not in the chosen district."))
    if area is None and not (proposed_area_name or "").strip():
        raise ApplicationError(_("Choose an area or propose a new one."))
    if not publish_consent:
        raise ApplicationError(_("Ambassadors are listed publicly, so your consent is needed."))
    application = AmbassadorApplication(
        edition_id=edition.id, user_id=user.id, district_id=district.id, area_id=area.id if area else None,
        proposed_area_name=None if area else proposed_area_name.strip(),
        proposed_area_description=None if area else (proposed_area_description or "").strip(),
        motivation=motivation.strip(), area_knowledge=area_knowledge.strip(),
        phone=(phone or "").strip() or None, publish_consent=True,
        status=ApplicationStatus.SUBMITTED.value)
    try:
        with db.session.begin_nested():  # the unique index settles a double click
            db.session.add(application)
    except IntegrityError as error:
        raise AlreadyApplied(_("You have already applied in this edition.")) from error
    audit.record(user, "application.submitted", application, edition=edition.name, district=district.name,
                 area_id=application.area_id, proposed_area=application.proposed_area_name)
    return application


def _guard(application, action):
    if not states.allowed(application, action):
        raise TransitionNotAllowed(already_decided_message(application))


def _move(actor, application, action, **data):
    application.status = states.target(action).value
    audit.record(actor, f"application.{application.status}", application, **data)


def already_decided_message(application):
    if application.state is ApplicationStatus.WITHDRAWN:
        return _("This application has been withdrawn; nothing more can be done with it.")
    return _("This application has already been decided: %(status)s. Reload the page to see the decision.",
             status=application.state.title)


def withdraw(actor, application):
    """The applicant takes the application back while it waits for a decision."""
    _guard(application, "withdraw")
    _move(actor, application, "withdraw")
    return application


def approve(actor, application, status_url=None):
    """The applicant becomes the area's ambassador; a proposed area is created or matched first."""
    _guard(application, "approve")
    if application.user.is_deleted:
        raise TransitionNotAllowed(_("The applicant has deleted their account; the application cannot be approved."))
    new_area = False
    if application.area is None:
        application.area, new_area = _area_for_proposal(actor, application)
    _decide(actor, application, None)
    _move(actor, application, "approve", area_id=application.area.id, area=application.area.name, new_area=new_area)
    accounts.grant_role(actor, application.user, Role.AMBASSADOR)
    _tell_applicant(application, "ambassadors/mail/application_approved.txt", status_url)
    return application


def reject(actor, application, reason, status_url=None):
    """The application is turned down; the applicant reads the reason."""
    _guard(application, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the rejection; the applicant will read it."))
    _decide(actor, application, reason)
    _move(actor, application, "reject", reason=reason)
    _tell_applicant(application, "ambassadors/mail/application_rejected.txt", status_url)
    return application


def _decide(actor, application, reason):
    application.decided_by_id = getattr(actor, "id", None)
    application.decided_at = utcnow()
    application.decision_reason = reason


def _area_for_proposal(actor, application):
    existing = editions.find_area(application.district_id, application.proposed_area_name)
    if existing is not None:
        return existing, False
    try:
        with db.session.begin_nested():
            area = editions.create_area(actor, application.district, application.proposed_area_name,
                                        application.proposed_area_description or "")
    except IntegrityError:  # another approval created the same area a moment ago
        return editions.find_area(application.district_id, application.proposed_area_name), False
    except editions.EditionError as error:
        raise ApplicationError(str(error)) from error
    return area, True


def _tell_applicant(application, template, status_url):
    user = application.user
    if not user.email:
        return
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, user=user, application=application, url=status_url)
        send_mail(user.email, _("Your ambassador application: %(status)s", status=application.state.title), body)


# --- joining an area --------------------------------------------------------

def is_following(user, area):
    return db.session.get(AreaFollower, (area.id, user.id)) is not None


def follow_area(user, area):
    """Join an area: later stages tell its followers about meetings and drafts."""
    if is_following(user, area):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(AreaFollower(area_id=area.id, user_id=user.id))
    except IntegrityError:
        return False  # the same person's other click got there first
    audit.record(user, "area.joined", area)
    return True


def unfollow_area(user, area):
    follower = db.session.get(AreaFollower, (area.id, user.id))
    if follower is None:
        return False
    db.session.delete(follower)
    db.session.flush()
    audit.record(user, "area.left", area)
    return True


# --- the user's own data (RODO) ---------------------------------------------

def _iso(value):
    return value.isoformat() + "Z" if value else None


@exporter("ambassador_applications")
def export_applications(user):
    rows = db.session.scalars(
        select(AmbassadorApplication).where(AmbassadorApplication.user_id == user.id)
        .order_by(AmbassadorApplication.created_at, AmbassadorApplication.id))
    return [{
        "edition": a.edition.name, "district": a.district.name, "area": a.area_label,
        "proposed_area_name": a.proposed_area_name, "proposed_area_description": a.proposed_area_description,
        "motivation": a.motivation, "area_knowledge": a.area_knowledge, "phone": a.phone,
        "publish_consent": a.publish_consent, "status": a.status, "submitted_at": _iso(a.created_at),
        "decided_at": _iso(a.decided_at), "decision_reason": a.decision_reason,
    } for a in rows]


@exporter("followed_areas")
def export_followed_areas(user):
    rows = db.session.execute(
        select(Area, AreaFollower.joined_at).join(AreaFollower, AreaFollower.area_id == Area.id)
        .where(AreaFollower.user_id == user.id).order_by(AreaFollower.joined_at))
    return [{"area": area.name, "district": area.district.name, "joined_at": _iso(joined)} for area, joined in rows]


@eraser
def erase_applications(user):
    """On account deletion: the phone number goes, a waiting application is withdrawn, areas are left."""
    for application in db.session.scalars(select(AmbassadorApplication).where(AmbassadorApplication.user_id == user.id)):
        application.phone = None
        application.publish_consent = False
        if states.allowed(application, "withdraw"):
            _move(user, application, "withdraw", account_deleted=True)
    db.session.execute(delete(AreaFollower).where(AreaFollower.user_id == user.id))
