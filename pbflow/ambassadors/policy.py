"""Who may do what with ambassador applications and areas. The one place these questions are answered."""

from sqlalchemy import exists, select

from pbflow.accounts.models import Role
from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus
from pbflow.extensions import db


def _signed_in(user):
    return user is not None and user.is_authenticated and not getattr(user, "is_deleted", False)


def is_coordinator(user):
    return _signed_in(user) and user.has_role(Role.COORDINATOR)


def can_apply(user):
    return _signed_in(user)


def can_review(user):
    """See the list of applications and their audit trails."""
    return is_coordinator(user)


def can_view_application(user, application):
    return _signed_in(user) and (application.user_id == user.id or is_coordinator(user))


def can_withdraw(user, application):
    """Only the applicant withdraws; whether the status still allows it is the service's question."""
    return _signed_in(user) and application.user_id == user.id


def can_decide(user, application):
    """Coordinators decide, but never on their own application."""
    return is_coordinator(user) and application.user_id != user.id


def can_follow_areas(user):
    return _signed_in(user)


def is_ambassador_of(user, area_id, edition_id):
    """An approved application for that area in that edition makes the user its ambassador."""
    if not _signed_in(user):
        return False
    return db.session.scalar(select(exists().where(
        AmbassadorApplication.user_id == user.id,
        AmbassadorApplication.area_id == area_id,
        AmbassadorApplication.edition_id == edition_id,
        AmbassadorApplication.status == ApplicationStatus.APPROVED.value,
    )))
