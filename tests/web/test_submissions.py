"""Recording a submission at the desk, its refusals, two helpers at once, undo, the proposal page's section."""

import threading
from datetime import UTC, timedelta

import pytest

from pbflow.core.clock import now_in_warsaw
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.marathons.models import Submission
from pbflow.proposals.models import Proposal, ProposalStatus
from tests.conftest import log_in
from tests.web.desk_helpers import build_world, lead_of


@pytest.fixture
def desk_world(app, make_user, make_edition, make_proposal, make_marathon):
    return build_world(app, make_user, make_edition, make_proposal, make_marathon)

REFERENCE = "WPD.0123.2026"


def _form(author_id, reference=REFERENCE, moment=None, **extra):
    moment = moment or now_in_warsaw() - timedelta(minutes=10)
    return {"reference": reference, "submitted_by": str(author_id), "day": moment.strftime("%Y-%m-%d"),
            "moment": moment.strftime("%H:%M"), **extra}


def _url(marathon, proposal):
    return f"/marathons/{marathon.id}/desk/proposals/{proposal.id}/record"


def _submissions(app, proposal):
    with app.app_context():
        return db.session.scalars(db.select(Submission).where(Submission.proposal_id == proposal.id)).all()


def _status(app, proposal):
    with app.app_context():
        return db.session.get(Proposal, proposal.id).status


def test_a_helper_records_the_submission(app, client, desk_world, english):
    edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    log_in(client, helper)
    author_id = lead_of(app, proposal)
    moment = (now_in_warsaw() - timedelta(minutes=30)).replace(second=0, microsecond=0)
    response = client.post(_url(marathon, proposal), data=_form(author_id, reference=" wpd.0123.2026 ",
                                                                 moment=moment))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/marathons/{marathon.id}/desk/proposals/{proposal.id}"
    assert _status(app, proposal) == "submitted"
    [submission] = _submissions(app, proposal)
    assert submission.platform_reference == REFERENCE and submission.reference_key == REFERENCE
    assert submission.version_number == 1 and submission.marathon_id == marathon.id
    assert submission.submitted_by_id == author_id and submission.recorded_by_id == helper.id
    assert submission.submitted_at == moment.astimezone(UTC).replace(tzinfo=None)
    assert submission.readiness["ready"] is True and submission.readiness["items"]
    with app.app_context():
        verbs = set(db.session.scalars(db.select(AuditEvent.verb)).all())
        assert {"proposal.submit", "submission.recorded"} <= verbs
        told = db.session.scalars(db.select(Notification).where(Notification.kind == "proposal_submitted")).all()
        assert [n.user_id for n in told] == [author_id]
        assert told[0].data["when"] == {"datetime": submission.submitted_at.isoformat()}
    page = client.get(f"/marathons/{marathon.id}/desk/proposals/{proposal.id}").get_data(as_text=True)
    assert "WPD.0123.2026" in page and "Record the submission" not in page
    page = client.get(f"/proposals/{proposal.id}/copy").get_data(as_text=True)
    assert "This is the version that was submitted (WPD.0123.2026)" in page
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="/proposals/{proposal.id}/copy"' in page and "Reference number" in page


