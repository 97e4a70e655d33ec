"""Individual consultations: experts publish time slots, an author books one for a proposal, either cancels.

No double booking, whatever the timing: the partial unique index uq_consultation_bookings_active_slot
allows one active booking per slot. The booking row is inserted in a savepoint; when a parallel request
got there first the insert fails, the savepoint is rolled back (the request's other work stays usable)
and SlotTaken (409) is raised. On SQLite the writers queue (BEGIN IMMEDIATE), so the later one sees the
booking in the check before the insert and gets the same refusal.

Rules: a slot lasts 15 to 240 minutes, starts in the future, and never overlaps another open slot of the
same expert; a series is N slots back to back. A booking is for a live proposal the person is an author
of, in the slot's edition, with a question; a past or cancelled slot is refused, and so is a booking at a
time the person already holds another one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from pbflow.accounts.models import User
from pbflow.core import audit, keyset
from pbflow.core.database import utcnow
from pbflow.core.notifications import notify, register
from pbflow.extensions import db
from pbflow.feedback.models import VerifyingUnit
from pbflow.proposals import models as proposal_models
from pbflow.proposals import policy as proposal_policy
from pbflow.workshops import policy
from pbflow.workshops.models import BookingStatus, ConsultationBooking, ConsultationSlot, SlotStatus
from pbflow.workshops.workshops import warsaw_text

MIN_MINUTES, MAX_MINUTES = 15, 240
MAX_REPEAT = 12
QUESTION_MAX = 2000
REASON_MAX = 1000
PAGE_SIZE = 20
MINE_LIMIT = 100

register("booking_made",
         message=_l("%(who)s booked your consultation on %(when)s for the proposal “%(proposal)s”."),
         subject=_l("New consultation booking on %(when)s"))
register("consultation_time_cancelled",
         message=_l("A coordinator cancelled your consultation time on %(when)s: %(reason)s"),
         subject=_l("Cancelled: your consultation time on %(when)s"))
register("booking_cancelled",
         message=_l("The consultation on %(when)s about “%(proposal)s” is cancelled: %(reason)s"),
         subject=_l("Cancelled: the consultation on %(when)s"))


class ConsultationError(Exception):
    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field = field
        self.status = status


class SlotTaken(ConsultationError):
    def __init__(self):
        super().__init__(_("Sorry, this time has just been taken by someone else. Please choose another one."),
                         status=409)


@dataclass
class SlotDetails:
    unit_id: int
    starts_at: datetime  # naive UTC
    minutes: int
    place: str | None
    online_url: str | None
    repeat: int = 1


# --- reading ---------------------------------------------------------------------------

def load_slot(slot_id, for_update=False):
    query = select(ConsultationSlot).where(ConsultationSlot.id == slot_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def active_booking(slot_id):
    return db.session.scalar(select(ConsultationBooking).where(
        ConsultationBooking.slot_id == slot_id, ConsultationBooking.status == BookingStatus.ACTIVE.value))


@dataclass(frozen=True)
class Page:
    items: list  # [(slot, unit, expert, booked: bool)]
    next_cursor: str | None


def page(edition_id, unit_id=None, cursor=None, size=PAGE_SIZE, now=None):
    """Upcoming open slots of the edition in time order, a keyset page over (starts_at, id): one query."""
    from pbflow.workshops.workshops import cursor_of, parse_cursor

    now = now or utcnow()
    booked = exists().where(ConsultationBooking.slot_id == ConsultationSlot.id,
                            ConsultationBooking.status == BookingStatus.ACTIVE.value)
    query = (select(ConsultationSlot, VerifyingUnit, User, booked.label("booked"))
             .join(VerifyingUnit, VerifyingUnit.id == ConsultationSlot.unit_id)
             .join(User, User.id == ConsultationSlot.expert_id)
             .where(ConsultationSlot.edition_id == edition_id, ConsultationSlot.status == SlotStatus.OPEN.value,
                    ConsultationSlot.starts_at > now)
             .order_by(ConsultationSlot.starts_at, ConsultationSlot.id))
    if unit_id is not None:
        query = query.where(ConsultationSlot.unit_id == unit_id)
    after = parse_cursor(cursor)
    if after:
        query = query.where(keyset.after((ConsultationSlot.starts_at, ConsultationSlot.id), after))
    rows = db.session.execute(query.limit(size + 1)).all()
    items = [tuple(row) for row in rows[:size]]
    return Page(items, cursor_of(items[-1][0]) if len(rows) > size else None)


def bookable_proposals(user, edition_id):
    """The person's live proposals of the edition, for the booking form."""
    if not policy.signed_in(user):
        return []
    return db.session.scalars(
        select(proposal_models.Proposal).join(proposal_models.ProposalAuthor, proposal_models.ProposalAuthor.proposal_id == proposal_models.Proposal.id)
        .where(proposal_models.ProposalAuthor.user_id == user.id, proposal_models.Proposal.edition_id == edition_id,
               proposal_models.Proposal.status.notin_([s.value for s in proposal_policy.FINAL]))
        .order_by(proposal_models.Proposal.title, proposal_models.Proposal.id).limit(200)).all()


