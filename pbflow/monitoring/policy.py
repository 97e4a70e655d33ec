"""Who may do what in monitoring. Coordinators define indicators and make reports; partner staff record
activities; everyone sees the public summary, which holds no personal data."""

from pbflow.accounts.models import Role


def _signed_in(user):
    return bool(getattr(user, "is_authenticated", False))


def is_coordinator(user):
    return _signed_in(user) and user.has_role(Role.COORDINATOR)


def can_define_indicators(user):
    return is_coordinator(user)


def can_see_everything(user):
    """Activity notes, who led them, source notes of measurements, reports."""
    return is_coordinator(user)


def can_record_activities(user):
    return _signed_in(user) and user.has_role(Role.COORDINATOR, Role.PARTNER)


def can_change_activity(user, activity):
    """Coordinators, and the partner who recorded it."""
    return is_coordinator(user) or (can_record_activities(user) and activity.recorded_by_id == user.id)


def can_make_reports(user):
    return is_coordinator(user)
