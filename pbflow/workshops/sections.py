"""The proposal page's "Workshops and consultations" section (registered with pbflow/proposals/hooks.py)."""

from sqlalchemy import select

from pbflow.extensions import db
from pbflow.feedback.models import VerifyingUnit
from pbflow.proposals import hooks
from pbflow.proposals import policy as proposal_policy
from pbflow.workshops import policy
from pbflow.workshops.models import (
    ConsultationBooking,
    ConsultationSlot,
    Workshop,
    WorkshopProposal,
)


@hooks.page_section("workshops", "workshops/_proposal_section.html", order=40)
def proposal_section(user, proposal):
    """Workshops discussing the proposal; for its authors, their bookings. Two or three queries; None if empty."""
    rows = db.session.execute(
        select(Workshop, WorkshopProposal).join(WorkshopProposal, WorkshopProposal.workshop_id == Workshop.id)
        .where(WorkshopProposal.proposal_id == proposal.id).order_by(Workshop.starts_at.desc()).limit(50)).all()
    is_author = proposal_policy.is_author(user, proposal)
    bookings = []
    if is_author:
        bookings = db.session.execute(
            select(ConsultationBooking, ConsultationSlot, VerifyingUnit)
            .join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
            .join(VerifyingUnit, VerifyingUnit.id == ConsultationSlot.unit_id)
            .where(ConsultationBooking.proposal_id == proposal.id)
            .order_by(ConsultationSlot.starts_at.desc()).limit(50)).all()
    may_book = is_author and policy.can_book(user, proposal)
    if not rows and not bookings and not may_book:
        return None
    return {"workshops": rows, "bookings": bookings, "may_book": may_book, "is_author": is_author}
