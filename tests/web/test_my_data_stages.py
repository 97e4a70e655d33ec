"""RODO across the pathway: the download holds what each stage keeps about the person, and deleting the
account gives back what is still ahead (meeting places, consultation times, workshop seats) and forgets
their notifications, while what they wrote stays."""

import json
from datetime import timedelta

from sqlalchemy import select

from pbflow.core.database import utcnow
from pbflow.core.models import Notification
from pbflow.extensions import db
from pbflow.meetings.models import Meeting, MeetingSignup
from pbflow.proposals.models import ProposalStatus
from pbflow.workshops.models import (
    ConsultationBooking,
    ConsultationSlot,
    Workshop,
    WorkshopInvite,
    WorkshopUnit,
)
from tests.conftest import PASSWORD


def setup_person_along_the_pathway(app, make_edition, make_meeting, make_proposal, make_user, make_unit,
                                   make_expert):
    edition = make_edition(open_stage="workshops")
    person, waiting, expert = make_user("Zofia Dąbrowska"), make_user("Adam Nowak"), None
    proposal = make_proposal(edition, author=person, title="Ławki przy Wiśle", status=ProposalStatus.IN_CONSULTATION)
    unit = make_unit()
    expert = make_expert(unit)
    meeting = make_meeting(edition, capacity=1)
    starts = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    with app.app_context():
        db.session.add_all([
            MeetingSignup(meeting_id=meeting.id, user_id=person.id, status="confirmed", confirmed_at=utcnow()),
            MeetingSignup(meeting_id=meeting.id, user_id=waiting.id, status="waiting")])
        db.session.execute(db.update(Meeting).where(Meeting.id == meeting.id).values(confirmed_seats=1))
        slot = ConsultationSlot(edition_id=edition.id, unit_id=unit.id, expert_id=expert.id, starts_at=starts,
                                ends_at=starts + timedelta(minutes=30), place="ZZM, pokój 12")
        workshop = Workshop(edition_id=edition.id, theme="Zieleń nad Wisłą", starts_at=starts,
                            ends_at=starts + timedelta(hours=2), place="CAS", capacity=10, confirmed_seats=1)
        db.session.add_all([slot, workshop])
        db.session.flush()
        db.session.add_all([
            WorkshopUnit(workshop_id=workshop.id, unit_id=unit.id),
            WorkshopInvite(workshop_id=workshop.id, proposal_id=proposal.id, user_id=person.id, status="confirmed"),
            ConsultationBooking(slot_id=slot.id, proposal_id=proposal.id, booked_by_id=person.id,
                                question="Czy ławki mogą stać na wale?"),
            Notification(user_id=person.id, kind="feedback_published", data={"unit": "ZZM", "title": "Ławki"},
                         url=f"/proposals/{proposal.id}")])
        db.session.commit()
        return person, waiting, meeting, slot.id, workshop.id


def test_the_download_holds_proposals_meetings_bookings_workshops_and_notifications(
        app, client, login, make_edition, make_meeting, make_proposal, make_user, make_unit, make_expert):
    person, *_ = setup_person_along_the_pathway(app, make_edition, make_meeting, make_proposal, make_user,
                                                make_unit, make_expert)
    login(client, person)
    data = json.loads(client.get("/profile/data.json").get_data(as_text=True))
    assert [p["title"] for p in data["proposals"]] == ["Ławki przy Wiśle"]
    assert data["proposals"][0]["role"] == "lead"
    assert [s["status"] for s in data["meeting_sign_ups"]] == ["confirmed"]
    assert data["consultation_bookings"][0]["question"] == "Czy ławki mogą stać na wale?"
    assert data["workshop_invitations"][0]["workshop"] == "Zieleń nad Wisłą"
    assert len(data["notifications"]) == 1 and data["notifications"][0]["read_at"] is None


def test_deleting_the_account_gives_back_places_times_and_seats_and_forgets_notifications(
        app, client, login, make_edition, make_meeting, make_proposal, make_user, make_unit, make_expert):
    person, waiting, meeting, slot_id, workshop_id = setup_person_along_the_pathway(
        app, make_edition, make_meeting, make_proposal, make_user, make_unit, make_expert)
    login(client, person)
    assert client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 303
    with app.app_context():
        statuses = dict(db.session.execute(select(MeetingSignup.user_id, MeetingSignup.status)).all())
        assert statuses == {person.id: "cancelled", waiting.id: "confirmed"}  # the waiting list moved up
        assert db.session.scalar(select(ConsultationBooking.status)) == "cancelled"
        assert db.session.scalar(select(WorkshopInvite.status)) == "declined"
        assert db.session.get(Workshop, workshop_id).confirmed_seats == 0
        assert db.session.get(ConsultationSlot, slot_id).status == "open"  # the expert's time is free again
        told = db.session.execute(select(Notification.user_id, Notification.kind)).all()
        assert [kind for user_id, kind in told if user_id == person.id] == []  # forgotten
        assert "booking_cancelled" in [kind for _user, kind in told]  # the expert is told
