"""A unit's answer snippets: list, create, edit, delete; inserted into the feedback form server-side."""

import pytest
from sqlalchemy import select

from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.feedback import snippets
from pbflow.feedback.models import AnswerSnippet, Feedback, FeedbackPoint

TREASURY = "Teren należy do Skarbu Państwa; miasto nie może na nim inwestować."


@pytest.fixture
def unit_desk(app, make_edition, make_proposal, make_unit, make_expert, make_routing):
    edition = make_edition(open_stage="workshops", criteria=True)
    proposal = make_proposal(edition, status="in_consultation")
    unit = make_unit()
    expert = make_expert(unit)
    routing = make_routing(proposal, unit)
    return {"unit": unit, "expert": expert, "routing": routing, "proposal": proposal,
            "url": f"/units/{unit.id}/snippets"}


def rows(app, unit_id):
    with app.app_context():
        found = db.session.scalars(select(AnswerSnippet).where(AnswerSnippet.unit_id == unit_id)
                                   .order_by(AnswerSnippet.id)).all()
        db.session.expunge_all()
        return found


def audit_verbs(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.verb).where(AuditEvent.verb.like("snippet.%"))
                                       .order_by(AuditEvent.id)))


def test_experts_create_edit_and_delete_snippets(app, client, login, unit_desk, english):
    login(client, unit_desk["expert"])
    page = client.get(unit_desk["url"])
    assert page.status_code == 200 and "No snippets yet." in page.get_data(as_text=True)
    response = client.post(unit_desk["url"], data={"title": "Skarb Państwa", "body": TREASURY})
    assert response.status_code == 303 and response.headers["Location"] == unit_desk["url"]
    html = client.get(unit_desk["url"]).get_data(as_text=True)
    assert "Skarb Państwa" in html and 'data-label="Title"' in html
    snippet = rows(app, unit_desk["unit"].id)[0]
    assert snippet.title_key == "skarb państwa"
    edit = f"{unit_desk['url']}/{snippet.id}/edit"
    assert client.get(edit).status_code == 200
    assert client.post(edit, data={"title": "Grunt Skarbu Państwa", "body": TREASURY + " Proszę o zmianę."}
                       ).status_code == 303
    assert rows(app, unit_desk["unit"].id)[0].title == "Grunt Skarbu Państwa"
    assert client.post(f"{unit_desk['url']}/{snippet.id}/delete").status_code == 303
    assert rows(app, unit_desk["unit"].id) == []
    assert audit_verbs(app) == ["snippet.created", "snippet.edited", "snippet.deleted"]


