"""Who may do what with submission marathons. The one place these questions are answered."""

from sqlalchemy import exists, select

from pbflow.extensions import db
from pbflow.marathons.models import BookingStatus, MarathonHelper, MarathonStatus
from pbflow.proposals import policy as proposal_policy

signed_in = proposal_policy.signed_in
is_coordinator = proposal_policy.is_coordinator


# --- marathons, slots, helpers -----------------------------------------------------------

def can_manage_marathons(user):
    """Create, edit and cancel marathons, their times and helpers: coordinators."""
    return is_coordinator(user)


def can_change(user, marathon):
    """A cancelled marathon stays as it was."""
    return can_manage_marathons(user) and marathon.state is MarathonStatus.PLANNED


def is_helper(user, marathon_id):
    """The person helps at this marathon (one query)."""
    if not signed_in(user):
        return False
    return db.session.scalar(select(exists().where(MarathonHelper.marathon_id == marathon_id,
                                                   MarathonHelper.user_id == user.id)))


def can_see_bookings(user, marathon_id):
    """Which proposals come when: coordinators and the marathon's helpers."""
    return can_manage_marathons(user) or is_helper(user, marathon_id)


# --- bookings ----------------------------------------------------------------------------

def can_book(user, proposal):
    """The lead author of a live proposal that is not submitted (the readiness check is at the desk)."""
    return proposal.state not in proposal_policy.FINAL and proposal_policy.is_lead(user, proposal)


def can_change_booking(user, booking, proposal):
    """Move or cancel an active booking: the proposal's lead author."""
    return (booking.state is BookingStatus.ACTIVE and proposal.state not in proposal_policy.FINAL
            and proposal_policy.is_lead(user, proposal))


def can_see_booking(user, booking, proposal):
    """The booking and its .ics: the proposal's authors, coordinators and the marathon's helpers."""
    return (proposal_policy.is_author(user, proposal) or can_manage_marathons(user)
            or is_helper(user, booking.marathon_id))


# --- the helper's desk, the copy view, recording submissions (part S3) ---------------------

def is_helper_of_booked(user, proposal, marathon_id=None):
    """The person helps at a marathon where the proposal has an active booking (that marathon, if named)."""
    from pbflow.marathons.models import MarathonBooking

    if not signed_in(user):
        return False
    query = exists().where(MarathonBooking.proposal_id == proposal.id,
                           MarathonBooking.status == BookingStatus.ACTIVE.value,
                           MarathonHelper.marathon_id == MarathonBooking.marathon_id,
                           MarathonHelper.user_id == user.id)
    if marathon_id is not None:
        query = query.where(MarathonBooking.marathon_id == marathon_id)
    return db.session.scalar(select(query))


def can_use_desk(user, marathon):
    """The helper's desk of a marathon: its helpers and coordinators."""
    return can_see_bookings(user, marathon.id)


def can_record_submission(user, proposal, marathon):
    """A coordinator, or a helper of this marathon where the proposal has an active booking."""
    return is_coordinator(user) or is_helper_of_booked(user, proposal, marathon.id)


def can_copy(user, proposal):
    """The copy view: the proposal's authors, helpers of a marathon where it is booked, coordinators."""
    return (is_coordinator(user) or proposal_policy.is_author(user, proposal)
            or is_helper_of_booked(user, proposal))


def can_undo_submission(user, submission):
    """A coordinator takes back a record that stands."""
    return is_coordinator(user) and submission.undone_at is None


# --- readiness, the support list, overriding a verdict (part S2) ---------------------------

READINESS_STATES = frozenset({"feedback_received", "revising", "ready"})


def can_see_readiness(user, proposal):
    """The readiness checklist: the authors, coordinators and the area's ambassador."""
    return (proposal_policy.is_author(user, proposal) or is_coordinator(user)
            or proposal_policy.is_area_ambassador(user, proposal))


def can_declare_no_upkeep(user, proposal):
    """"This project needs no yearly upkeep": the authors, while the proposal is not closed."""
    return proposal.state not in proposal_policy.FINAL and proposal_policy.is_author(user, proposal)


def can_override_verdict(user):
    """A coordinator overrides a unit's "cannot be done" verdict for the readiness check, with a reason."""
    return is_coordinator(user)


def can_see_supporters(user, proposal):
    """The supporters' names and scanned lists: the authors and coordinators only (helpers see the count)."""
    return proposal_policy.is_author(user, proposal) or is_coordinator(user)


def can_change_supporters(user, proposal):
    """Add and remove names and scans: the authors, until the proposal is closed."""
    return proposal.state not in proposal_policy.FINAL and proposal_policy.is_author(user, proposal)


# --- the submitted list, its downloads, official outcomes (part S4) --------------------------

def can_see_submitted(user):
    """The edition's submitted proposals and their downloads (CSV, JSON, Pabulib): coordinators."""
    return is_coordinator(user)


def can_record_outcome(user):
    """What the city decided about a submitted proposal: coordinators record it."""
    return is_coordinator(user)