@cache
def _aliases():
    """(the slot's expert, another slot), made once on first use: a fresh alias sets itself up again on first use
    (marathons.readiness._latest_feedback_statement)."""
    return aliased(User, name="expert"), aliased(ConsultationSlot, name="other_slot")


def mine(user, now=None, limit=MINE_LIMIT):
    """The person's bookings, as author or as the slot's expert: upcoming first (soonest first), then past."""
    now = now or utcnow()
    expert = _aliases()[0]
    query = (select(ConsultationBooking, ConsultationSlot, proposal_models.Proposal, VerifyingUnit, expert)
             .join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
             .join(proposal_models.Proposal, proposal_models.Proposal.id == ConsultationBooking.proposal_id)
             .join(VerifyingUnit, VerifyingUnit.id == ConsultationSlot.unit_id)
             .join(expert, expert.id == ConsultationSlot.expert_id)
             .where(or_(ConsultationBooking.booked_by_id == user.id, ConsultationSlot.expert_id == user.id)))
    upcoming = db.session.execute(query.where(ConsultationSlot.ends_at > now)
                                  .order_by(ConsultationSlot.starts_at, ConsultationBooking.id).limit(limit)).all()
    past = db.session.execute(query.where(ConsultationSlot.ends_at <= now)
                              .order_by(ConsultationSlot.starts_at.desc(), ConsultationBooking.id.desc())
                              .limit(limit)).all()
    return upcoming, past


def my_open_slots(user, now=None, limit=MINE_LIMIT):
    """An expert's own upcoming open slots (to cancel them)."""
    now = now or utcnow()
    return db.session.scalars(select(ConsultationSlot).where(
        ConsultationSlot.expert_id == user.id, ConsultationSlot.status == SlotStatus.OPEN.value,
        ConsultationSlot.starts_at > now).order_by(ConsultationSlot.starts_at).limit(limit)).all()


# --- publishing slots ------------------------------------------------------------------

