"""Who may do what with a user account. The one place these questions are answered."""

from pbflow.accounts.models import Role


def can_list_users(actor):
    return actor.is_authenticated and actor.has_role(Role.COORDINATOR)


def can_change_roles(actor, user):
    return can_list_users(actor) and not user.is_deleted


def can_revoke_role(actor, user, role):
    """A coordinator cannot demote themselves: another coordinator must do it."""
    return can_change_roles(actor, user) and not (Role(role) is Role.COORDINATOR and actor.id == user.id)
