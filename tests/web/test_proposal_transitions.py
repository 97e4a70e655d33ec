"""The state machine in the browser: every status × every action × every kind of person,
then the stage guards, readiness, the submission's reference, merging and withdrawing."""

import ast
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

import pbflow
from pbflow.core import clock
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.proposals.models import Proposal, ProposalStatus, ProposalVersion

S = ProposalStatus
LIVE = frozenset(S) - {S.SUBMITTED, S.WITHDRAWN, S.MERGED}
ACTORS = ("lead", "co_author", "stranger", "expert", "coordinator", "ambassador")
AUTHORS_OR_COORDINATOR = frozenset({"lead", "co_author", "coordinator"})

# The pathway written out by hand, independently of transitions.py: from which statuses, by whom, to where.
RULES = {
    "send_to_consultation": (frozenset({S.DRAFT}), AUTHORS_OR_COORDINATOR | {"ambassador"}, S.IN_CONSULTATION),
    # The expert is one of a unit the proposal was routed to, and that unit has answered
    # (test_an_expert_marks_feedback_received_only_when_no_unit_owes_any covers the rest).
    "record_feedback": (frozenset({S.IN_CONSULTATION}), frozenset({"expert", "coordinator"}), S.FEEDBACK_RECEIVED),
    "start_revising": (frozenset({S.FEEDBACK_RECEIVED}), AUTHORS_OR_COORDINATOR, S.REVISING),
    "mark_revised": (frozenset({S.REVISING}), AUTHORS_OR_COORDINATOR, S.IN_CONSULTATION),
    "mark_ready": (frozenset({S.FEEDBACK_RECEIVED, S.REVISING}), AUTHORS_OR_COORDINATOR, S.READY),
    "reopen": (frozenset({S.READY}), AUTHORS_OR_COORDINATOR, S.REVISING),
    "submit": (frozenset({S.READY}), AUTHORS_OR_COORDINATOR, S.SUBMITTED),
    "withdraw": (LIVE, frozenset({"lead"}), S.WITHDRAWN),
    "merge": (LIVE, frozenset({"coordinator"}), S.MERGED),
}
STAGE_FOR = {"submit": "marathons"}  # the stage each action is tried in; "meetings" for the others


@pytest.fixture
def make_edition(make_edition):
    """Editions whose support list needs no names: Stage IV's readiness items are tested in test_readiness.py."""
    return lambda *args, **values: make_edition(*args, **{"supporters_required": 0, **values})


def may(actor, action, status):
    """Whether this person may ever do this action with a proposal in this status (else 403)."""
    if action == "send_to_consultation" and actor == "ambassador":
        return status is S.DRAFT  # the area's ambassador helps with drafts only
    return actor in RULES[action][1]


def url(proposal_id, action):
    return f"/proposals/{proposal_id}/actions/{action}"


def status_of(app, proposal_id):
    with app.app_context():
        return db.session.get(Proposal, proposal_id).state


def events(app, proposal_id, verb=None):
    with app.app_context():
        query = select(AuditEvent.verb, AuditEvent.actor_id, AuditEvent.data).where(
            AuditEvent.object_type == "proposals", AuditEvent.object_id == proposal_id)
        if verb:
            query = query.where(AuditEvent.verb == verb)
        return [tuple(row) for row in db.session.execute(query.order_by(AuditEvent.id))]


def close_submissions(app, edition):
    """The submission deadline passed yesterday."""
    with app.app_context():
        db.session.merge(edition).submission_deadline = clock.today() - timedelta(days=1)
        db.session.commit()


def make_public(app, *proposals):
    with app.app_context():
        for proposal in proposals:
            db.session.get(Proposal, proposal.id).is_public = True
        db.session.commit()


@pytest.fixture
def cast(app, make_user, make_area, make_ambassador, make_unit, make_expert, make_routing, people):
    """The people around a proposal: lead, co-author, a resident who is neither, an expert of a verifying
    unit, a coordinator, and the ambassador of the proposal's area (set up per edition by `cast.ambassador_of`).
    `cast.answered(proposal)` routes the proposal to the expert's unit, which has given its feedback."""
    area = make_area()
    unit = make_unit()
    make_expert(unit, user=people["expert"])

    class Cast(dict):
        def ambassador_of(self, edition):
            make_ambassador(edition, area=area, user=self["ambassador"])

        def answered(self, proposal):
            make_routing(proposal, unit, status="answered")

    return Cast(unit=unit, lead=make_user("Zofia Dąbrowska"), co_author=make_user("Marek Lis"),
                stranger=people["resident"], expert=people["expert"], coordinator=people["coordinator"],
                ambassador=make_user("Piotr Kowalski", "ambasador-obszaru@example.org"), area=area)


