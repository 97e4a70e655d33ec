"""A coordinator records the city's decision about a submitted proposal; the authors are told and see it."""

import pytest
from sqlalchemy import select

from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.marathons import outcomes
from pbflow.marathons.models import OfficialOutcome, Submission
from pbflow.proposals import transitions
from pbflow.proposals.models import Proposal, ProposalStatus
from tests.web.test_submission_exports import submit


@pytest.fixture
def submitted(app, make_user, make_edition, make_proposal):
    edition = make_edition(open_stage="marathons", criteria=True)
    lead, co_author = make_user("Zofia Łękawa"), make_user("Jan Brzęczek")
    proposal = make_proposal(edition, author=lead, co_authors=[co_author], title="Zielony skwer przy Wiślnej")
    submit(app, proposal, "WPD.0007.2026")
    with app.app_context():
        db.session.execute(db.update(Proposal).where(Proposal.id == proposal.id).values(is_public=True))
        db.session.commit()
    return {"edition": edition, "proposal": proposal, "lead": lead, "co_author": co_author}


@pytest.fixture
def coordinator(app, people, login):
    client = app.test_client()
    login(client, people["coordinator"])
    return client


def _url(proposal):
    return f"/marathons/proposals/{proposal.id}/outcome"


def _data(proposal, outcome, reason=""):
    return {f"outcome-{proposal.id}-outcome": outcome, f"outcome-{proposal.id}-reason": reason}


def _stored(app, proposal):
    with app.app_context():
        found = db.session.get(OfficialOutcome, proposal.id)
        return (found.outcome, found.reason) if found else None


def test_record_without_javascript_tells_the_authors(app, coordinator, submitted, people):
    proposal = submitted["proposal"]
    response = coordinator.post(_url(proposal), data=_data(proposal, "put_to_vote"))
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/marathons/submitted?edition={proposal.edition_id}")
    assert _stored(app, proposal) == ("put_to_vote", "")
    with app.app_context():
        told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "official_outcome")).all()
        assert sorted(told) == sorted([submitted["lead"].id, submitted["co_author"].id])
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "official_outcome.recorded")).one()
        assert event.actor_id == people["coordinator"].id and event.data["outcome"] == "put_to_vote"


def test_record_with_htmx_swaps_the_row_and_changes_are_kept(app, coordinator, submitted, english):
    proposal = submitted["proposal"]
    coordinator.post(_url(proposal), data=_data(proposal, "verified_positive"))
    response = coordinator.htmx("POST", _url(proposal), data=_data(proposal, "selected", "Wybrany w głosowaniu"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and body.strip().startswith("<tr") and "Selected for funding" in body
    assert "data-focus-on-swap" in body
    assert _stored(app, proposal) == ("selected", "Wybrany w głosowaniu")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "official_outcome.recorded")
                                    .order_by(AuditEvent.id)).all()
        assert [e.data["previous"] for e in events] == [None, "verified_positive"]


