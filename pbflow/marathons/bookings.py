"""Booking a time at a submission marathon for a proposal; moving and cancelling it.

Capacity holds exactly, however many authors press "Book" at once: a seat is taken by ONE conditional
UPDATE (`booked_seats < seats`, the marathon still planned) and the booking row is inserted in the same
savepoint. The partial unique index uq_marathon_bookings_active_proposal allows one active booking per
proposal: when a parallel request of the same author got there first, the insert fails, the savepoint
(with its seat) is rolled back and AlreadyBooked (409) is raised. Moving takes the new seat first, then
frees the old one, in one savepoint, so a move never leaves the proposal without a place.

`take_seat` / `free_seat` are the two conditional UPDATEs; the marathon desk uses them for walk-ins.
"""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.notifications import notify, register
from pbflow.core.web.urls import external_url
from pbflow.extensions import db
from pbflow.marathons import policy
from pbflow.marathons.models import (
    BookingStatus,
    Marathon,
    MarathonBooking,
    MarathonSlot,
    MarathonStatus,
)
from pbflow.proposals import hooks
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals.models import AuthorRole, Proposal, ProposalAuthor

MINE_LIMIT = 50
BOOKINGS_LIMIT = 2000

register("marathon_booked",
         message=_l("“%(proposal)s” has a place at the submission marathon “%(marathon)s” on %(when)s (%(place)s). "
                    "Add it to your calendar: %(ics)s"),
         subject=_l("Your place at the submission marathon on %(when)s"))
register("marathon_booking_moved",
         message=_l("The place of “%(proposal)s” at the submission marathon “%(marathon)s” is moved to %(when)s "
                    "(%(place)s). The calendar entry is updated: %(ics)s"),
         subject=_l("Moved: your place at the submission marathon, now %(when)s"))
register("marathon_booking_cancelled",
         message=_l("The place of “%(proposal)s” at the submission marathon “%(marathon)s” on %(when)s is "
                    "cancelled. The calendar entry: %(ics)s"),
         subject=_l("Cancelled: your place at the submission marathon on %(when)s"))


class BookingError(Exception):
    def __init__(self, message, field=None, status=409):
        super().__init__(message)
        self.field = field
        self.status = status


class SlotFull(BookingError):
    def __init__(self):
        super().__init__(_("Sorry, this time is full. Please choose another time."))


class AlreadyBooked(BookingError):
    def __init__(self):
        super().__init__(_("This proposal already has a place at a marathon: move it instead."))


# --- the two conditional UPDATEs -----------------------------------------------------------

def take_seat(slot_id):
    """One seat of a planned marathon's time, if one is free; True when taken."""
    planned = exists().where(Marathon.id == MarathonSlot.marathon_id, Marathon.status == MarathonStatus.PLANNED.value)
    return db.session.execute(
        update(MarathonSlot).where(MarathonSlot.id == slot_id, MarathonSlot.booked_seats < MarathonSlot.seats, planned)
        .values(booked_seats=MarathonSlot.booked_seats + 1).execution_options(synchronize_session=False)).rowcount == 1


def free_seat(slot_id):
    """Give one seat back; True when there was one to give."""
    return db.session.execute(
        update(MarathonSlot).where(MarathonSlot.id == slot_id, MarathonSlot.booked_seats > 0)
        .values(booked_seats=MarathonSlot.booked_seats - 1).execution_options(synchronize_session=False)).rowcount == 1


# --- reading -------------------------------------------------------------------------------