def proposal_for(make_proposal, edition, cast, status, **kwargs):
    return make_proposal(edition, author=cast["lead"], co_authors=[cast["co_author"]], area=cast["area"],
                         status=status, **kwargs)


# --- the whole table ------------------------------------------------------------------------

def outcome_problems(app, response, proposal_id, status, action, actor_id, should_succeed, refusal_code):
    """What differs from the expected outcome: success (new status, one audit event) or a clear refusal."""
    problems = []
    if should_succeed:
        if response.status_code != 303 or response.headers.get("Location") != f"/proposals/{proposal_id}":
            problems.append(f"answered {response.status_code}, expected 303 to the proposal")
        if status_of(app, proposal_id) is not RULES[action][2]:
            problems.append(f"status is {status_of(app, proposal_id).value}")
        recorded = events(app, proposal_id, f"proposal.{action}")
        if [(actor, data["from"]) for _verb, actor, data in recorded] != [(actor_id, status.value)]:
            problems.append(f"audit events {recorded}")
    else:
        if response.status_code != refusal_code:
            problems.append(f"answered {response.status_code}, expected {refusal_code}")
        if 'role="alert"' not in response.get_data(as_text=True):
            problems.append("no message")
        if status_of(app, proposal_id) is not status:
            problems.append(f"status changed to {status_of(app, proposal_id).value}")
        if events(app, proposal_id, f"proposal.{action}"):
            problems.append("an audit event was written")
    return problems


@pytest.mark.parametrize("action", list(RULES))
def test_every_status_and_every_person_for(app, login, make_edition, make_proposal, cast, action, make_unit,
                                          make_routing, make_feedback):
    """The whole table for one action: 8 statuses × 6 people, each on a proposal of their own."""
    edition = make_edition(open_stage=STAGE_FOR.get(action, "meetings"))
    unit = make_unit() if action == "mark_revised" else None
    cast.ambassador_of(edition)
    clients = {}
    for actor in ACTORS:
        clients[actor] = app.test_client()
        login(clients[actor], cast[actor])
    survivor = make_proposal(edition, title="Zieleń przy szkole")
    data = {"withdraw": {"reason": "Zrobi to spółdzielnia", "confirm": "y"},
            "merge": {"into": str(survivor.id)}}.get(action, {})
    sources = RULES[action][0]
    mismatches = {}
    for status in S:
        for actor in ACTORS:
            proposal = proposal_for(make_proposal, edition, cast, status)
            if action == "record_feedback":
                cast.answered(proposal)
            make_public(app, proposal)  # who may see it is another question (test_a_private_draft_...)
            if unit is not None:  # a unit asked for changes and nothing is left unanswered
                make_feedback(make_routing(proposal, unit), verdict="needs_changes")
            if action == "submit":  # each proposal its own reference: a reference is unique in an edition
                data = {"platform_reference": f"WPD.{proposal.id:04d}.2026"}
            response = clients[actor].post(url(proposal.id, action), data=data)
            problems = outcome_problems(app, response, proposal.id, status, action, cast[actor].id,
                                        should_succeed=status in sources and may(actor, action, status),
                                        refusal_code=409 if may(actor, action, status) else 403)
            if problems:
                mismatches[f"{actor} on {status.value}"] = problems
    assert mismatches == {}