def test_titles_are_unique_per_unit_whatever_the_case(app, client, login, unit_desk, make_unit, make_expert,
                                                      english):
    login(client, unit_desk["expert"])
    client.post(unit_desk["url"], data={"title": "Skarb Państwa", "body": TREASURY})
    response = client.post(unit_desk["url"], data={"title": "  SKARB   państwa ", "body": "Inny tekst"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "already has a snippet with this title" in html and "Inny tekst" in html
    other = make_unit()
    login(client, make_expert(other))  # another unit may use the same title
    assert client.post(f"/units/{other.id}/snippets", data={"title": "Skarb Państwa", "body": "x"}).status_code == 303
    first = rows(app, unit_desk["unit"].id)[0]
    login(client, unit_desk["expert"])
    client.post(unit_desk["url"], data={"title": "Drugi", "body": "y"})
    second = rows(app, unit_desk["unit"].id)[1]
    response = client.post(f"{unit_desk['url']}/{second.id}/edit", data={"title": "skarb państwa", "body": "y"})
    assert response.status_code == 422 and rows(app, unit_desk["unit"].id)[1].title == "Drugi"
    assert first.title == "Skarb Państwa"


def test_bad_input_is_refused_with_the_input_kept(client, login, unit_desk, english):
    login(client, unit_desk["expert"])
    response = client.post(unit_desk["url"], data={"title": "", "body": "<script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Give the snippet a title." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    response = client.post(unit_desk["url"], data={"title": "x" * 121, "body": "y" * 10_001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Use at most 120 characters." in html
    assert "Use at most 10000 characters." in html


@pytest.mark.parametrize("who", ["resident", "other_expert", "visitor"])
def test_only_the_units_experts_and_coordinators_manage_snippets(app, client, login, unit_desk, who, people,
                                                                 make_unit, make_expert):
    login(client, unit_desk["expert"])
    client.post(unit_desk["url"], data={"title": "Skarb Państwa", "body": TREASURY})
    snippet = rows(app, unit_desk["unit"].id)[0]
    client = app.test_client()
    person = {"resident": people["resident"], "other_expert": make_expert(make_unit()), "visitor": None}[who]
    if person is not None:
        login(client, person)
    refused = 302 if who == "visitor" else 403
    base = unit_desk["url"]
    assert client.get(base).status_code == refused
    assert client.post(base, data={"title": "Obcy", "body": "x"}).status_code == refused
    assert client.get(f"{base}/{snippet.id}/edit").status_code == refused
    assert client.post(f"{base}/{snippet.id}/edit", data={"title": "Obcy", "body": "x"}).status_code == refused
    assert client.post(f"{base}/{snippet.id}/delete").status_code == refused
    assert [s.title for s in rows(app, unit_desk["unit"].id)] == ["Skarb Państwa"]
    login(client, people["coordinator"])
    assert client.get(base).status_code == 200


def test_another_units_snippet_is_404(app, client, login, unit_desk, make_unit, make_expert):
    other = make_unit()
    expert = make_expert(other)
    login(client, expert)
    client.post(f"/units/{other.id}/snippets", data={"title": "Cudzy", "body": "x"})
    theirs = rows(app, other.id)[0]
    login(client, unit_desk["expert"])
    assert client.get(f"{unit_desk['url']}/{theirs.id}/edit").status_code == 404


def test_the_list_is_paged_by_title_in_a_fixed_number_of_queries(app, client, login, unit_desk, count_queries):
    login(client, unit_desk["expert"])
    with app.test_request_context():
        for n in range(3):
            snippets.create(unit_desk["expert"], unit_desk["unit"].id, f"Tekst {n:03d}", "x")
        db.session.commit()
    with count_queries() as few:
        client.get(unit_desk["url"])
    with app.test_request_context():
        for n in range(3, snippets.PAGE_SIZE + 5):
            snippets.create(unit_desk["expert"], unit_desk["unit"].id, f"Tekst {n:03d}", "x")
        db.session.commit()
    with count_queries() as many:
        html = client.get(unit_desk["url"]).get_data(as_text=True)
    assert len(few) == len(many)
    assert "Tekst 049" in html and "Tekst 050" not in html and "OFFSET" not in " ".join(many).upper().replace(
        "LIMIT ? OFFSET ?", "LIMIT ?")
    last = rows(app, unit_desk["unit"].id)[snippets.PAGE_SIZE - 1]
    assert f"after_id={last.id}" in html
    html = client.get(f"{unit_desk['url']}?after_id={last.id}").get_data(as_text=True)
    assert "Tekst 050" in html and "Tekst 054" in html and "Tekst 049" not in html
    assert client.get(f"{unit_desk['url']}?after_id=abc").status_code == 404


def test_inserting_a_snippet_appends_it_to_the_field_and_keeps_everything_typed(app, client, login, unit_desk,
                                                                                english):
    login(client, unit_desk["expert"])
    client.post(unit_desk["url"], data={"title": "Skarb Państwa", "body": TREASURY})
    snippet = rows(app, unit_desk["unit"].id)[0]
    save = f"/routings/{unit_desk['routing'].id}/feedback"
    page = client.get(f"/routings/{unit_desk['routing'].id}").get_data(as_text=True)
    assert 'name="snippet-point-1-note"' in page and 'name="insert" value="point-1-note"' in page
    typed = {"point-1-result": "does_not_meet", "point-1-note": "Działka 12/3.", "suggestions": "Zażółć gęślą jaźń",
             "snippet-point-1-note": str(snippet.id), "insert": "point-1-note"}
    response = client.htmx("POST", save, data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f"Działka 12/3.\n\n{TREASURY}" in html and "Zażółć gęślą jaźń" in html
    with app.app_context():
        point = db.session.scalar(select(FeedbackPoint).join(Feedback).where(FeedbackPoint.position == 1))
        assert point.note == f"Działka 12/3.\n\n{TREASURY}" and point.result == "does_not_meet"
    response = client.post(save, data={**typed, "insert": "verdict_reason", "snippet-verdict_reason": ""})
    assert response.status_code == 422 and "Choose a snippet to insert." in response.get_data(as_text=True)
    response = client.post(save, data={"insert": "suggestions", "snippet-suggestions": str(snippet.id),
                                       "suggestions": ""})  # without JavaScript: saved, back to the field
    assert response.status_code == 303 and response.headers["Location"].endswith("#suggestions")
    with app.app_context():
        assert db.session.scalar(select(Feedback.suggestions)) == TREASURY
    assert client.post(save, data={"insert": "csrf_token"}).status_code == 400
