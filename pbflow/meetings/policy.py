"""Who may do what with residents' meetings. The one place these questions are answered."""

from pbflow.accounts.models import Role
from pbflow.ambassadors.policy import is_ambassador_of
from pbflow.meetings.models import MeetingStatus


def signed_in(user):
    return user is not None and user.is_authenticated and not getattr(user, "is_deleted", False)


def is_coordinator(user):
    return signed_in(user) and user.has_role(Role.COORDINATOR)


def can_schedule(user, edition_id, area_id):
    """The area's ambassadors in that edition, and coordinators for any area."""
    return is_coordinator(user) or (signed_in(user) and is_ambassador_of(user, area_id, edition_id))


def can_manage(user, meeting):
    """Edit, reschedule, cancel, record the day, moderate the discussion, see who signed up."""
    return can_schedule(user, meeting.edition_id, meeting.area_id)


def can_sign_up(user):
    return signed_in(user)


def can_reopen(user, meeting):
    """A held meeting's frozen attendance is changed only by a coordinator."""
    return is_coordinator(user) and meeting.state is MeetingStatus.HELD


def can_see_hidden(user, meeting):
    """Hidden comments and their reasons: the moderators and coordinators."""
    return can_manage(user, meeting)


def can_post(user):
    return signed_in(user)


def can_turn_into_draft(user, meeting, idea, raiser_ids=(), may_manage=None):
    """The area's ambassador, a coordinator, or someone who raised or posted the idea. A page that lists many
    ideas passes `may_manage` (can_manage, asked once for the meeting), so that no idea costs a query."""
    if not signed_in(user) or idea.proposal_id is not None:
        return False
    if idea.created_by_id == user.id or user.id in raiser_ids:
        return True
    return can_manage(user, meeting) if may_manage is None else may_manage


def can_add_venue(user):
    """Ambassadors and coordinators keep the list of venues."""
    return signed_in(user) and user.has_role(Role.AMBASSADOR, Role.COORDINATOR)