def test_a_malformed_reference_is_refused_with_an_example_and_the_input_kept(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    log_in(client, helper)
    response = client.post(_url(marathon, proposal), data=_form(lead_of(app, proposal), reference="12345<b>"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "it looks like this: WPD.0123." in text
    assert 'value="12345&lt;b&gt;"' in text
    assert _status(app, proposal) == "ready" and _submissions(app, proposal) == []


def test_a_reference_already_recorded_for_another_proposal_is_refused(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    first, second = make_ready(), make_ready(title="Ławki w parku")
    log_in(client, helper)
    assert client.post(_url(marathon, first), data=_form(lead_of(app, first))).status_code == 303
    response = client.htmx("POST", _url(marathon, second), data=_form(lead_of(app, second), reference="WPD.0123.2026"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "<html" not in text and "already recorded for another proposal" in text
    assert _status(app, second) == "ready"


def test_a_proposal_that_is_not_ready_is_refused(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    revising = make_ready(status=ProposalStatus.REVISING)
    no_support = make_ready(supporters=0, title="Bez poparcia")
    log_in(client, helper)
    response = client.post(_url(marathon, revising), data=_form(lead_of(app, revising)))
    assert response.status_code == 409
    assert "Only a proposal that is ready to submit" in response.get_data(as_text=True)
    response = client.post(_url(marathon, no_support), data=_form(lead_of(app, no_support)))
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "The readiness check refuses this proposal now" in text and "Support list complete" in text
    assert _status(app, revising) == "revising" and _status(app, no_support) == "ready"


def test_who_and_when_are_checked(app, client, desk_world, make_user, english):
    _edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    stranger = make_user()
    log_in(client, helper)
    author = lead_of(app, proposal)
    response = client.post(_url(marathon, proposal), data=_form(stranger.id))
    assert response.status_code == 422
    assert "Choose from the list." in response.get_data(as_text=True)
    response = client.post(_url(marathon, proposal), data=_form(author, moment=now_in_warsaw() + timedelta(hours=2)))
    assert response.status_code == 422
    assert "cannot be in the future" in response.get_data(as_text=True)
    response = client.post(_url(marathon, proposal), data=_form(author, moment=now_in_warsaw() - timedelta(days=90)))
    assert response.status_code == 422
    assert "before the submission marathons began" in response.get_data(as_text=True)
    response = client.post(_url(marathon, proposal), data={**_form(author), "day": "9999-12-31"})
    assert response.status_code == 422
    response = client.post(_url(marathon, proposal), data={**_form(author), "reference": ""})
    assert response.status_code == 422
    assert _status(app, proposal) == "ready"


def test_a_helper_of_another_marathon_and_a_resident_get_403(app, client, desk_world, make_user, make_marathon):
    edition, marathon, _helper, make_ready = desk_world
    proposal = make_ready()
    other_helper = make_user()
    make_marathon(edition, title="Inny maraton", helpers=[other_helper])
    log_in(client, other_helper)
    assert client.post(_url(marathon, proposal), data=_form(lead_of(app, proposal))).status_code == 403
    assert client.get(f"/marathons/{marathon.id}/desk/proposals/{proposal.id}").status_code == 403
    assert _status(app, proposal) == "ready"


def test_a_coordinator_records_and_the_lead_author_may_not_use_the_desk(app, client, desk_world, people, english):
    _edition, marathon, _helper, make_ready = desk_world
    proposal = make_ready()
    log_in(client, people["coordinator"])
    assert client.post(_url(marathon, proposal), data=_form(lead_of(app, proposal))).status_code == 303
    assert _status(app, proposal) == "submitted"


def test_two_helpers_recording_the_same_proposal_at_once_make_one_record(app, desk_world, make_user):
    _edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    second = make_user()
    with app.app_context():
        from pbflow.marathons.models import MarathonHelper

        db.session.add(MarathonHelper(marathon_id=marathon.id, user_id=second.id))
        db.session.commit()
    clients = []
    for n, person in enumerate((helper, second)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.2.{n + 1}"
        log_in(client, person)
        client.csrf_token()
        clients.append(client)
    author, start, statuses = lead_of(app, proposal), threading.Barrier(2), []
    references = ["WPD.0001.2026", "WPD.0002.2026"]

    def record(client, reference):
        start.wait()
        statuses.append(client.post(_url(marathon, proposal), data=_form(author, reference=reference)).status_code)

    threads = [threading.Thread(target=record, args=pair) for pair in zip(clients, references, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [303, 409]
    [submission] = _submissions(app, proposal)
    assert submission.undone_at is None and _status(app, proposal) == "submitted"


def test_a_coordinator_undoes_a_wrong_record_with_a_reason(app, client, desk_world, people, english):
    _edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    log_in(client, helper)
    client.post(_url(marathon, proposal), data=_form(lead_of(app, proposal)))
    [submission] = _submissions(app, proposal)
    assert client.get(f"/submissions/{submission.id}/undo").status_code == 403
    assert client.post(f"/submissions/{submission.id}/undo", data={"reason": "Pomyłka"}).status_code == 403

    coordinator = app.test_client()
    log_in(coordinator, people["coordinator"])
    page = coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Submission to the official platform" in page and "Undo this record" in page
    response = coordinator.post(f"/submissions/{submission.id}/undo", data={"reason": "  "})
    assert response.status_code == 422
    response = coordinator.post(f"/submissions/{submission.id}/undo", data={"reason": "Wpisano numer innego wniosku."})
    assert response.status_code == 303
    assert _status(app, proposal) == "ready"
    [submission] = _submissions(app, proposal)
    assert submission.undone_at is not None and submission.undo_reason == "Wpisano numer innego wniosku."
    assert submission.undone_by_id == people["coordinator"].id
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.verb == "submission.undone")) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                                 .where(Notification.kind == "submission_undone")) == 1
        assert db.session.get(Proposal, proposal.id).platform_reference is None
    assert coordinator.post(f"/submissions/{submission.id}/undo", data={"reason": "Znowu"}).status_code == 409
    # The same reference may be recorded again once the wrong record is taken back.
    assert client.post(_url(marathon, proposal), data=_form(lead_of(app, proposal))).status_code == 303
    assert len(_submissions(app, proposal)) == 2
    page = coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Records taken back" in page and "Wpisano numer innego wniosku." in page


def test_the_generic_submit_action_keeps_a_record_too(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    proposal, other = make_ready(), make_ready(title="Ławki w parku")
    log_in(client, helper)
    assert client.post(_url(marathon, other), data=_form(lead_of(app, other), reference="WPD.0777.2026")).status_code == 303
    author = app.test_client()
    with app.app_context():
        from pbflow.accounts.models import User

        lead = db.session.get(User, lead_of(app, proposal))
        db.session.expunge(lead)
    log_in(author, lead)
    response = author.post(f"/proposals/{proposal.id}/actions/submit", data={"platform_reference": "wpd.0777.2026"})
    assert response.status_code == 409
    assert "already recorded for another proposal" in response.get_data(as_text=True)
    assert _status(app, proposal) == "ready"
    response = author.post(f"/proposals/{proposal.id}/actions/submit", data={"platform_reference": "WPD.0778.2026"})
    assert response.status_code == 303
    [submission] = _submissions(app, proposal)
    assert submission.reference_key == "WPD.0778.2026" and submission.submitted_by_id == lead.id
    assert submission.marathon_id is None and submission.recorded_by_id == lead.id