def _lock_person(user_id):
    """Row-lock the person on PostgreSQL until the transaction ends (SQLite's writers already queue)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _overlap(expert_id, starts_at, ends_at):
    return db.session.scalar(select(ConsultationSlot).where(
        ConsultationSlot.expert_id == expert_id, ConsultationSlot.status == SlotStatus.OPEN.value,
        ConsultationSlot.starts_at < ends_at, ConsultationSlot.ends_at > starts_at)
        .order_by(ConsultationSlot.starts_at).limit(1))


def publish(actor, edition, details, now=None):
    """One slot, or a series of `repeat` slots back to back; all or none."""
    now = now or utcnow()
    if not policy.can_publish_slots(actor):
        raise ConsultationError(_("Only experts of a verifying unit publish consultation times."), status=403)
    if edition is None:
        raise ConsultationError(_("There is no participatory-budget edition running at the moment."), status=409)
    if not policy.can_publish_for(actor, details.unit_id):
        raise ConsultationError(_("Choose one of your units."), "unit")
    if not MIN_MINUTES <= details.minutes <= MAX_MINUTES:
        raise ConsultationError(_("A consultation lasts from %(min)d to %(max)d minutes.", min=MIN_MINUTES,
                                  max=MAX_MINUTES), "minutes")
    if not 1 <= details.repeat <= MAX_REPEAT:
        raise ConsultationError(_("Repeat from 1 to %(max)d times.", max=MAX_REPEAT), "repeat")
    if not details.place and not details.online_url:
        raise ConsultationError(_("Give a place, an online link, or both."), "place")
    if details.starts_at <= now:
        raise ConsultationError(_("The consultation must start in the future."), "starts_at")
    _lock_person(actor.id)  # two series published at once by one expert are checked one after the other
    length = timedelta(minutes=details.minutes)
    created = []
    for n in range(details.repeat):
        starts = details.starts_at + n * length
        clash = _overlap(actor.id, starts, starts + length)
        if clash is not None:
            raise ConsultationError(_("This overlaps your consultation from %(start)s to %(end)s.",
                                      start=warsaw_text(clash.starts_at), end=warsaw_text(clash.ends_at)[-5:]),
                                    "starts_at")
        slot = ConsultationSlot(edition_id=edition.id, unit_id=details.unit_id, expert_id=actor.id,
                                starts_at=starts, ends_at=starts + length, place=details.place or None,
                                online_url=details.online_url or None)
        db.session.add(slot)
        db.session.flush()
        created.append(slot)
    audit.record(actor, "consultation.slots_published", created[0], slot_ids=[s.id for s in created],
                 unit_id=details.unit_id, starts_at=details.starts_at.isoformat(), minutes=details.minutes)
    return created


def cancel_slot(actor, slot, reason):
    """The expert takes a slot back; its booking, if any, is cancelled and the author told."""
    if not policy.can_cancel_slot(actor, slot):
        raise ConsultationError(_("Only the expert cancels their open consultation time."), status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError(_("Say why the consultation is cancelled."), "reason")
    reason = reason[:REASON_MAX]
    slot.status = SlotStatus.CANCELLED.value
    booking = active_booking(slot.id)
    audit.record(actor, "consultation.slot_cancelled", slot, reason=reason)
    if booking is not None:
        _cancel_booking(actor, booking, slot, reason)
    if actor.id != slot.expert_id:  # a coordinator took the expert's time back
        notify([db.session.get(User, slot.expert_id)], "consultation_time_cancelled", url_for("consultations.mine"),
               when=slot.starts_at, reason=reason)
    db.session.flush()
    return slot


# --- booking ---------------------------------------------------------------------------

def _person_busy(user_id, slot):
    """An active booking of the person at an overlapping time."""
    other = _aliases()[1]
    return db.session.scalar(select(exists().where(
        ConsultationBooking.booked_by_id == user_id, ConsultationBooking.status == BookingStatus.ACTIVE.value,
        ConsultationBooking.slot_id == other.id, other.starts_at < slot.ends_at, other.ends_at > slot.starts_at)))


def book(actor, slot, proposal, question, now=None):
    now = now or utcnow()
    if slot is None or slot.state is not SlotStatus.OPEN:
        raise ConsultationError(_("This consultation time has been cancelled. Please choose another one."),
                                status=409)
    if slot.starts_at <= now:
        raise ConsultationError(_("This consultation time has passed. Please choose another one."), status=409)
    if proposal is None or not policy.can_book(actor, proposal):
        raise ConsultationError(_("Choose one of your proposals that is still being worked on."), "proposal",
                                status=403 if proposal is not None else 422)
    if proposal.edition_id != slot.edition_id:
        raise ConsultationError(_("Choose one of your proposals that is still being worked on."), "proposal")
    question = (question or "").strip()
    if not question:
        raise ConsultationError(_("Write your question, so the expert can prepare."), "question")
    if len(question) > QUESTION_MAX:
        raise ConsultationError(_("Use at most %(max)d characters.", max=QUESTION_MAX), "question")
    if actor.id == slot.expert_id:
        raise ConsultationError(_("You cannot book your own consultation time."), status=409)
    if active_booking(slot.id) is not None:
        raise SlotTaken()
    _lock_person(actor.id)  # one person's parallel bookings are checked for overlaps one after the other
    if _person_busy(actor.id, slot):
        raise ConsultationError(_("You already have a consultation booked at this time."), status=409)
    booking = ConsultationBooking(slot_id=slot.id, proposal_id=proposal.id, booked_by_id=actor.id,
                                  question=question)
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError:  # a parallel request booked the slot first
        raise SlotTaken() from None
    audit.record(actor, "consultation.booked", booking, slot_id=slot.id, proposal_id=proposal.id)
    expert = db.session.get(User, slot.expert_id)
    notify([expert], "booking_made", url_for("consultations.mine"), who=actor.display_name,
           when=slot.starts_at, proposal=proposal.title)
    return booking


def _cancel_booking(actor, booking, slot, reason):
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_by_id = actor.id
    booking.cancelled_at = utcnow()
    booking.cancel_reason = reason
    db.session.flush()
    audit.record(actor, "consultation.booking_cancelled", booking, slot_id=slot.id, reason=reason)
    other_id = slot.expert_id if actor.id == booking.booked_by_id else booking.booked_by_id
    other = db.session.get(User, other_id) if other_id is not None else None
    title = db.session.scalar(select(proposal_models.Proposal.title).where(proposal_models.Proposal.id == booking.proposal_id))
    if other is not None and other.id != actor.id:
        notify([other], "booking_cancelled", url_for("consultations.mine"), when=slot.starts_at,
               proposal=title, reason=reason)


def cancel_booking(actor, booking, slot, reason):
    if not policy.can_cancel_booking(actor, booking, slot):
        raise ConsultationError(_("Only the author who booked and the expert cancel an active booking."),
                                status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ConsultationError(_("Say why the consultation is cancelled."), "reason")
    _cancel_booking(actor, booking, slot, reason[:REASON_MAX])
    return booking