@pytest.mark.parametrize("htmx", [False, True])
def test_negative_without_reason_is_refused_and_input_kept(app, coordinator, submitted, english, htmx):
    proposal = submitted["proposal"]
    data = _data(proposal, "verified_negative", "   ")
    response = coordinator.htmx("POST", _url(proposal), data=data) if htmx else coordinator.post(_url(proposal), data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the reason for the negative verification" in body
    assert '<option selected value="verified_negative">' in body
    assert ("<html" in body) is not htmx
    assert _stored(app, proposal) is None


@pytest.mark.parametrize("outcome", ["approved", "", "<script>alert(1)</script>"])
def test_unknown_outcome_is_refused(app, coordinator, submitted, english, outcome):
    proposal = submitted["proposal"]
    response = coordinator.post(_url(proposal), data=_data(proposal, outcome, "Powód"))
    assert response.status_code == 422
    assert "<script>alert" not in response.get_data(as_text=True)
    assert _stored(app, proposal) is None


def test_very_long_reason_is_refused_and_html_is_shown_as_text(app, coordinator, submitted, english):
    proposal = submitted["proposal"]
    response = coordinator.post(_url(proposal), data=_data(proposal, "verified_negative", "ż" * 2001))
    assert response.status_code == 422 and "at most 2000 characters" in response.get_data(as_text=True)
    coordinator.post(_url(proposal), data=_data(proposal, "verified_negative", "<b>Teren</b> prywatny"))
    page = coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "&lt;b&gt;Teren&lt;/b&gt; prywatny" in page


def test_outcome_for_a_proposal_not_submitted_is_a_conflict(app, coordinator, make_proposal, submitted, english):
    ready = make_proposal(submitted["edition"], status=ProposalStatus.READY)
    response = coordinator.post(_url(ready), data=_data(ready, "put_to_vote"))
    assert response.status_code == 409
    assert "no record of submission" in response.get_data(as_text=True)
    response = coordinator.htmx("POST", _url(ready), data=_data(ready, "put_to_vote"))
    assert response.status_code == 409 and response.get_data(as_text=True).strip().startswith("<tr")
    assert coordinator.get(_url(ready)).status_code == 409
    assert _stored(app, ready) is None


def test_outcome_after_the_record_was_undone_is_a_conflict(app, coordinator, make_proposal, submitted):
    proposal = make_proposal(submitted["edition"])
    submit(app, proposal, "WPD.0099.2026", undone=True)
    assert coordinator.post(_url(proposal), data=_data(proposal, "put_to_vote")).status_code == 409


def test_unknown_proposal_is_not_found(coordinator, submitted):
    assert coordinator.get("/marathons/proposals/999999/outcome").status_code == 404


def test_the_outcome_page_works_without_javascript(coordinator, submitted, english):
    body = coordinator.get(_url(submitted["proposal"])).get_data(as_text=True)
    assert "WPD.0007.2026" in body and 'name="outcome-' in body and "<html" in body


@pytest.mark.parametrize("role", ["resident", "ambassador", "expert"])
def test_only_coordinators_record_outcomes(app, people, login, submitted, role):
    proposal = submitted["proposal"]
    client = app.test_client()
    login(client, people[role])
    assert client.get(_url(proposal)).status_code == 403
    assert client.post(_url(proposal), data=_data(proposal, "put_to_vote")).status_code == 403
    assert _stored(app, proposal) is None


def test_authors_cannot_record_their_own_outcome(app, login, submitted):
    proposal = submitted["proposal"]
    client = app.test_client()
    login(client, submitted["lead"])
    assert client.post(_url(proposal), data=_data(proposal, "selected")).status_code == 403


def test_post_without_csrf_is_refused(coordinator, submitted):
    proposal = submitted["proposal"]
    assert coordinator.post(_url(proposal), data=_data(proposal, "selected"), csrf=False).status_code == 400


def test_service_refuses_non_coordinators(app, ctx, submitted):
    with pytest.raises(outcomes.NotAllowed):
        outcomes.record(db.session.merge(submitted["lead"]), db.session.merge(submitted["proposal"]), "selected")


# --- the proposal page -----------------------------------------------------------------------------

def test_the_proposal_page_shows_the_decision_to_everyone_who_may_view_it(app, coordinator, client, login,
                                                                         submitted, english):
    proposal = submitted["proposal"]
    assert "The city's decision" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    coordinator.post(_url(proposal), data=_data(proposal, "verified_negative", "Teren nie należy do miasta"))
    for viewer in (client, _logged_in(app, login, submitted["lead"])):
        page = viewer.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert "The city's decision" in page and "Verified negatively" in page
        assert "Teren nie należy do miasta" in page


def _logged_in(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def test_undoing_the_submission_clears_the_decision(app, coordinator, submitted, people, english):
    proposal = submitted["proposal"]
    coordinator.post(_url(proposal), data=_data(proposal, "put_to_vote"))
    with app.test_request_context():
        actor = db.session.merge(people["coordinator"])
        found = db.session.get(Proposal, proposal.id)
        transitions.undo_submission(actor, found, "Zła sygnatura")
        db.session.execute(db.update(Submission).where(Submission.proposal_id == proposal.id)
                           .values(undone_at=db.func.now()))
        db.session.commit()
        assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.verb == "official_outcome.cleared")) == {
            "outcome": "put_to_vote", "reason": ""}
    assert _stored(app, proposal) is None
    assert "The city's decision" not in coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
