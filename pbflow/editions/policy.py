"""Who may do what with editions, districts and areas. The one place these questions are answered."""

from pbflow.accounts.models import Role


def _is(user, *roles):
    return bool(user is not None and user.is_authenticated and user.has_role(*roles))


def can_manage_editions(user):
    """Set editions up: dates, pools, caps, criteria, which one is current."""
    return _is(user, Role.COORDINATOR)


def can_create_area(user, district):
    """Coordinators and ambassadors mark out areas (an estate, a few streets) inside a district."""
    return district is not None and _is(user, Role.COORDINATOR, Role.AMBASSADOR)


def can_edit_areas(user):
    return _is(user, Role.COORDINATOR)


def can_edit_area(user, area):
    return area is not None and can_edit_areas(user)