def load(booking_id, for_update=False):
    query = select(MarathonBooking).where(MarathonBooking.id == booking_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def active_for(proposal_id):
    return db.session.scalar(select(MarathonBooking).where(MarathonBooking.proposal_id == proposal_id,
                                                           MarathonBooking.status == BookingStatus.ACTIVE.value))


def authors_of(proposal_id):
    """(the proposal's title, its authors): two queries."""
    title = db.session.scalar(select(Proposal.title).where(Proposal.id == proposal_id))
    people = db.session.scalars(select(User).join(ProposalAuthor, ProposalAuthor.user_id == User.id)
                                .where(ProposalAuthor.proposal_id == proposal_id)).all()
    return title, people


def bookable(user, edition_id):
    """[(proposal, its active booking or None)]: the person's live proposals of the edition they lead."""
    if not policy.signed_in(user):
        return []
    return [tuple(row) for row in db.session.execute(
        select(Proposal, MarathonBooking)
        .join(ProposalAuthor, ProposalAuthor.proposal_id == Proposal.id)
        .outerjoin(MarathonBooking, (MarathonBooking.proposal_id == Proposal.id)
                   & (MarathonBooking.status == BookingStatus.ACTIVE.value))
        .where(ProposalAuthor.user_id == user.id, ProposalAuthor.role == AuthorRole.LEAD.value,
               Proposal.edition_id == edition_id,
               Proposal.status.notin_([s.value for s in proposal_policy.FINAL]))
        .order_by(Proposal.title, Proposal.id).limit(200)).all()]


def mine(user, limit=MINE_LIMIT):
    """Active bookings of proposals the person is an author of, soonest first: [(booking, slot, marathon, proposal)]."""
    if not policy.signed_in(user):
        return []
    return [tuple(row) for row in db.session.execute(
        select(MarathonBooking, MarathonSlot, Marathon, Proposal)
        .join(MarathonSlot, MarathonSlot.id == MarathonBooking.slot_id)
        .join(Marathon, Marathon.id == MarathonBooking.marathon_id)
        .join(Proposal, Proposal.id == MarathonBooking.proposal_id)
        .join(ProposalAuthor, ProposalAuthor.proposal_id == Proposal.id)
        .where(ProposalAuthor.user_id == user.id, MarathonBooking.status == BookingStatus.ACTIVE.value)
        .order_by(MarathonSlot.starts_at, MarathonBooking.id).limit(limit)).all()]


def of_marathon(marathon_id, limit=BOOKINGS_LIMIT):
    """Active bookings with their proposals, in time order (for coordinators and helpers): one query."""
    return [tuple(row) for row in db.session.execute(
        select(MarathonBooking, Proposal).join(Proposal, Proposal.id == MarathonBooking.proposal_id)
        .join(MarathonSlot, MarathonSlot.id == MarathonBooking.slot_id)
        .where(MarathonBooking.marathon_id == marathon_id, MarathonBooking.status == BookingStatus.ACTIVE.value)
        .order_by(MarathonSlot.starts_at, MarathonBooking.id).limit(limit)).all()]


# --- writing -------------------------------------------------------------------------------

def _check_slot(slot, marathon, now):
    if slot is None or marathon is None:
        raise BookingError(_("Choose one of the times."), "slot", status=422)
    if marathon.state is not MarathonStatus.PLANNED:
        raise BookingError(_("This marathon has been cancelled. Please choose another one."))
    if slot.starts_at <= now:
        raise BookingError(_("This time has already started. Please choose a later one."), "slot")


def book(actor, slot, proposal, now=None):
    """A place for the proposal; the authors are told, with the calendar entry."""
    marathon = db.session.get(Marathon, slot.marathon_id) if slot is not None else None
    _check_slot(slot, marathon, now or utcnow())
    if proposal is None:
        raise BookingError(_("Choose one of your proposals."), "proposal", status=422)
    if not policy.can_book(actor, proposal):
        raise BookingError(_("Only the lead author books a place, for a proposal that is not submitted."),
                           "proposal", status=403)
    if proposal.edition_id != marathon.edition_id:
        raise BookingError(_("Choose one of your proposals."), "proposal", status=422)
    if active_for(proposal.id) is not None:
        raise AlreadyBooked()
    try:
        with db.session.begin_nested():
            if not take_seat(slot.id):
                raise SlotFull()
            booking = MarathonBooking(slot_id=slot.id, marathon_id=marathon.id, proposal_id=proposal.id,
                                      booked_by_id=actor.id)
            db.session.add(booking)
    except IntegrityError:  # a parallel request booked this proposal first
        raise AlreadyBooked() from None
    db.session.expire(slot, ["booked_seats"])
    audit.record(actor, "marathon.booked", booking, slot_id=slot.id, marathon_id=marathon.id,
                 proposal_id=proposal.id)
    _tell(booking, slot, marathon, "marathon_booked")
    return booking


def move(actor, booking, new_slot, now=None):
    """To another time (of this or another marathon): the new seat first, then the old one is freed."""
    proposal = db.session.get(Proposal, booking.proposal_id)
    if not policy.can_change_booking(actor, booking, proposal):
        raise BookingError(_("Only the lead author moves or cancels an active place."), status=403)
    marathon = db.session.get(Marathon, new_slot.marathon_id) if new_slot is not None else None
    _check_slot(new_slot, marathon, now or utcnow())
    if new_slot.id == booking.slot_id:
        raise BookingError(_("This is the time you have already. Choose another one."), "slot", status=422)
    if marathon.edition_id != proposal.edition_id:
        raise BookingError(_("Choose one of the times."), "slot", status=422)
    old_slot_id = booking.slot_id
    with db.session.begin_nested():
        if not take_seat(new_slot.id):
            raise SlotFull()
        moved = db.session.execute(
            update(MarathonBooking).where(MarathonBooking.id == booking.id,
                                          MarathonBooking.status == BookingStatus.ACTIVE.value)
            .values(slot_id=new_slot.id, marathon_id=marathon.id, reminded_at=None, moved_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        if moved != 1:
            raise BookingError(_("This place has been cancelled in the meantime."))
        free_seat(old_slot_id)
    db.session.expire(booking)
    db.session.expire(new_slot, ["booked_seats"])
    audit.record(actor, "marathon.booking_moved", booking, from_slot_id=old_slot_id, to_slot_id=new_slot.id,
                 proposal_id=proposal.id)
    _tell(booking, new_slot, marathon, "marathon_booking_moved")
    return booking


def cancel(actor, booking):
    proposal = db.session.get(Proposal, booking.proposal_id)
    if not policy.can_change_booking(actor, booking, proposal):
        raise BookingError(_("Only the lead author moves or cancels an active place."), status=403)
    changed = db.session.execute(
        update(MarathonBooking).where(MarathonBooking.id == booking.id,
                                      MarathonBooking.status == BookingStatus.ACTIVE.value)
        .values(status=BookingStatus.CANCELLED.value, cancelled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise BookingError(_("This place has been cancelled already."))
    free_seat(booking.slot_id)
    db.session.expire(booking)
    slot = db.session.get(MarathonSlot, booking.slot_id)
    db.session.expire(slot, ["booked_seats"])
    audit.record(actor, "marathon.booking_cancelled", booking, slot_id=booking.slot_id, proposal_id=proposal.id)
    _tell(booking, slot, db.session.get(Marathon, booking.marathon_id), "marathon_booking_cancelled")
    return booking


def place_text(marathon):
    parts = [marathon.place] if marathon.place else []
    if marathon.online_url:
        parts.append(_("online: %(url)s", url=marathon.online_url))
    return "; ".join(parts)


def _tell(booking, slot, marathon, kind):
    title, authors = authors_of(booking.proposal_id)
    notify(authors, kind, url_for("marathons.show", marathon_id=marathon.id), proposal=title,
           marathon=marathon.title, when=slot.starts_at, place=place_text(marathon),
           ics=external_url("marathons.booking_ics", booking_id=booking.id))


@hooks.after("withdraw")
@hooks.after("merge")
def _give_the_seat_back(actor, proposal, **_data):
    """A withdrawn or merged proposal needs no place: the seat is free again, no reminder goes out."""
    booking = db.session.scalar(select(MarathonBooking).where(
        MarathonBooking.proposal_id == proposal.id, MarathonBooking.status == BookingStatus.ACTIVE.value))
    if booking is None:
        return
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED.value, utcnow()
    db.session.flush()
    free_seat(booking.slot_id)
    audit.record(actor, "marathon.booking_cancelled", booking, slot_id=booking.slot_id, proposal_id=proposal.id,
                 reason=f"proposal {proposal.status}")
