"""The helper's desk at a marathon: the slots with their booked proposals, and walk-ins.

The desk is one page in a fixed number of queries (the marathon, its slots, the bookings with their
proposals, lead authors and standing submissions). The readiness checklist is per proposal, so it is
shown on the proposal's own desk page. A walk-in is a ready proposal of the edition with no active
booking, added to a slot with a free seat: the seat is taken by one conditional UPDATE
(bookings.take_seat), and the one-active-booking-per-proposal index refuses a second booking made at
the same moment (the seat is then given back).
"""

from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.web.urls import database_id
from pbflow.extensions import db
from pbflow.marathons import policy
from pbflow.marathons.models import (
    BookingStatus,
    Marathon,
    MarathonBooking,
    MarathonSlot,
    MarathonStatus,
    Submission,
)
from pbflow.proposals.models import AuthorRole, Proposal, ProposalAuthor, ProposalStatus

SEARCH_PAGE = 20
SEARCH_MAX = 200


class DeskError(Exception):
    """A rule of the desk was broken; `field` names the form field, `status` the HTTP status."""

    status = 422

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class DeskConflict(DeskError):
    status = 409


class DeskForbidden(DeskError):
    status = 403


@dataclass(frozen=True)
class DeskRow:
    booking: MarathonBooking
    proposal: Proposal
    lead: User | None
    submission: Submission | None


@dataclass(frozen=True)
class DeskSlot:
    slot: MarathonSlot
    rows: list

    @property
    def free(self):
        return self.slot.seats - self.slot.booked_seats


def load_marathon(marathon_id):
    return db.session.get(Marathon, marathon_id)


def slots_of(marathon_id):
    return db.session.scalars(select(MarathonSlot).where(MarathonSlot.marathon_id == marathon_id)
                              .order_by(MarathonSlot.starts_at, MarathonSlot.id)).all()


@cache
def _lead_aliases():
    """Made once, on first use (marathons.readiness._latest_feedback_statement says why)."""
    return aliased(ProposalAuthor, name="lead_link"), aliased(User, name="lead")


def desk(marathon):
    """[DeskSlot] in time order, each with its active bookings: two queries whatever the numbers."""
    slots = slots_of(marathon.id)
    lead_link, lead = _lead_aliases()
    rows = db.session.execute(
        select(MarathonBooking, Proposal, lead, Submission)
        .join(Proposal, Proposal.id == MarathonBooking.proposal_id)
        .outerjoin(lead_link, and_(lead_link.proposal_id == Proposal.id, lead_link.role == AuthorRole.LEAD.value))
        .outerjoin(lead, lead.id == lead_link.user_id)
        .outerjoin(Submission, and_(Submission.proposal_id == Proposal.id, Submission.undone_at.is_(None)))
        .where(MarathonBooking.marathon_id == marathon.id, MarathonBooking.status == BookingStatus.ACTIVE.value)
        .order_by(MarathonBooking.slot_id, Proposal.title, Proposal.id)).all()
    by_slot = {}
    for booking, proposal, person, submission in rows:
        by_slot.setdefault(booking.slot_id, []).append(DeskRow(booking, proposal, person, submission))
    return [DeskSlot(slot, by_slot.get(slot.id, [])) for slot in slots]


def active_booking(proposal_id, marathon_id):
    return db.session.scalar(select(MarathonBooking).where(
        MarathonBooking.proposal_id == proposal_id, MarathonBooking.marathon_id == marathon_id,
        MarathonBooking.status == BookingStatus.ACTIVE.value))


# --- walk-ins ------------------------------------------------------------------------------

def walk_in_candidates(marathon, text, after_id=None, size=SEARCH_PAGE):
    """Ready proposals of the marathon's edition with no active booking, by number or title words;
    a keyset page over the id: (proposals, id to continue after or None)."""
    booked = select(MarathonBooking.id).where(MarathonBooking.proposal_id == Proposal.id,
                                              MarathonBooking.status == BookingStatus.ACTIVE.value).exists()
    query = select(Proposal).where(Proposal.edition_id == marathon.edition_id,
                                   Proposal.status == ProposalStatus.READY.value, ~booked)
    text = (text or "").strip().lstrip("#")[:SEARCH_MAX]
    number = database_id(text)
    if number is not None:
        query = query.where(Proposal.id == number)
    else:
        for word in text.split()[:8]:
            query = query.where(Proposal.title.icontains(word, autoescape=True))
    if after_id is not None:
        query = query.where(Proposal.id > after_id)
    found = db.session.scalars(query.order_by(Proposal.id).limit(size + 1)).all()
    return found[:size], (found[size - 1].id if len(found) > size else None)


