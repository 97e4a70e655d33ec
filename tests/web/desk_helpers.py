"""Set-up shared by the desk and submission tests: an edition in the marathons stage, ready proposals
that pass the readiness check (one supporter needed and given), bookings at a marathon."""

from datetime import timedelta

from pbflow.extensions import db
from pbflow.marathons.models import MarathonBooking, MarathonSlot, Supporter
from pbflow.proposals.models import ProposalStatus


def build_world(app, make_user, make_edition, make_proposal, make_marathon):
    """(edition, marathon, helper, make_ready(booked=True, slot=0, **proposal values) -> proposal)."""
    edition = make_edition(open_stage="marathons", supporters_required=1)
    helper = make_user("Helena Pomocna", "pomocnik@example.org")
    marathon = make_marathon(edition, slots=[(timedelta(hours=1), 60, 50), (timedelta(hours=2), 60, 1)],
                             helpers=[helper])

    def make_ready(booked=True, slot=0, status=ProposalStatus.READY, supporters=1, **values):
        proposal = make_proposal(edition, status=status, **values)
        with app.app_context():
            for n in range(supporters):
                db.session.add(Supporter(proposal_id=proposal.id, name=f"Mieszkaniec {n}", consent=True))
            if booked:
                slot_id = marathon.slots[slot].id
                db.session.add(MarathonBooking(slot_id=slot_id, marathon_id=marathon.id, proposal_id=proposal.id))
                db.session.execute(db.update(MarathonSlot).where(MarathonSlot.id == slot_id)
                                   .values(booked_seats=MarathonSlot.booked_seats + 1))
            db.session.commit()
        return proposal

    return edition, marathon, helper, make_ready


def lead_of(app, proposal):
    from pbflow.proposals.models import ProposalAuthor

    with app.app_context():
        return db.session.scalar(db.select(ProposalAuthor.user_id).where(
            ProposalAuthor.proposal_id == proposal.id, ProposalAuthor.role == "lead"))
