"""What workshops and consultations keep about a person, for their data download (RODO art. 15 and
20), and what deleting an account changes: their future consultation bookings and open consultation
times are cancelled (the other side is told) and their workshop seats are given back."""

from flask_babel import gettext as _
from sqlalchemy import select

from pbflow.accounts.exports import eraser, exporter
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.workshops import consultations, workshops
from pbflow.workshops.models import (
    BookingStatus,
    ConsultationBooking,
    ConsultationSlot,
    InviteStatus,
    SlotStatus,
    Workshop,
    WorkshopInvite,
    WorkshopStatus,
)


def _iso(value):
    return value.isoformat() + "Z" if value else None


@exporter("consultation_bookings")
def _bookings(user):
    rows = db.session.execute(
        select(ConsultationBooking.proposal_id, ConsultationSlot.starts_at, ConsultationBooking.question,
               ConsultationBooking.status, ConsultationBooking.created_at)
        .join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
        .where(ConsultationBooking.booked_by_id == user.id).order_by(ConsultationBooking.id))
    return [{"proposal_id": pid, "starts_at": _iso(starts), "question": question, "status": status,
             "booked_at": _iso(at)} for pid, starts, question, status, at in rows]


@exporter("consultation_times_offered")
def _slots(user):
    rows = db.session.execute(select(ConsultationSlot.starts_at, ConsultationSlot.ends_at, ConsultationSlot.status)
                              .where(ConsultationSlot.expert_id == user.id).order_by(ConsultationSlot.id))
    return [{"starts_at": _iso(s), "ends_at": _iso(e), "status": status} for s, e, status in rows]


@exporter("workshop_invitations")
def _invitations(user):
    rows = db.session.execute(
        select(Workshop.theme, Workshop.starts_at, WorkshopInvite.proposal_id, WorkshopInvite.status)
        .join(Workshop, Workshop.id == WorkshopInvite.workshop_id)
        .where(WorkshopInvite.user_id == user.id).order_by(WorkshopInvite.id))
    return [{"workshop": theme, "starts_at": _iso(starts), "proposal_id": pid, "status": status}
            for theme, starts, pid, status in rows]


@eraser
def _cancel_what_is_ahead(user):
    now, reason = utcnow(), _("The person's account was deleted.")
    slots = db.session.scalars(select(ConsultationSlot).where(
        ConsultationSlot.expert_id == user.id, ConsultationSlot.status == SlotStatus.OPEN.value,
        ConsultationSlot.starts_at > now)).all()
    for slot in slots:
        slot.status = SlotStatus.CANCELLED.value
        audit.record(user, "consultation.slot_cancelled", slot, reason="account deleted")
        booking = consultations.active_booking(slot.id)
        if booking is not None:
            consultations._cancel_booking(user, booking, slot, reason)
    bookings = db.session.execute(
        select(ConsultationBooking, ConsultationSlot).join(ConsultationSlot)
        .where(ConsultationBooking.booked_by_id == user.id,
               ConsultationBooking.status == BookingStatus.ACTIVE.value, ConsultationSlot.starts_at > now)).all()
    for booking, slot in bookings:
        consultations._cancel_booking(user, booking, slot, reason)
    invites = db.session.execute(
        select(WorkshopInvite, Workshop).join(Workshop)
        .where(WorkshopInvite.user_id == user.id, WorkshopInvite.status != InviteStatus.DECLINED.value,
               Workshop.status == WorkshopStatus.PLANNED.value, Workshop.starts_at > now)).all()
    for invitation, workshop in invites:
        workshops.decline(user, workshop, invitation)
    db.session.flush()
