"""The readiness check: each item failing and passing, mark_ready and submission refused with what is
missing, the page and the proposal-page section, stating no upkeep, overriding a verdict, the query count."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from pbflow.core import clock
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.feedback.models import Feedback, FeedbackPoint
from pbflow.marathons import readiness
from pbflow.marathons.models import NoUpkeepDeclaration, Supporter
from pbflow.proposals import transitions
from pbflow.proposals.models import Proposal, ProposalStatus

S = ProposalStatus


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="marathons", criteria=True, supporters_required=3)


def add_supporters(app, proposal, count):
    with app.app_context():
        db.session.add_all(Supporter(proposal_id=proposal.id, name=f"Mieszkanka {n}", consent=True)
                           for n in range(count))
        db.session.commit()


@pytest.fixture
def ready_case(app, edition, make_proposal, make_user):
    """A proposal with feedback received that passes every item: 3 supporters, upkeep stated, no feedback."""
    author = make_user("Zofia Dąbrowska")
    proposal = make_proposal(edition, author=author, status=S.FEEDBACK_RECEIVED)
    add_supporters(app, proposal, 3)
    return proposal, author


def items_of(app, proposal_id):
    with app.test_request_context():
        proposal = db.session.get(Proposal, proposal_id)
        return {item.key: item for item in readiness.checklist(proposal)}


def failing(app, proposal_id):
    return {key for key, item in items_of(app, proposal_id).items() if not item.ok}


def test_a_complete_proposal_passes_every_item_and_its_snapshot_is_json(app, ready_case, english):
    proposal, _author = ready_case
    items = items_of(app, proposal.id)
    assert list(items) == ["form", "cost", "upkeep", "supporters", "co_authors", "feedback", "verdicts", "deadline"]
    assert all(item.ok and item.fix_url is None for item in items.values())
    assert "3 of the 3 residents" in items["supporters"].reason
    with app.test_request_context():
        row = db.session.get(Proposal, proposal.id)
        assert readiness.is_ready(row)
        snap = json.loads(json.dumps(readiness.snapshot(row)))
    assert snap["ready"] is True and snap["version"] == 1 and len(snap["items"]) == 8
    assert {"key", "ok", "title", "reason"} == set(snap["items"][0])


def test_the_official_form_item_names_what_is_too_long_or_missing(app, edition, make_proposal, english):
    proposal = make_proposal(edition, title="T" * 70, location="", status=S.REVISING)
    item = items_of(app, proposal.id)["form"]
    assert not item.ok and "70 characters" in item.reason and "Say where" in item.reason
    assert item.fix_url == f"/proposals/{proposal.id}/edit"


def test_the_cost_item_fails_above_the_cap(app, edition, make_proposal, english):
    proposal = make_proposal(edition, lines=[("Boisko", Decimal("1"), 900_000_00)], status=S.REVISING)  # pool 1 mln, cap 40 %
    item = items_of(app, proposal.id)["cost"]
    assert not item.ok and "above the cap" in item.reason


def test_upkeep_is_stated_by_an_amount_or_by_the_authors_statement_for_this_version(
        app, client, login, edition, make_proposal, make_user, english):
    author = make_user()
    proposal = make_proposal(edition, author=author, yearly_upkeep=0, status=S.REVISING)
    item = items_of(app, proposal.id)["upkeep"]
    assert not item.ok and item.fix_url == f"/proposals/{proposal.id}/readiness#upkeep"
    login(client, author)
    page = client.get(f"/proposals/{proposal.id}/readiness").get_data(as_text=True)
    assert "This project needs no yearly upkeep" in page
    response = client.post(f"/proposals/{proposal.id}/readiness/no-upkeep")
    assert response.status_code == 303
    assert items_of(app, proposal.id)["upkeep"].ok
    assert client.post(f"/proposals/{proposal.id}/readiness/no-upkeep").status_code == 303  # twice: no change
    with app.app_context():
        verbs = db.session.scalars(select(AuditEvent.verb).where(
            AuditEvent.verb == "proposal.no_upkeep_declared")).all()
        assert verbs == ["proposal.no_upkeep_declared"]
        db.session.get(NoUpkeepDeclaration, proposal.id).version_number = 0  # as if a new version came since
        db.session.commit()
    assert not items_of(app, proposal.id)["upkeep"].ok


def test_no_upkeep_cannot_be_stated_while_the_version_states_an_amount_nor_by_others(
        app, client, login, edition, make_proposal, make_user, people, english):
    author = make_user()
    proposal = make_proposal(edition, author=author, status=S.REVISING)  # upkeep 8 000 zł
    login(client, author)
    response = client.post(f"/proposals/{proposal.id}/readiness/no-upkeep")
    assert response.status_code == 422 and "save a version with a yearly upkeep of 0" in response.get_data(as_text=True)
    login(client, people["coordinator"])
    assert client.post(f"/proposals/{proposal.id}/readiness/no-upkeep").status_code == 403
    with app.app_context():
        assert db.session.get(NoUpkeepDeclaration, proposal.id) is None


def test_the_support_list_counts_names_and_signatures_on_scans(app, edition, make_proposal, english):
    proposal = make_proposal(edition, status=S.REVISING)
    add_supporters(app, proposal, 2)
    item = items_of(app, proposal.id)["supporters"]
    assert not item.ok and "2 of the 3" in item.reason and item.fix_url == f"/proposals/{proposal.id}/supporters"
    add_supporters(app, proposal, 1)
    assert items_of(app, proposal.id)["supporters"].ok


def test_co_authors_who_have_not_answered_fail_the_check(app, ready_case, english):
    from pbflow.proposals import invitations, queries

    proposal, author = ready_case
    with app.test_request_context():
        row = queries.proposal_page(proposal.id)
        invitations.invite(db.session.merge(author), row, "wspolautor@example.org", lambda token: "/x")
        db.session.commit()
    item = items_of(app, proposal.id)["co_authors"]
    assert not item.ok and item.fix_url == f"/proposals/{proposal.id}/authors"


def _set_answer(app, feedback_id, status):
    with app.app_context():
        for point in db.session.scalars(select(FeedbackPoint).where(FeedbackPoint.feedback_id == feedback_id)):
            if point.answer_status != "none":
                point.answer_status = status
        db.session.commit()


def test_points_asking_for_a_change_must_be_answered_in_the_latest_round(
        app, ready_case, make_unit, make_routing, make_feedback, english):
    proposal, _author = ready_case
    unit = make_unit(name="Jednostka Testowa Dróg")
    routing = make_routing(proposal, unit)
    first = make_feedback(routing, results={0: "needs_change", 2: "does_not_meet"})
    item = items_of(app, proposal.id)["feedback"]
    assert not item.ok and "2" in item.reason and "Jednostka Testowa Dróg" in item.reason
    assert item.fix_url == f"/proposals/{proposal.id}#feedback"
    _set_answer(app, first.id, "question")  # a question back is not an answer yet
    assert "feedback" in failing(app, proposal.id)
    _set_answer(app, first.id, "not_changed")
    assert items_of(app, proposal.id)["feedback"].ok
    _set_answer(app, first.id, "open")
    make_feedback(routing, round=2, verdict="ready")  # the latest round asks for nothing
    assert items_of(app, proposal.id)["feedback"].ok


def test_a_draft_feedback_counts_for_nothing(app, ready_case, make_unit, make_routing, make_feedback):
    proposal, _author = ready_case
    make_feedback(make_routing(proposal, make_unit()), results={0: "needs_change"}, verdict="cannot_be_done",
                  published=False)
    assert failing(app, proposal.id) == set()


def test_the_deadline_item_fails_once_the_deadline_has_passed(app, make_edition, make_proposal, english):
    edition = make_edition(open_stage="marathons", supporters_required=0)
    proposal = make_proposal(edition, status=S.READY)
    assert items_of(app, proposal.id)["deadline"].ok
    with app.app_context():
        from pbflow.editions.models import Edition

        db.session.get(Edition, edition.id).submission_deadline = clock.today() - timedelta(days=1)
        db.session.commit()
    item = items_of(app, proposal.id)["deadline"]
    assert not item.ok and "has passed" in item.reason


def test_mark_ready_is_refused_with_the_missing_items_listed(app, client, login, edition, make_proposal, make_user,
                                                             make_unit, make_routing, make_feedback, english):
    author = make_user()
    proposal = make_proposal(edition, author=author, yearly_upkeep=0, status=S.REVISING)
    make_feedback(make_routing(proposal, make_unit(name="Jednostka Testowa Zieleni")), verdict="cannot_be_done",
                  results={1: "needs_change"})
    login(client, author)
    response = client.post(f"/proposals/{proposal.id}/actions/mark_ready")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    for text in ("state that the project needs none", "0 of the 3 residents", "Answer every point",
                 "cannot be done: Jednostka Testowa Zieleni"):
        assert text in html
    with app.app_context():
        assert db.session.get(Proposal, proposal.id).state is S.REVISING


def test_mark_ready_passes_once_everything_is_in_order(app, client, login, ready_case):
    proposal, author = ready_case
    login(client, author)
    assert client.post(f"/proposals/{proposal.id}/actions/mark_ready").status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, proposal.id).state is S.READY


def test_the_check_runs_again_when_the_submission_is_recorded(app, ready_case, people, english):
    proposal, _author = ready_case
    with app.app_context():
        row = db.session.get(Proposal, proposal.id)
        row.status = S.READY.value
        db.session.execute(db.delete(Supporter).where(Supporter.proposal_id == proposal.id))
        db.session.commit()
    with app.test_request_context():
        row = db.session.get(Proposal, proposal.id)
        with pytest.raises(transitions.TransitionNotAllowed, match="0 of the 3 residents"):
            transitions.submit(db.session.merge(people["coordinator"]), row, "WPD.0001.2026")
        db.session.rollback()


# --- overriding a verdict ------------------------------------------------------------------------

@pytest.fixture
def cannot_be_done(app, ready_case, make_unit, make_routing, make_expert, make_feedback):
    proposal, author = ready_case
    unit = make_unit(name="Jednostka Testowa Transportu")
    expert = make_expert(unit)
    feedback = make_feedback(make_routing(proposal, unit), verdict="cannot_be_done",
                             verdict_reason="Teren należy do Skarbu Państwa.")
    return proposal, author, expert, feedback


def test_a_coordinator_overrides_a_cannot_be_done_verdict_with_a_reason(app, client, login, people, cannot_be_done,
                                                                        english):
    proposal, author, expert, feedback = cannot_be_done
    item = items_of(app, proposal.id)["verdicts"]
    assert not item.ok and "Jednostka Testowa Transportu" in item.reason
    login(client, people["coordinator"])
    page = client.get(f"/proposals/{proposal.id}/readiness").get_data(as_text=True)
    assert f'name="override-{feedback.id}-reason"' in page and "Teren należy do Skarbu Państwa." in page
    url = f"/proposals/{proposal.id}/readiness/verdicts/{feedback.id}/override"
    response = client.htmx("POST", url, data={f"override-{feedback.id}-reason": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and "Say why the verdict is overridden." in html
    reason = "Miasto dzierżawi teren <b>od 2020</b>; umowa pozwala na inwestycję."
    response = client.post(url, data={f"override-{feedback.id}-reason": reason})
    assert response.status_code == 303
    assert items_of(app, proposal.id)["verdicts"].ok
    with app.app_context():
        row = db.session.get(Feedback, feedback.id)
        assert row.override_reason == reason and row.overridden_by_id == people["coordinator"].id
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "feedback.verdict_overridden"))
        assert event.object_id == feedback.id and event.data["reason"] == reason
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "verdict_overridden")))
        assert told == {author.id, expert.id}
    assert client.post(url, data={f"override-{feedback.id}-reason": "Jeszcze raz"}).status_code == 409
    for person in (author, expert):  # the reason is shown to the authors and to the unit
        login(client, person)
        html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert "&lt;b&gt;od 2020&lt;/b&gt;" in html and "<b>od 2020" not in html


def test_only_a_coordinator_overrides(app, client, login, people, cannot_be_done):
    proposal, author, expert, feedback = cannot_be_done
    url = f"/proposals/{proposal.id}/readiness/verdicts/{feedback.id}/override"
    for person in (author, expert, people["resident"]):
        login(client, person)
        assert client.post(url, data={f"override-{feedback.id}-reason": "Bo tak"}).status_code == 403
    with app.app_context():
        assert db.session.get(Feedback, feedback.id).overridden_at is None


def test_an_override_of_an_earlier_round_is_refused(app, client, login, people, cannot_be_done, make_feedback):
    proposal, _author, _expert, feedback = cannot_be_done
    with app.app_context():
        routing = db.session.get(Feedback, feedback.id).routing_id
    make_feedback(type("R", (), {"id": routing})(), round=2, verdict="ready")
    login(client, people["coordinator"])
    url = f"/proposals/{proposal.id}/readiness/verdicts/{feedback.id}/override"
    assert client.post(url, data={f"override-{feedback.id}-reason": "Powód"}).status_code == 409


def test_a_very_long_override_reason_is_refused_with_the_input_kept(app, client, login, people, cannot_be_done,
                                                                    english):
    proposal, _author, _expert, feedback = cannot_be_done
    login(client, people["coordinator"])
    reason = "ż" * 2001
    response = client.post(f"/proposals/{proposal.id}/readiness/verdicts/{feedback.id}/override",
                           data={f"override-{feedback.id}-reason": reason})
    assert response.status_code == 422 and reason in response.get_data(as_text=True)


# --- the page and the section --------------------------------------------------------------------

def test_the_section_shows_for_authors_coordinators_and_the_areas_ambassador(
        app, client, login, people, edition, make_proposal, make_user, make_area, make_ambassador, english):
    area = make_area()
    ambassador = make_user("Ambasador Obszaru")
    make_ambassador(edition, area=area, user=ambassador)
    author = make_user()
    proposal = make_proposal(edition, author=author, area=area, status=S.REVISING)
    with app.app_context():
        db.session.get(Proposal, proposal.id).is_public = True
        db.session.commit()
    for person, shown in ((author, True), (people["coordinator"], True), (ambassador, True),
                          (people["resident"], False), (people["expert"], False)):
        login(client, person)
        html = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert ('id="readiness"' in html) is shown, person.name
        if shown:
            assert "Not yet:" in html and "✗" in html and "Put it right" in html
        page = client.get(f"/proposals/{proposal.id}/readiness")
        assert page.status_code == (200 if shown else 403), person.name
    with app.app_context():
        db.session.get(Proposal, proposal.id).status = S.DRAFT.value
        db.session.commit()
    login(client, author)
    assert 'id="readiness"' not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)


def test_the_readiness_page_needs_a_sign_in_and_an_existing_proposal(client, login, people, ready_case):
    proposal, _author = ready_case
    assert client.get(f"/proposals/{proposal.id}/readiness").status_code == 302
    login(client, people["coordinator"])
    assert client.get("/proposals/999999/readiness").status_code == 404


def test_the_readiness_page_counts_the_support_once(client, login, ready_case, count_queries):
    """The page shows the support beside the checklist, which needs it too: one count serves both."""
    proposal, author = ready_case
    login(client, author)
    url = f"/proposals/{proposal.id}/readiness"
    client.get(url)
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert sum("FROM supporters" in statement for statement in statements) == 1


def test_the_proposal_page_reads_the_version_in_force_once(client, login, ready_case, count_queries, english):
    """Its text, its readiness section and its next steps ("Mark as ready") all need the version in force, which
    never changes once saved: one read serves them all."""
    proposal, author = ready_case
    login(client, author)
    url = f"/proposals/{proposal.id}"
    client.get(url)
    with count_queries() as statements:
        html = client.get(url).get_data(as_text=True)
    assert 'id="readiness"' in html and "Mark as ready to submit" in html
    assert sum("FROM proposal_versions" in statement for statement in statements) == 1


def test_a_new_version_is_the_one_in_force_in_the_same_session(app, ready_case):
    """Versions read are remembered by (proposal, number): saving another moves the number, never a stale read."""
    from pbflow.accounts.models import User
    from pbflow.proposals import rules
    from pbflow.proposals import services as proposals

    proposal, author = ready_case
    with app.test_request_context():
        row = db.session.get(Proposal, proposal.id)
        first = rules.get_version(row)
        assert rules.get_version(row) is first and first.number == row.current_version
        content = proposals.Content.of(first)
        content.title = "Zielony skwer z ławkami i poidełkiem"
        proposals.save_version(db.session.get(User, author.id), row, content, expected_lock=row.current_version)
        db.session.commit()
        second = rules.get_version(row)
        assert second.number == first.number + 1 and second.title == "Zielony skwer z ławkami i poidełkiem"
        assert rules.get_version(row, first.number) is first


def test_a_command_that_reads_many_versions_keeps_only_a_few_remembered(app):
    from types import SimpleNamespace

    from pbflow.proposals import rules

    with app.app_context():
        for n in range(3 * rules.VERSIONS_REMEMBERED):
            rules.remember_version(SimpleNamespace(proposal_id=n, number=1, id=n))
        assert 0 < len(db.session.info["proposal_version_ids"]) <= rules.VERSIONS_REMEMBERED


def test_the_checklist_runs_the_same_queries_for_one_or_ten_feedback_rounds(
        app, edition, make_proposal, make_unit, make_routing, make_feedback, count_queries):
    def case(rounds):
        proposal = make_proposal(edition, status=S.REVISING)
        for unit in (make_unit(), make_unit()):
            routing = make_routing(proposal, unit)
            for n in range(1, rounds + 1):
                make_feedback(routing, round=n, results={0: "needs_change"}, verdict="cannot_be_done")
        add_supporters(app, proposal, rounds)
        return proposal

    counts = []
    for proposal in (case(1), case(10)):
        with app.test_request_context():
            row = db.session.get(Proposal, proposal.id)
            with count_queries() as statements:
                items = readiness.checklist(row)
            counts.append(len(statements))
            assert {i.key for i in items if not i.ok} >= {"feedback", "verdicts"}
    assert counts[0] == counts[1] and counts[0] <= 10


# --- the edition's settings -------------------------------------------------------------------

def _edition_form(edition, **changes):
    values = {"name": edition.name, "year": str(edition.year)}
    for name in ("recruitment_opens", "recruitment_closes", "meetings_open", "meetings_close", "workshops_open",
                 "workshops_close", "marathons_open", "marathons_close", "submission_deadline"):
        values[name] = getattr(edition, name).isoformat()
    values.update({"district_cap_percent": "40", "citywide_cap_percent": "20", "title_max_chars": "60",
                   "summary_min_chars": "60", "summary_max_chars": "250", "description_max_chars": "5000"})
    return {**values, **changes}


@pytest.mark.parametrize("field, value", [
    ("supporters_required", "-1"), ("supporters_required", "1001"), ("supporters_required", "piętnaście"),
    ("supporters_required", ""), ("reference_pattern", "^[A-Z"), ("reference_pattern", "x" * 201),
    ("reference_pattern", ""),
])
def test_the_edition_form_refuses_bad_support_and_reference_settings(app, client, login, people, edition, field,
                                                                      value, english):
    login(client, people["coordinator"])
    response = client.post(f"/editions/{edition.id}/edit", data=_edition_form(edition, **{field: value}))
    assert response.status_code == 422
    with app.app_context():
        from pbflow.editions.models import Edition

        row = db.session.get(Edition, edition.id)
        assert (row.supporters_required, row.reference_pattern) == (3, r"^[A-Z]{2,6}\.\d{1,6}\.\d{4}$")


def test_the_edition_form_sets_the_support_list_and_the_reference_format(app, client, login, people, edition,
                                                                          english):
    login(client, people["coordinator"])
    page = client.get(f"/editions/{edition.id}/edit").get_data(as_text=True)
    assert 'name="supporters_required"' in page and 'name="reference_pattern"' in page and "WPD.0123.2026" in page
    response = client.post(f"/editions/{edition.id}/edit", data=_edition_form(
        edition, supporters_required="20", reference_pattern=r"^BO\.\d{4}$"))
    assert response.status_code == 303
    with app.app_context():
        from pbflow.editions.models import Edition

        row = db.session.get(Edition, edition.id)
        assert (row.supporters_required, row.reference_pattern) == (20, r"^BO\.\d{4}$")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "edition.updated"))
        assert event.data["supporters_required"] == [3, 20]

