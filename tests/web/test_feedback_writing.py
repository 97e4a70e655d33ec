"""Experts write feedback in the workspace of a routing: drafts, publishing, the state machine, who may."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.feedback.models import Feedback, FeedbackPoint, Routing
from pbflow.proposals.models import Proposal

CRITERIA = 6  # the default criteria of a new edition


@pytest.fixture
def desk(app, make_edition, make_proposal, make_unit, make_expert, make_routing, make_user):
    """A proposal in consultation routed to one unit with one expert, its lead author, a coordinator."""
    edition = make_edition(open_stage="workshops", criteria=True)
    lead = make_user("Zofia Dąbrowska", locale="en")
    proposal = make_proposal(edition, author=lead, status="in_consultation")
    unit = make_unit()
    expert = make_expert(unit, name="Ewa Wiśniewska")
    routing = make_routing(proposal, unit)

    class Desk:
        pass

    d = Desk()
    d.edition, d.lead, d.proposal, d.unit, d.expert, d.routing = edition, lead, proposal, unit, expert, routing
    d.url = f"/routings/{routing.id}"
    d.save = f"/routings/{routing.id}/feedback"
    return d


def complete(**overrides):
    """A complete feedback as the form sends it: criterion 2 needs a change, the rest meet."""
    values = {}
    for n in range(CRITERIA):
        values[f"point-{n}-result"] = "needs_change" if n == 1 else "meets"
        values[f"point-{n}-note"] = "Teren należy do Skarbu Państwa." if n == 1 else ""
    values.update({"point-1-correctable": "yes", "cost_assessment": "too_low", "unit_estimate": "312 500,50",
                   "verdict": "needs_changes", "verdict_reason": "", "suggestions": "**Proszę** zmienić lokalizację."})
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def status_of(app, proposal_id):
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def feedback_of(app, routing_id):
    with app.app_context():
        feedback = db.session.scalar(select(Feedback).where(Feedback.routing_id == routing_id))
        if feedback is None:
            return None, []
        points = db.session.scalars(select(FeedbackPoint).where(FeedbackPoint.feedback_id == feedback.id)
                                    .order_by(FeedbackPoint.position)).all()
        db.session.expunge_all()
        return feedback, points


def verbs(app, object_type=None):
    with app.app_context():
        query = select(AuditEvent.verb)
        if object_type:
            query = query.where(AuditEvent.object_type == object_type)
        return list(db.session.scalars(query.order_by(AuditEvent.id)))


# --- the workspace ----------------------------------------------------------------------------

def test_the_workspace_shows_the_version_costs_and_a_fieldset_per_criterion(client, login, desk, english):
    login(client, desk.expert)
    page = client.get(desk.url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Plac zabaw przy Zielonej" in html and "The proposal as you read it: version 1" in html
    assert "Urządzenia zabawowe" in html and "Cap for this kind of project" in html
    assert html.count('class="feedback-point"') == CRITERIA
    assert "Zadanie własne gminy" in html and "Propozycja mieści się w zadaniach własnych gminy Kraków." in html
    assert 'name="action" value="publish"' in html and 'name="action" value="save"' in html
    assert f'hx-post="/routings/{desk.routing.id}/feedback/points/0"' in html
    assert feedback_of(client.application, desk.routing.id)[0] is None  # reading creates nothing


@pytest.mark.parametrize("who", ["lead", "resident", "other_expert", "visitor"])
def test_only_the_units_experts_and_coordinators_open_the_workspace(app, client, login, desk, who, make_unit,
                                                                   make_expert, make_user, people):
    people_ = {"lead": desk.lead, "resident": people["resident"],
               "other_expert": make_expert(make_unit()), "visitor": None}
    if people_[who] is not None:
        login(client, people_[who])
    response = client.get(desk.url)
    assert response.status_code == (302 if who == "visitor" else 403)
    assert client.post(desk.save, data=complete(action="save")).status_code == (302 if who == "visitor" else 403)
    login(client, people["coordinator"])
    assert client.get(desk.url).status_code == 200


def test_a_routing_that_does_not_exist_is_404(client, login, desk):
    login(client, desk.expert)
    assert client.get("/routings/999999").status_code == 404


# --- drafts ----------------------------------------------------------------------------------

def test_a_draft_saves_whatever_is_filled_and_only_the_unit_sees_it(app, client, login, desk, english):
    login(client, desk.expert)
    response = client.post(desk.save, data={"action": "save", "point-0-result": "meets",
                                            "point-1-note": "Działka 12/3 — do sprawdzenia", "suggestions": ""})
    assert response.status_code == 303 and response.headers["Location"].startswith(desk.url)
    feedback, points = feedback_of(app, desk.routing.id)
    assert feedback.status == "draft" and feedback.version_number == 1 and feedback.round == 1
    assert [p.position for p in points] == list(range(CRITERIA))
    assert points[0].result == "meets" and points[0].criterion_title == "Zadanie własne gminy"
    assert points[1].note == "Działka 12/3 — do sprawdzenia" and points[1].result is None
    html = client.get(desk.url).get_data(as_text=True)
    assert "Działka 12/3 — do sprawdzenia" in html and 'value="meets" checked' in html
    assert {"feedback.started", "feedback.saved"} <= set(verbs(app, "feedback"))
    login(client, desk.lead)  # the author sees neither the workspace nor the draft on the proposal page
    assert client.get(desk.url).status_code == 403
    assert "Działka 12/3" not in client.get(f"/proposals/{desk.proposal.id}").get_data(as_text=True)


def test_saving_with_htmx_returns_the_form_with_a_message(client, login, desk, english):
    login(client, desk.expert)
    response = client.htmx("POST", desk.save, data={"action": "save", "verdict": "ready"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="feedback-form"' in html and "Your draft is saved." in html


def test_choosing_a_result_rerenders_that_criterion_only(app, client, login, desk, english):
    login(client, desk.expert)
    url = f"{desk.save}/points/2"
    response = client.htmx("POST", url, data={"point-2-result": "does_not_meet", "point-2-note": "Za drogo",
                                              "point-3-result": "meets"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.count('class="feedback-point"') == 1 and 'id="point-2"' in html
    assert "Can the authors correct it?" in html and "Za drogo" in html and "data-focus-on-swap" in html
    _feedback, points = feedback_of(app, desk.routing.id)
    assert points[2].result == "does_not_meet" and points[3].result is None  # only that criterion
    html = client.htmx("POST", url, data={"point-2-result": "meets"}).get_data(as_text=True)
    assert "Can the authors correct it?" not in html  # a result that passes asks nothing more


def test_bad_input_is_refused_with_every_problem_and_the_input_kept(app, client, login, desk, english):
    login(client, desk.expert)
    long_note = "x" * 10_001
    response = client.post(desk.save, data={"action": "save", "point-0-result": "perfect", "point-1-note": long_note,
                                             "unit_estimate": "-5", "verdict": "ready",
                                             "suggestions": "Zażółć gęślą jaźń"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose one of the options." in html and "Use at most 10000 characters." in html
    assert "The amount cannot be negative." in html
    assert "Zażółć gęślą jaźń" in html and 'value="-5"' in html and 'value="ready" checked' in html
    assert feedback_of(app, desk.routing.id)[0] is None  # nothing was saved
    response = client.htmx("POST", desk.save, data={"action": "save", "unit_estimate": "dużo"})
    assert response.status_code == 422 and "<html" not in response.get_data(as_text=True)
    assert "Enter an amount in złoty" in response.get_data(as_text=True)


def test_the_estimate_is_read_the_polish_way(app, client, login, desk):
    login(client, desk.expert)
    client.post(desk.save, data={"action": "save", "unit_estimate": "12 500,50 zł"})
    assert feedback_of(app, desk.routing.id)[0].unit_estimate == 12_500_50


def test_html_in_the_suggestions_is_neutralised(app, client, login, desk):
    login(client, desk.expert)
    client.post(desk.save, data={"action": "save", "suggestions": "<script>alert(1)</script>**ok**"})
    html = client.get(desk.url).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- publishing ------------------------------------------------------------------------------

def test_publishing_with_a_blank_criterion_names_it(app, client, login, desk, english):
    login(client, desk.expert)
    response = client.post(desk.save, data=complete(action="publish", **{"point-4-result": None}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a result for “Ogólnodostępność”." in html
    assert feedback_of(app, desk.routing.id)[0] is None and status_of(app, desk.proposal.id) == "in_consultation"


def test_cannot_be_done_needs_a_reason_and_failing_points_need_a_note(app, client, login, desk, english):
    login(client, desk.expert)
    response = client.post(desk.save, data=complete(
        action="publish", verdict="cannot_be_done", **{"point-1-note": "", "point-1-correctable": None}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why the city cannot carry out this proposal." in html
    assert "Explain what is wrong with “Teren należący do miasta”." in html
    assert "Say whether the authors can correct “Teren należący do miasta”." in html
    assert "Assess the cost." not in html  # what is there is not reported
    response = client.htmx("POST", desk.save, data=complete(action="publish", cost_assessment=None, verdict=None))
    assert response.status_code == 422 and "Assess the cost." in response.get_data(as_text=True)
    assert "Give your verdict." in response.get_data(as_text=True)


def test_publishing_the_last_pending_routing_moves_the_proposal(app, client, login, desk, english):
    login(client, desk.expert)
    response = client.post(desk.save, data=complete(action="publish"))
    assert response.status_code == 303 and response.headers["Location"] == desk.url
    feedback, points = feedback_of(app, desk.routing.id)
    assert feedback.status == "published" and feedback.published_at is not None
    assert feedback.unit_estimate == 312_500_50 and feedback.cost_assessment == "too_low"
    assert [p.answer_status for p in points] == ["none", "open", "none", "none", "none", "none"]
    assert points[1].correctable is True and points[0].correctable is None
    with app.app_context():
        routing = db.session.get(Routing, desk.routing.id)
        assert routing.status == "answered" and routing.answered_at is not None
        notes = db.session.scalars(select(Notification).where(Notification.kind == "feedback_published")).all()
        assert [n.user_id for n in notes] == [desk.lead.id]
    assert status_of(app, desk.proposal.id) == "feedback_received"
    assert "proposal.record_feedback" in verbs(app, "proposals") and "feedback.published" in verbs(app)
    mail = [m for m in app.extensions.get("pbflow_outbox", []) if m.to == desk.lead.email]
    assert mail and "Plac zabaw przy Zielonej" in mail[0].subject
    html = client.get(desk.url).get_data(as_text=True)
    assert "Published feedback cannot be changed." in html and 'id="feedback-form"' not in html


def test_with_another_unit_pending_the_proposal_stays_in_consultation(app, client, login, desk, make_unit,
                                                                      make_routing):
    make_routing(desk.proposal, make_unit())
    login(client, desk.expert)
    assert client.post(desk.save, data=complete(action="publish")).status_code == 303
    assert feedback_of(app, desk.routing.id)[0].status == "published"
    assert status_of(app, desk.proposal.id) == "in_consultation"
    assert "proposal.record_feedback" not in verbs(app, "proposals")


def test_published_feedback_is_final(app, client, login, desk):
    login(client, desk.expert)
    client.post(desk.save, data=complete(action="publish"))
    response = client.post(desk.save, data=complete(action="save", suggestions="Zmiana po fakcie"))
    assert response.status_code == 409
    assert client.post(desk.save, data=complete(action="publish")).status_code == 409
    assert client.post(f"{desk.save}/points/0", data={"point-0-result": "does_not_meet"}).status_code == 409
    feedback, points = feedback_of(app, desk.routing.id)
    assert "Zmiana po fakcie" not in feedback.suggestions and points[0].result == "meets"


def test_feedback_on_a_proposal_not_routed_to_the_experts_unit_is_403(app, client, login, desk, make_unit,
                                                                     make_expert, make_proposal, make_routing):
    other_unit = make_unit()
    stranger = make_expert(other_unit)
    login(client, stranger)
    assert client.get(desk.url).status_code == 403
    assert client.post(desk.save, data=complete(action="publish")).status_code == 403
    assert client.post(f"{desk.save}/points/0", data={"point-0-result": "meets"}).status_code == 403
    assert feedback_of(app, desk.routing.id)[0] is None


def test_a_coordinator_reads_the_draft_but_cannot_write_it(app, client, login, desk, people, english):
    login(client, desk.expert)
    client.post(desk.save, data={"action": "save", "suggestions": "Szkic eksperta"})
    login(client, people["coordinator"])
    html = client.get(desk.url).get_data(as_text=True)
    assert "Szkic eksperta" in html and "A draft: the unit's experts are still writing it." in html
    assert client.post(desk.save, data=complete(action="publish")).status_code == 403


def test_authors_cannot_post_feedback_and_experts_cannot_edit_the_proposal(app, client, login, desk):
    login(client, desk.lead)
    assert client.post(desk.save, data=complete(action="publish")).status_code == 403
    assert client.post(f"{desk.save}/points/0", data={"point-0-result": "meets"}).status_code == 403
    login(client, desk.expert)
    assert client.get(f"/proposals/{desk.proposal.id}/edit").status_code == 403
    assert client.post(f"/proposals/{desk.proposal.id}/edit", data={"title": "Przejęte"}).status_code == 403


def test_a_new_round_shows_the_earlier_feedback_and_a_comparison(app, client, login, desk, make_feedback, english):
    earlier = make_feedback(desk.routing, author=desk.expert, results={1: "needs_change"},
                            suggestions="Uwagi z pierwszej rundy")
    with app.app_context():
        from pbflow.proposals import services as proposals

        proposal = db.session.get(Proposal, desk.proposal.id)
        version = proposals.get_version(proposal)
        proposal.current_version = 2  # a revision, as set-up: the authors saved version 2
        db.session.add(type(version)(**{c.name: getattr(version, c.name) for c in version.__table__.columns
                                        if c.name not in ("id", "number")}, number=2))
        routing = db.session.get(Routing, desk.routing.id)
        routing.round, routing.status = 2, "pending"
        db.session.commit()
    assert earlier.round == 1
    login(client, desk.expert)
    html = client.get(desk.url).get_data(as_text=True)
    assert "Uwagi z pierwszej rundy" in html and "Round 1: version 1" in html
    assert f"/proposals/{desk.proposal.id}/compare?a=1&amp;b=2" in html
    assert "The proposal as you read it: version 2" in html


def _rounds_and_notes(app, desk, make_feedback, rounds, threads):
    """`rounds` earlier rounds of published feedback, a draft in the current one, `threads` notes with a reply."""
    from pbflow.feedback import notes

    with app.app_context():
        db.session.execute(db.delete(Feedback))
        db.session.execute(db.delete(notes.InternalNote))
        db.session.get(Routing, desk.routing.id).round = rounds + 1
        db.session.commit()
    for n in range(1, rounds + 1):
        make_feedback(desk.routing, author=desk.expert, round=n, results={1: "needs_change"})
    with app.test_request_context():
        db.session.get(Routing, desk.routing.id).status = "pending"
        for n in range(threads):
            root = notes.add(desk.expert, desk.proposal.id, desk.unit.id, f"Notatka {n}")
            notes.add(desk.expert, desk.proposal.id, desk.unit.id, "Odpowiedź", parent=root)
        db.session.commit()


def test_the_workspace_reads_in_a_fixed_number_of_queries(app, client, login, desk, make_feedback, count_queries,
                                                          english):
    login(client, desk.expert)
    counts = []
    for rounds, threads in ((1, 1), (10, 5)):
        _rounds_and_notes(app, desk, make_feedback, rounds, threads)
        assert client.post(desk.save, data={"action": "save"}).status_code == 303
        with count_queries() as statements:
            page = client.get(desk.url)
        assert page.status_code == 200
        assert page.get_data(as_text=True).count(f"Round {rounds}: version 1") == 1
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_htmx_publishing_redirects_and_a_bad_criterion_comes_back_alone(app, client, login, desk, english):
    login(client, desk.expert)
    response = client.htmx("POST", f"{desk.save}/points/1", data={"point-1-result": "needs_change",
                                                                   "point-1-note": "ź" * 10_001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and html.count('class="feedback-point"') == 1
    assert "Use at most 10000 characters." in html and 'value="needs_change" checked' in html
    response = client.htmx("POST", desk.save, data=complete(action="publish"))
    assert response.status_code == 204 and response.headers["HX-Redirect"] == desk.url
    assert feedback_of(app, desk.routing.id)[0].status == "published"


def test_choosing_a_result_swaps_only_the_correctable_box_so_a_note_being_typed_stays(client, login, desk):
    """The result radios post the criterion, but htmx takes only the "can they correct it?" box from the
    answer: the note's text area lies outside it, so text typed while the answer travels is never replaced."""
    login(client, desk.expert)
    page = client.get(desk.url).get_data(as_text=True)
    fieldset = re.search(r'<fieldset class="feedback-point" id="point-2"[^>]*>', page).group(0)
    assert 'hx-target="#point-2-correctable-box"' in fieldset and 'hx-select="#point-2-correctable-box"' in fieldset
    inside = ids_inside(page, "point-2-correctable-box")
    assert "point-2-correctable-yes" in inside and "point-2-note" not in inside and "point-2-result-meets" not in inside


def ids_inside(html, container_id):
    """The ids of the elements within the element with `container_id`."""
    class Finder(HTMLParser):
        depth, found = 0, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if self.depth:
                if tag not in VOID:
                    self.depth += 1
                if attrs.get("id"):
                    self.found.append(attrs["id"])
            elif attrs.get("id") == container_id:
                self.depth = 1

        def handle_endtag(self, tag):
            if self.depth and tag not in VOID:
                self.depth -= 1

    finder = Finder()
    finder.found = []
    finder.feed(html)
    return finder.found


VOID = {"input", "br", "img", "meta", "link", "hr"}