def test_the_pathway_from_draft_to_submission_in_the_browser(app, client, login, make_edition, make_proposal, cast,
                                                            english):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, None)
    login(client, cast["lead"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Where the proposal is now" in page and "A draft: its authors are still writing it." in page
    assert f'action="{url(proposal.id, "send_to_consultation")}"' in page
    assert "The experts read this version (version 1)" in page
    response = client.post(url(proposal.id, "send_to_consultation"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Their experts will read version 1." in html and 'class="flash flash-success"' in html
    assert "Sent to the verifying units" in html and "Zofia Dąbrowska" in html  # the history of the status
    cast.answered(proposal)  # the expert's unit has given its feedback
    login(client, cast["expert"])
    assert client.post(url(proposal.id, "record_feedback")).status_code == 303
    login(client, cast["co_author"])
    assert client.post(url(proposal.id, "start_revising")).status_code == 303
    assert client.post(url(proposal.id, "mark_ready")).status_code == 303
    assert status_of(app, proposal.id) is S.READY
    with app.app_context():  # the marathons open
        edition_row = db.session.merge(edition)
        edition_row.marathons_open = clock.today() - timedelta(days=1)
        edition_row.meetings_close = clock.today() - timedelta(days=2)
        db.session.commit()
    assert client.post(url(proposal.id, "submit"), data={"platform_reference": " wpd.0042.2026 "}).status_code == 303
    html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "WPD.0042.2026" in html and "Submitted to the city's official platform." in html
    verbs = [verb for verb, _a, _d in events(app, proposal.id)]
    assert verbs == ["proposal.started", "proposal.send_to_consultation", "proposal.record_feedback",
                     "proposal.start_revising", "proposal.mark_ready", "proposal.submit"]
    history = html.split("History of the status")[1]
    for title in ("Started as a draft", "Sent to the verifying units", "The experts' feedback was received",
                  "Revision started", "Marked as ready to submit", "Submission recorded"):
        assert title in history
    assert "Ewa Wiśniewska" in history and "Marek Lis" in history


# --- the proposal page's panel ------------------------------------------------------------------

def test_only_what_this_person_may_try_is_offered(app, client, login, make_edition, make_proposal, cast, english):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, None)
    make_public(app, proposal)
    login(client, cast["stranger"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "A draft: its authors are still writing it." in page
    assert "/actions/" not in page
    login(client, cast["co_author"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert url(proposal.id, "send_to_consultation") in page and url(proposal.id, "withdraw") not in page
    login(client, cast["lead"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f'href="{url(proposal.id, "withdraw")}"' in page
    assert page.count('name="csrf_token"') >= 2  # the button's form carries its token


def test_a_button_whose_stage_is_closed_says_when_it_will_work(app, client, login, make_edition, make_proposal, cast,
                                                               english):
    edition = make_edition(open_stage="marathons")
    proposal = proposal_for(make_proposal, edition, cast, None)
    login(client, cast["lead"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Not now: This is possible only while these stages are open: Residents&#39; meetings, Expert workshops." in page


def test_htmx_refusals_swap_into_the_panel(app, client, login, make_edition, make_proposal, cast, english):
    edition = make_edition(open_stage="marathons")
    proposal = proposal_for(make_proposal, edition, cast, None)
    login(client, cast["lead"])
    response = client.htmx("POST", url(proposal.id, "send_to_consultation"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "<html" not in html and html.lstrip().startswith('<section id="next-steps"')
    assert 'role="alert"' in html and "possible only while these stages are open" in html
    assert "data-focus-on-swap" in html
    with app.app_context():  # the workshops are extended until tomorrow
        db.session.merge(edition).workshops_close = clock.today() + timedelta(days=1)
        db.session.commit()
    response = client.htmx("POST", url(proposal.id, "send_to_consultation"))
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/proposals/{proposal.id}"


def test_the_proposal_page_runs_the_same_queries_however_long_the_history(app, client, login, make_edition,
                                                                         make_proposal, cast, count_queries):
    edition = make_edition(open_stage="meetings")
    short = proposal_for(make_proposal, edition, cast, S.REVISING)
    long = proposal_for(make_proposal, edition, cast, S.REVISING)
    login(client, cast["lead"])
    for _ in range(6):
        assert client.post(url(long.id, "mark_ready")).status_code == 303
        assert client.post(url(long.id, "reopen")).status_code == 303
    counts = []
    for proposal in (short, long):
        with count_queries() as statements:
            assert client.get(f"/proposals/{proposal.id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- who may mark feedback as received ------------------------------------------------------------

def test_an_expert_marks_feedback_received_only_when_no_unit_owes_any(app, login, make_edition, make_proposal,
                                                                      cast, make_unit, make_expert, make_routing,
                                                                      english):
    """Experts: only of a unit the proposal was routed to, and only once no routed unit is pending;
    coordinators may always decide not to wait. A refusal is 409 with the reason, nothing changes."""
    edition = make_edition(open_stage="workshops")
    other_unit = make_unit()
    outsider = make_expert(make_unit())
    clients = {}
    for who, person in (("expert", cast["expert"]), ("outsider", outsider), ("coordinator", cast["coordinator"])):
        clients[who] = app.test_client()
        login(clients[who], person)

    def case(routings):
        proposal = proposal_for(make_proposal, edition, cast, S.IN_CONSULTATION)
        make_public(app, proposal)
        for unit, status in routings:
            make_routing(proposal, unit, status=status)
        return proposal

    expected = {  # (the expert's unit's routing, the other unit's routing) -> the answer the expert gets
        ("answered", None): 303, ("answered", "cancelled"): 303, ("answered", "answered"): 303,
        ("pending", None): 409, ("answered", "pending"): 409,  # not yet: a unit is still awaited
        (None, "answered"): 403, (None, None): 403,  # never: their unit is not on this proposal
    }
    for (mine, other), answer in expected.items():
        routings = [(u, st) for u, st in ((cast["unit"], mine), (other_unit, other)) if st]
        proposal = case(routings)
        response = clients["expert"].post(url(proposal.id, "record_feedback"))
        assert response.status_code == answer, (mine, other)
        assert status_of(app, proposal.id) is (S.FEEDBACK_RECEIVED if answer == 303 else S.IN_CONSULTATION)
        if answer == 409:
            html = response.get_data(as_text=True)
            assert 'role="alert"' in html and "have not given their feedback yet" in html
        if answer != 303:
            assert not events(app, proposal.id, "proposal.record_feedback")
    proposal = case([(cast["unit"], "answered")])
    assert clients["outsider"].post(url(proposal.id, "record_feedback")).status_code == 403
    page = clients["outsider"].get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Mark feedback as received" not in page  # no button for someone who may not press it
    assert status_of(app, proposal.id) is S.IN_CONSULTATION
    proposal = case([(cast["unit"], "pending"), (other_unit, "pending")])  # the coordinator decides early
    assert clients["coordinator"].post(url(proposal.id, "record_feedback")).status_code == 303
    assert status_of(app, proposal.id) is S.FEEDBACK_RECEIVED


def test_the_page_says_the_feedback_has_arrived_only_when_a_unit_published_some(app, client, login, make_edition,
                                                                              make_proposal, cast, make_routing,
                                                                              make_feedback, english):
    """A coordinator may close the consultation before any unit answered: no opinion exists then."""
    edition = make_edition(open_stage="workshops")
    login(client, cast["lead"])
    without = proposal_for(make_proposal, edition, cast, S.FEEDBACK_RECEIVED)
    make_routing(without, cast["unit"], status="cancelled")
    html = client.get(f"/proposals/{without.id}").get_data(as_text=True)
    assert "The experts' feedback has arrived" not in html
    assert "none of them has published written feedback on this proposal" in html
    drafted = proposal_for(make_proposal, edition, cast, S.FEEDBACK_RECEIVED)
    make_feedback(make_routing(drafted, cast["unit"]), published=False)  # a draft the authors cannot see
    assert "The experts' feedback has arrived" not in client.get(f"/proposals/{drafted.id}").get_data(as_text=True)
    answered = proposal_for(make_proposal, edition, cast, S.FEEDBACK_RECEIVED)
    make_feedback(make_routing(answered, cast["unit"]))
    html = client.get(f"/proposals/{answered.id}").get_data(as_text=True)
    assert "The experts' feedback has arrived" in html and "none of them has published" not in html


# --- stage guards and the deadline -------------------------------------------------------------

@pytest.mark.parametrize("stage, allowed", [("recruitment", False), ("meetings", True), ("workshops", True),
                                            ("marathons", False)])
def test_sending_to_the_experts_only_while_meetings_or_workshops(app, client, login, make_edition, make_proposal,
                                                                cast, english, stage, allowed):
    edition = make_edition(open_stage=stage)
    proposal = proposal_for(make_proposal, edition, cast, None)
    login(client, cast["lead"])
    response = client.post(url(proposal.id, "send_to_consultation"))
    if allowed:
        assert response.status_code == 303 and status_of(app, proposal.id) is S.IN_CONSULTATION
    else:
        assert response.status_code == 409 and status_of(app, proposal.id) is S.DRAFT
        assert "possible only while these stages are open" in response.get_data(as_text=True)


@pytest.mark.parametrize("stage", ["recruitment", "meetings", "workshops"])
def test_the_submission_is_recorded_only_during_the_marathons(app, client, login, make_edition, make_proposal, cast,
                                                              english, stage):
    edition = make_edition(open_stage=stage)
    proposal = proposal_for(make_proposal, edition, cast, S.READY)
    login(client, cast["lead"])
    form = client.get(url(proposal.id, "submit")).get_data(as_text=True)
    assert "Not now: This is possible only while these stages are open: Submission marathons." in form
    response = client.post(url(proposal.id, "submit"), data={"platform_reference": "WPD-1"})
    assert response.status_code == 409 and status_of(app, proposal.id) is S.READY
    html = response.get_data(as_text=True)
    assert "Submission marathons" in html and 'value="WPD-1"' in html  # the number typed is kept
    assert events(app, proposal.id, "proposal.submit") == []


@pytest.mark.parametrize("action, status, actor", [
    ("send_to_consultation", S.DRAFT, "lead"), ("record_feedback", S.IN_CONSULTATION, "coordinator"),
    ("start_revising", S.FEEDBACK_RECEIVED, "lead"), ("mark_ready", S.REVISING, "lead"),
    ("reopen", S.READY, "lead"), ("submit", S.READY, "lead")])
def test_after_the_deadline_nothing_but_withdrawing_and_merging(app, client, login, make_edition, make_proposal,
                                                                cast, english, action, status, actor):
    edition = make_edition(open_stage="marathons")
    proposal = proposal_for(make_proposal, edition, cast, status)
    close_submissions(app, edition)
    login(client, cast[actor])
    response = client.post(url(proposal.id, action), data={"platform_reference": "WPD-1"})
    assert response.status_code == 409 and status_of(app, proposal.id) is status
    assert "The submission deadline of Wspólne Projekty 2026 has passed." in response.get_data(as_text=True)


def test_after_the_deadline_the_lead_still_withdraws_and_the_coordinator_still_merges(app, client, login,
                                                                                     make_edition, make_proposal,
                                                                                     cast):
    edition = make_edition(open_stage="marathons")
    withdrawn, merged, survivor = (proposal_for(make_proposal, edition, cast, S.REVISING) for _ in range(3))
    close_submissions(app, edition)
    login(client, cast["lead"])
    assert client.post(url(withdrawn.id, "withdraw"), data={"confirm": "y"}).status_code == 303
    login(client, cast["coordinator"])
    assert client.post(url(merged.id, "merge"), data={"into": survivor.id}).status_code == 303
    assert status_of(app, withdrawn.id) is S.WITHDRAWN and status_of(app, merged.id) is S.MERGED


# --- readiness, the reference number ---------------------------------------------------------------

def test_marking_as_ready_is_refused_with_what_to_fix(app, client, login, make_edition, make_proposal, cast, english):
    edition = make_edition(open_stage="workshops")
    proposal = proposal_for(make_proposal, edition, cast, S.REVISING, title="Park " + "bardzo " * 12 + "zielony",
                            lines=[("Hala sportowa", Decimal("1"), 500_000_00)])
    login(client, cast["lead"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    before = page.split("Before it can be marked as ready to submit, fix:")[1].split("</ul>")[0]
    assert "The title has 96 characters; the official form accepts at most 60." in before
    assert "The total cost is above the cap for this kind of project." in before
    response = client.post(url(proposal.id, "mark_ready"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and status_of(app, proposal.id) is S.REVISING
    assert "Not ready yet:" in html and "The title has 96 characters" in html and "above the cap" in html
    assert events(app, proposal.id, "proposal.mark_ready") == []


def test_a_ready_proposal_offers_the_marking_without_problems(app, client, login, make_edition, make_proposal, cast,
                                                             english):
    edition = make_edition(open_stage="workshops")
    proposal = proposal_for(make_proposal, edition, cast, S.REVISING)
    login(client, cast["lead"])
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Nothing the official form would refuse was found." in page
    assert "Before it can be marked" not in page


@pytest.mark.parametrize("reference, message", [
    ("", "Enter the reference number the official platform gave the proposal."),
    ("   ", "Enter the reference number the official platform gave the proposal."),
    ("W" * 101, "Use at most 100 characters.")])
def test_the_submission_needs_its_reference_number(app, client, login, make_edition, make_proposal, cast, english,
                                                   reference, message):
    edition = make_edition(open_stage="marathons")
    proposal = proposal_for(make_proposal, edition, cast, S.READY)
    login(client, cast["co_author"])
    page = client.get(url(proposal.id, "submit"))
    assert page.status_code == 200 and 'name="platform_reference"' in page.get_data(as_text=True)
    response = client.post(url(proposal.id, "submit"), data={"platform_reference": reference})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert status_of(app, proposal.id) is S.READY and events(app, proposal.id, "proposal.submit") == []
    response = client.htmx("POST", url(proposal.id, "submit"), data={"platform_reference": reference})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.lstrip().startswith('<div id="transition-form"')
    assert 'aria-invalid="true"' in html


# --- merging -------------------------------------------------------------------------------------

def test_merging_keeps_both_histories_and_links_to_the_survivor(app, client, login, make_edition, make_proposal,
                                                               cast, english):
    edition = make_edition(open_stage="workshops")
    merged = proposal_for(make_proposal, edition, cast, S.REVISING, title="Plac zabaw na skwerze")
    survivor = make_proposal(edition, title="Plac zabaw i zieleń przy Zielonej")
    login(client, cast["coordinator"])
    form = client.get(url(merged.id, "merge") + "?q=zielen").get_data(as_text=True)
    assert f'value="{survivor.id}"' in form and f'value="{merged.id}"' not in form
    response = client.post(url(merged.id, "merge"), data={"into": survivor.id}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "merged into “Plac zabaw i zieleń przy Zielonej”" in html
    assert f'href="/proposals/{survivor.id}">Plac zabaw i zieleń przy Zielonej</a>' in html
    assert "Merged into another proposal" in html
    with app.app_context():
        assert db.session.get(Proposal, merged.id).merged_into_id == survivor.id
        for proposal in (merged, survivor):  # nothing of either history is lost
            assert db.session.scalar(select(func.count()).select_from(ProposalVersion).where(
                ProposalVersion.proposal_id == proposal.id)) == 1
    assert [verb for verb, _a, _d in events(app, merged.id)] == ["proposal.started", "proposal.merge"]
    assert [verb for verb, _a, _d in events(app, survivor.id)] == ["proposal.started", "proposal.absorbed"]
    survivor_page = client.get(f"/proposals/{survivor.id}").get_data(as_text=True)
    assert "Another proposal was merged into this one" in survivor_page
    assert f'href="/proposals/{merged.id}"' in survivor_page


def test_merging_across_editions_is_refused(app, client, login, make_edition, make_proposal, cast, english):
    old = make_edition(name="Wspólne Projekty 2025", current=False, open_stage="workshops")
    edition = make_edition(open_stage="workshops")
    merged = proposal_for(make_proposal, edition, cast, S.DRAFT)
    elsewhere = make_proposal(old, title="Plac zabaw przy Zielonej")
    login(client, cast["coordinator"])
    form = client.get(url(merged.id, "merge") + "?q=plac").get_data(as_text=True)
    assert f'value="{elsewhere.id}"' not in form  # only the same edition is offered
    response = client.post(url(merged.id, "merge"), data={"into": elsewhere.id})
    assert response.status_code == 409
    assert "Only proposals of the same edition can be merged." in response.get_data(as_text=True)
    assert status_of(app, merged.id) is S.DRAFT and events(app, elsewhere.id, "proposal.absorbed") == []


@pytest.mark.parametrize("into, status, message", [
    ("", 422, "Choose the proposal that carries on."),
    ("999999", 422, "There is no proposal with this number."),
    ("99999999999999999999", 422, "There is no proposal with this number."),  # beyond any database id
    ("²", 422, "Not a valid integer value."),  # str.isdigit() says yes, int() says no
    ("self", 409, "Choose another proposal to merge into."),
    ("closed", 409, "The proposal to merge into is already closed.")])
def test_merging_needs_another_live_proposal(app, client, login, make_edition, make_proposal, cast, english,
                                            into, status, message):
    edition = make_edition(open_stage="workshops")
    merged = proposal_for(make_proposal, edition, cast, S.DRAFT)
    closed = make_proposal(edition, status=S.WITHDRAWN)
    into = {"self": str(merged.id), "closed": str(closed.id)}.get(into, into)
    login(client, cast["coordinator"])
    response = client.post(url(merged.id, "merge"), data={"into": into})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert status_of(app, merged.id) is S.DRAFT


def test_the_merge_form_lists_a_page_of_candidates_in_fixed_queries(app, client, login, make_edition, make_proposal,
                                                                   cast, count_queries, english):
    edition = make_edition(open_stage="workshops")
    merged = proposal_for(make_proposal, edition, cast, S.DRAFT)
    login(client, cast["coordinator"])
    make_proposal(edition, title="Ławki w parku 0")
    counts = []
    for size in (1, 24):
        if size > 1:
            for n in range(1, size):
                make_proposal(edition, title=f"Ławki w parku {n}")
        with count_queries() as statements:
            response = client.get(url(merged.id, "merge") + "?q=lawki")
        counts.append(len(statements))
        html = response.get_data(as_text=True)
        assert html.count('name="into"') == min(size, 10)
    assert counts[0] == counts[1]
    assert "24 live proposals of this edition match." in html and 'rel="next"' in html
    number = client.get(url(merged.id, "merge") + f"?q=%23{merged.id + 1}").get_data(as_text=True)
    assert number.count('name="into"') == 1
    response = client.post(url(merged.id, "merge") + "?q=lawki", data={"into": ""})  # the search is kept
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.count('name="into"') == 10 and 'value="lawki"' in html
    fragment = client.htmx("GET", url(merged.id, "merge") + "?q=lawki&results=1").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="merge-candidates"')


def test_the_merge_search_takes_odd_input_literally(app, client, login, make_edition, make_proposal, cast, english):
    edition = make_edition(open_stage="workshops")
    merged = proposal_for(make_proposal, edition, cast, S.DRAFT)
    discount = make_proposal(edition, title="Ławki -50% taniej")
    make_proposal(edition, title="Ławki w parku")
    login(client, cast["coordinator"])

    def offered(query):
        response = client.get(url(merged.id, "merge") + "?q=" + query)
        assert response.status_code == 200, query
        return re.findall(r'name="into" id="into-\d+" value="(\d+)"', response.get_data(as_text=True))

    assert offered("%25") == [str(discount.id)]  # "%" is a percent sign, not "anything"
    assert offered("_") == []
    assert offered("²") == [] and offered("%23²") == []
    assert offered("99999999999999999999") == []
    assert client.get(url(merged.id, "merge") + "?q=%00").status_code == 400


# --- withdrawing, and who may ask at all ----------------------------------------------------------

def test_only_the_lead_withdraws_after_confirming(app, client, login, make_edition, make_proposal, cast, english):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, S.REVISING)
    login(client, cast["co_author"])
    assert client.get(url(proposal.id, "withdraw")).status_code == 403
    assert client.post(url(proposal.id, "withdraw"), data={"confirm": "y"}).status_code == 403
    login(client, cast["lead"])
    assert client.get(url(proposal.id, "withdraw")).status_code == 200
    response = client.post(url(proposal.id, "withdraw"), data={"reason": "Zrobi to spółdzielnia"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Confirm that you want to withdraw the proposal." in html
    assert "Zrobi to spółdzielnia" in html  # nothing typed is lost
    response = client.post(url(proposal.id, "withdraw"), data={"reason": "Zrobi to spółdzielnia", "confirm": "y"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The proposal has been withdrawn." in html and "Zrobi to spółdzielnia" in html.split("History of the status")[1]
    (_verb, _actor, data), = events(app, proposal.id, "proposal.withdraw")
    assert data["reason"] == "Zrobi to spółdzielnia"
    assert client.get(url(proposal.id, "withdraw")).status_code == 409  # nothing to withdraw any more


def test_a_private_draft_is_refused_to_those_who_cannot_see_it(app, client, login, make_edition, make_proposal, cast):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, S.DRAFT)
    login(client, cast["stranger"])
    assert client.post(url(proposal.id, "send_to_consultation")).status_code == 403
    assert client.get(url(proposal.id, "withdraw")).status_code == 403
    assert status_of(app, proposal.id) is S.DRAFT and events(app, proposal.id, "proposal.send_to_consultation") == []


def test_a_visitor_is_sent_to_log_in(app, client, make_edition, make_proposal, cast):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, S.DRAFT)
    make_public(app, proposal)
    response = client.post(url(proposal.id, "send_to_consultation"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = client.get(url(proposal.id, "withdraw"))
    assert response.status_code == 302 and "next=" in response.headers["Location"]
    assert status_of(app, proposal.id) is S.DRAFT


def test_a_post_without_its_csrf_token_is_refused(app, client, login, make_edition, make_proposal, cast):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, S.DRAFT)
    login(client, cast["lead"])
    assert client.post(url(proposal.id, "send_to_consultation"), csrf=False).status_code == 400
    assert status_of(app, proposal.id) is S.DRAFT and events(app, proposal.id, "proposal.send_to_consultation") == []


def test_unknown_actions_and_proposals_are_not_found(app, client, login, make_edition, make_proposal, cast):
    edition = make_edition(open_stage="meetings")
    proposal = proposal_for(make_proposal, edition, cast, S.DRAFT)
    login(client, cast["lead"])
    assert client.post(url(proposal.id, "publish_everything")).status_code == 404
    assert client.post(url(proposal.id, "_check")).status_code == 404
    assert client.get(url(proposal.id, "publish_everything")).status_code == 404
    assert client.post(url(999999, "send_to_consultation")).status_code == 404
    response = client.get(url(proposal.id, "send_to_consultation"))  # a button, not a page
    assert response.status_code == 303 and response.headers["Location"] == f"/proposals/{proposal.id}#next-steps"


# --- one state machine ------------------------------------------------------------------------------

SOURCE = Path(pbflow.__file__).resolve().parent
THE_STATE_MACHINE = SOURCE / "proposals" / "transitions.py"
NEW_DRAFT = ("ProposalStatus.DRAFT.value", "ProposalStatus.DRAFT", "'draft'")  # a proposal starts as a draft
STATUS_UPDATE_SQL = re.compile(r"update\s+proposals\s+set\b[^;]*\bstatus\b", re.IGNORECASE | re.DOTALL)


def _proposal_status_writes(text):
    """Lines of Python source that set a proposal's status other than to a new draft."""
    tree = ast.parse(text)
    imports_proposal = any(isinstance(node, ast.ImportFrom) and any(a.name == "Proposal" for a in node.names)
                           for node in ast.walk(tree))
    # An error class keeping its HTTP status (self.status = 409) sets no proposal's status.
    error_lines = {line for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                   and any(ast.unparse(base).endswith(("Error", "Exception")) for base in node.bases)
                   for line in range(node.lineno, node.end_lineno + 1)}
    found = []
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])
        for target in targets:
            if (isinstance(target, ast.Attribute) and target.attr == "status"
                    and not (ast.unparse(target.value) == "self" and node.lineno in error_lines)):
                owner = ast.unparse(target.value).lower()
                if "invitation" not in owner and ("proposal" in owner or imports_proposal):
                    found.append(node.lineno)
        if isinstance(node, ast.Call):
            call = ast.unparse(node)
            keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
            if (isinstance(node.func, ast.Name) and node.func.id == "Proposal"
                    and keywords.get("status", NEW_DRAFT[0]) not in NEW_DRAFT):
                found.append(node.lineno)
            if "update(Proposal)" in call and ("status" in keywords or "'status'" in call):
                found.append(node.lineno)
            if isinstance(node.func, ast.Name) and node.func.id == "setattr" and "'status'" in call:
                found.append(node.lineno)
    found += [text[:m.start()].count("\n") + 1 for m in STATUS_UPDATE_SQL.finditer(text)]
    return sorted(set(found))


def test_the_detector_finds_status_writes():
    assert _proposal_status_writes("proposal.status = 'ready'\n") == [1]
    assert _proposal_status_writes("from pbflow.proposals.models import Proposal\np.status = 'ready'\n") == [2]
    assert _proposal_status_writes("from pbflow.proposals.models import Proposal\n"
                                   "class Refused(ValueError):\n    def __init__(self):\n        self.status = 409\n"
                                   "class Row:\n    def ready(self):\n        self.status = 'ready'\n") == [7]
    assert _proposal_status_writes("db.session.execute(update(Proposal).values(status='ready'))\n") == [1]
    assert _proposal_status_writes("x = Proposal(status=ProposalStatus.READY.value)\n") == [1]
    assert _proposal_status_writes("setattr(proposal, 'status', 'ready')\n") == [1]
    assert _proposal_status_writes("db.session.execute(text('UPDATE proposals SET status = 1'))\n") == [1]
    assert _proposal_status_writes("x = Proposal(status=ProposalStatus.DRAFT.value)\n") == []
    assert _proposal_status_writes("invitation.status = 'accepted'\napplication.status = 'approved'\n") == []


def test_no_code_outside_the_state_machine_sets_a_proposal_status():
    offenders = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path == THE_STATE_MACHINE:
            continue
        lines = _proposal_status_writes(path.read_text(encoding="utf-8"))
        if lines:
            offenders[str(path.relative_to(SOURCE))] = lines
    assert offenders == {}, "only pbflow/proposals/transitions.py may change a proposal's status"


def test_a_public_merged_proposal_does_not_reveal_a_private_draft_it_points_to(app, client, make_edition,
                                                                                make_proposal, english):
    from pbflow.proposals.models import Proposal as Merged

    edition = make_edition(open_stage="meetings")
    survivor = make_proposal(edition, title="Tajny szkic autorów")
    merged = make_proposal(edition, title="Publiczna propozycja", status="merged")
    with app.app_context():
        db.session.execute(db.update(Merged).where(Merged.id == merged.id)
                           .values(merged_into_id=survivor.id, is_public=True))
        db.session.commit()
    html = client.get(f"/proposals/{merged.id}").get_data(as_text=True)
    assert "Publiczna propozycja" in html and "Tajny szkic autorów" not in html
    assert f"proposal no. {survivor.id}" in html
