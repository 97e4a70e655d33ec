"""An idea from a meeting becomes a draft proposal; the people who raised it are invited as co-authors."""

from datetime import timedelta

import pytest

from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings.models import Idea, IdeaRaiser, MeetingSignup
from pbflow.proposals.models import Proposal, ProposalInvitation


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def idea_setup(app, people, edition, make_ambassador, make_meeting, make_user):
    ambassador = make_ambassador(edition, user=people["ambassador"])
    meeting = make_meeting(edition, ambassador=ambassador, starts_in=timedelta(hours=-1))
    raiser = make_user("Zofia Łąka", "zofia@example.org")
    with app.app_context():
        db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=raiser.id, status="confirmed"))
        idea = Idea(meeting_id=meeting.id, title="Plac zabaw przy Zielonej", description="Bezpieczna nawierzchnia.",
                    created_by_id=people["ambassador"].id)
        idea.raisers = [IdeaRaiser(user_id=raiser.id)]
        db.session.add(idea)
        db.session.commit()
        return meeting, idea.id, raiser


def test_the_ambassador_turns_an_idea_into_a_draft_and_invites_who_raised_it(app, client, login, people,
                                                                           idea_setup, english):
    meeting, idea_id, raiser = idea_setup
    login(client, people["ambassador"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Turn into a draft proposal" in page
    form = client.get(f"/meetings/{meeting.id}/ideas/{idea_id}/draft").get_data(as_text=True)
    assert "Zofia Łąka" in form and "Invite as co-authors" in form
    response = client.post(f"/meetings/{meeting.id}/ideas/{idea_id}/draft", data={"invite": [str(raiser.id)]})
    assert response.status_code == 303
    with app.app_context():
        proposal = db.session.scalar(db.select(Proposal))
        assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/edit")
        assert proposal.origin_meeting_id == meeting.id and proposal.area_id == meeting.area_id
        assert proposal.title == "Plac zabaw przy Zielonej" and f"/meetings/{meeting.id}" in proposal.description
        assert db.session.get(Idea, idea_id).proposal_id == proposal.id
        assert db.session.scalar(db.select(ProposalInvitation)).email == raiser.email
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.verb == "meeting.idea_drafted")) is not None
    shown = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "From the residents' meeting:" in shown and meeting.title in shown
    assert "Became a draft proposal:" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    # The invited person sees the invitation in "My proposals".
    invited = app.test_client()
    login(invited, raiser)
    assert "Plac zabaw przy Zielonej" in invited.get("/proposals/mine").get_data(as_text=True)
    # Twice is refused.
    again = client.post(f"/meetings/{meeting.id}/ideas/{idea_id}/draft")
    assert again.status_code == 409


def test_the_resident_who_raised_it_may_start_the_draft_and_others_may_not(app, login, people, idea_setup):
    meeting, idea_id, raiser = idea_setup
    stranger = app.test_client()
    login(stranger, people["resident"])
    assert stranger.post(f"/meetings/{meeting.id}/ideas/{idea_id}/draft").status_code == 403
    own = app.test_client()
    login(own, raiser)
    assert own.post(f"/meetings/{meeting.id}/ideas/{idea_id}/draft").status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Proposal)).created_by_id == raiser.id