def add_walk_in(actor, marathon, slot, proposal):
    """A helper seats a ready proposal that came without a booking; 409 when the slot is full."""
    from pbflow.marathons import bookings

    if not policy.can_use_desk(actor, marathon):
        raise DeskForbidden(_("Only the marathon's helpers and coordinators add walk-ins."))
    if marathon.state is not MarathonStatus.PLANNED:
        raise DeskConflict(_("This marathon has been cancelled."))
    if slot is None or slot.marathon_id != marathon.id:
        raise DeskError(_("Choose one of this marathon's times."), "slot")
    if proposal is None or proposal.edition_id != marathon.edition_id:
        raise DeskError(_("There is no proposal with this number in this edition."), "proposal")
    if proposal.state is not ProposalStatus.READY:
        raise DeskError(_("Only a proposal that is ready to submit can be added; this one is “%(status)s”.",
                          status=proposal.state.title), "proposal")
    if db.session.scalar(select(MarathonBooking.id).where(MarathonBooking.proposal_id == proposal.id,
                                                          MarathonBooking.status == BookingStatus.ACTIVE.value)):
        raise DeskConflict(_("This proposal already has a booking."), "proposal")
    if not bookings.take_seat(slot.id):
        raise DeskConflict(_("This time is full. Choose another time with a free seat."), "slot")
    booking = MarathonBooking(slot_id=slot.id, marathon_id=marathon.id, proposal_id=proposal.id,
                              booked_by_id=actor.id, walk_in=True)
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError:  # booked at the same moment elsewhere
        bookings.free_seat(slot.id)
        raise DeskConflict(_("This proposal already has a booking."), "proposal") from None
    audit.record(actor, "marathon.walk_in", booking, marathon_id=marathon.id, slot_id=slot.id,
                 proposal_id=proposal.id)
    return booking


# --- the copy view -------------------------------------------------------------------------

@dataclass(frozen=True)
class CopyField:
    key: str
    label: str
    text: str
    note: str = ""


def version_to_copy(proposal):
    """The version entered into the platform once submitted, else the current one."""
    from pbflow.proposals import rules

    submission = db.session.scalar(select(Submission).where(Submission.proposal_id == proposal.id,
                                                            Submission.undone_at.is_(None)))
    number = submission.version_number if submission is not None else proposal.current_version
    return rules.get_version(proposal, number), submission


def cost_text(version):
    """The cost table as plain lines, "item — quantity × unit price = amount", and the total."""
    from pbflow.core.i18n import format_pln, local_number

    lines = [f"{line['item']} — {local_number(line['quantity'])} × {format_pln(line['unit_price'])} = "
             f"{format_pln(line['amount'])}" for line in version.cost_lines]
    lines.append(_("Total: %(total)s", total=format_pln(version.total_cost)))
    return "\n".join(lines)


def copy_fields(version):
    """The version's text field by field, in the order the official platform asks for it."""
    from pbflow.core.i18n import format_pln
    from pbflow.editions.models import District

    district = db.session.get(District, version.district_id) if version.district_id else None
    return [
        CopyField("title", _("Title"), version.title),
        CopyField("district", _("District"), district.label if district is not None else _("City-wide")),
        CopyField("location", _("Location"), version.location),
        CopyField("description", _("Description"), version.description),
        CopyField("justification", _("Justification"), version.summary,
                  _("The proposal's summary: the platform's “justification” field takes it.")),
        CopyField("beneficiaries", _("Who benefits"), version.beneficiaries),
        CopyField("costs", _("Cost estimate"), cost_text(version)),
        CopyField("upkeep", _("Yearly upkeep"), format_pln(version.yearly_upkeep)),
    ]
