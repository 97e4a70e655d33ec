"""Who may do what with workshops and consultations. The one place these questions are answered."""

from pbflow.accounts.models import Role
from pbflow.feedback import policy as feedback_policy
from pbflow.proposals import policy as proposal_policy
from pbflow.workshops.models import BookingStatus, SlotStatus, WorkshopStatus

signed_in = proposal_policy.signed_in
is_coordinator = proposal_policy.is_coordinator
unit_ids_of = feedback_policy.unit_ids_of


def is_expert_with_units(user):
    return signed_in(user) and user.has_role(Role.EXPERT) and bool(unit_ids_of(user))


# --- workshops -------------------------------------------------------------------------

def can_organise(user):
    """Coordinators, and experts of at least one verifying unit."""
    return is_coordinator(user) or is_expert_with_units(user)


def allowed_unit_ids(user, all_unit_ids):
    """The units this person may put into a workshop: any for coordinators, their own for experts."""
    if is_coordinator(user):
        return frozenset(all_unit_ids)
    if is_expert_with_units(user):
        return frozenset(unit_ids_of(user))
    return frozenset()


def can_manage(user, workshop):
    """Edit, cancel, mark held: the organiser and coordinators."""
    if not signed_in(user):
        return False
    return is_coordinator(user) or (workshop.organiser_id == user.id and user.has_role(Role.EXPERT))


def is_unit_participant(user, unit_ids):
    """An expert of one of the workshop's units (`unit_ids` of the workshop)."""
    return (signed_in(user) and user.has_role(Role.EXPERT)
            and bool(set(unit_ids) & set(unit_ids_of(user))))


def can_see_invitees(user, workshop, unit_ids):
    """Who is invited, by name: the organiser, coordinators and the units' experts; others see counts."""
    return can_manage(user, workshop) or is_unit_participant(user, unit_ids)


def can_invite(user, workshop, unit_ids):
    return workshop.state is WorkshopStatus.PLANNED and can_see_invitees(user, workshop, unit_ids)


def can_write_conclusions(user, workshop, unit_ids):
    return workshop.state is WorkshopStatus.HELD and can_see_invitees(user, workshop, unit_ids)


def can_see_all_proposals(user):
    """Inviting: coordinators search every live proposal; experts the public ones and those routed to them."""
    return is_coordinator(user)


# --- consultations ---------------------------------------------------------------------

def can_publish_slots(user):
    return is_expert_with_units(user)


def can_publish_for(user, unit_id):
    return is_expert_with_units(user) and unit_id in unit_ids_of(user)


def can_cancel_slot(user, slot):
    return (slot.state is SlotStatus.OPEN and signed_in(user)
            and (slot.expert_id == user.id or is_coordinator(user)))


def can_book(user, proposal):
    """An author of a live proposal (not submitted, withdrawn or merged)."""
    return proposal_policy.is_author(user, proposal) and proposal.state not in proposal_policy.FINAL


def is_booking_side(user, booking, slot):
    """The author who booked and the expert whose slot it is: they alone see the booking and its .ics."""
    return signed_in(user) and user.id in (booking.booked_by_id, slot.expert_id)


def can_cancel_booking(user, booking, slot):
    return booking.state is BookingStatus.ACTIVE and is_booking_side(user, booking, slot)
