"""A unit's internal notes on a proposal: threads with replies in the workspace, never shown to the authors."""

import pytest
from sqlalchemy import select

from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.feedback import notes
from pbflow.feedback.models import InternalNote

SECRET = "Wewnętrzna uwaga: sprawdzić księgę wieczystą KR1P/000123"


@pytest.fixture
def notes_desk(app, make_edition, make_proposal, make_unit, make_expert, make_routing, make_user):
    edition = make_edition(open_stage="workshops", criteria=True)
    lead = make_user("Zofia Dąbrowska")
    co_author = make_user("Marek Lis")
    proposal = make_proposal(edition, author=lead, co_authors=[co_author], status="in_consultation")
    unit = make_unit()
    expert = make_expert(unit)
    colleague = make_expert(unit)
    routing = make_routing(proposal, unit)
    return {"lead": lead, "co_author": co_author, "proposal": proposal, "unit": unit, "expert": expert,
            "colleague": colleague, "routing": routing, "url": f"/routings/{routing.id}"}


def stored(app):
    with app.app_context():
        found = db.session.scalars(select(InternalNote).order_by(InternalNote.id)).all()
        db.session.expunge_all()
        return found


def test_experts_add_notes_and_replies(app, client, login, notes_desk, english):
    login(client, notes_desk["expert"])
    response = client.post(f"{notes_desk['url']}/notes", data={"note-body": SECRET})
    assert response.status_code == 303 and "#note-" in response.headers["Location"]
    root = stored(app)[0]
    assert root.body == SECRET and root.parent_id is None and root.unit_id == notes_desk["unit"].id
    login(client, notes_desk["colleague"])
    html = client.get(notes_desk["url"]).get_data(as_text=True)
    assert SECRET in html and "the authors never do" in html
    response = client.htmx("POST", f"{notes_desk['url']}/notes/{root.id}/replies",
                           data={f"reply-{root.id}-body": "Sprawdzone, działka miejska."})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="notes"' in html
    assert "Sprawdzone, działka miejska." in html and "data-focus-on-swap" in html
    reply = stored(app)[1]
    assert reply.parent_id == root.id
    # a reply to a reply joins the thread's first note: one level of replies
    client.post(f"{notes_desk['url']}/notes/{reply.id}/replies", data={f"reply-{root.id}-body": "Dziękuję"})
    assert stored(app)[2].parent_id == root.id
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.verb == "internal_note.added")) == 3


def test_a_newer_thread_comes_last(app, client, login, notes_desk):
    login(client, notes_desk["expert"])
    client.post(f"{notes_desk['url']}/notes", data={"note-body": "Pierwsza"})
    client.post(f"{notes_desk['url']}/notes", data={"note-body": "Druga"})
    html = client.get(notes_desk["url"]).get_data(as_text=True)
    assert html.index("Pierwsza") < html.index("Druga")


def test_an_empty_or_too_long_note_is_refused_with_the_input_kept(app, client, login, notes_desk, english):
    login(client, notes_desk["expert"])
    response = client.htmx("POST", f"{notes_desk['url']}/notes", data={"note-body": "   "})
    assert response.status_code == 422 and "Write your note first." in response.get_data(as_text=True)
    long = "ż" * 10_001
    response = client.post(f"{notes_desk['url']}/notes", data={"note-body": long})
    assert response.status_code == 422 and long in response.get_data(as_text=True)
    assert stored(app) == []


def test_html_in_notes_is_neutralised(app, client, login, notes_desk):
    login(client, notes_desk["expert"])
    client.post(f"{notes_desk['url']}/notes", data={"note-body": '<script>alert(1)</script><img src=x onerror=alert(2)>**ważne**'})
    html = client.get(notes_desk["url"]).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "onerror" not in html and "<strong>ważne</strong>" in html


def test_the_notes_are_never_shown_to_the_authors_or_other_units(app, client, login, notes_desk, make_unit,
                                                                  make_expert, make_routing, people, english):
    login(client, notes_desk["expert"])
    client.post(f"{notes_desk['url']}/notes", data={"note-body": SECRET})
    root = stored(app)[0]
    proposal_id = notes_desk["proposal"].id
    author_pages = [f"/proposals/{proposal_id}", f"/proposals/{proposal_id}/history",
                    f"/proposals/{proposal_id}/versions/1", f"/proposals/{proposal_id}/print",
                    f"/proposals/{proposal_id}/authors", "/proposals/mine", "/notifications/"]
    for who in ("lead", "co_author"):
        login(client, notes_desk[who])
        for url in author_pages:
            response = client.get(url)
            assert response.status_code == 200 and SECRET not in response.get_data(as_text=True), (who, url)
        assert client.get(notes_desk["url"]).status_code == 403
        assert client.post(f"{notes_desk['url']}/notes", data={"note-body": "Autor"}).status_code == 403
        assert client.post(f"{notes_desk['url']}/notes/{root.id}/replies",
                           data={f"reply-{root.id}-body": "Autor"}).status_code == 403
    other_unit = make_unit()
    other_expert = make_expert(other_unit)
    other_routing = make_routing(notes_desk["proposal"], other_unit)  # the same proposal, another unit
    login(client, other_expert)
    assert client.get(notes_desk["url"]).status_code == 403
    assert client.post(f"{notes_desk['url']}/notes", data={"note-body": "Obcy"}).status_code == 403
    own = client.get(f"/routings/{other_routing.id}").get_data(as_text=True)
    assert SECRET not in own and "No notes yet." in own
    # a note id of another unit's thread cannot be replied to through this unit's routing
    assert client.post(f"/routings/{other_routing.id}/notes/{root.id}/replies",
                       data={f"reply-{root.id}-body": "Obcy"}).status_code == 404
    assert len(stored(app)) == 1
    login(client, people["coordinator"])
    assert SECRET in client.get(notes_desk["url"]).get_data(as_text=True)


def test_earlier_threads_are_paged_by_keyset(app, client, login, notes_desk, english):
    with app.test_request_context():
        for n in range(notes.THREADS_PER_PAGE + 3):
            notes.add(notes_desk["expert"], notes_desk["proposal"].id, notes_desk["unit"].id, f"Wątek nr {n:03d}")
        db.session.commit()
    login(client, notes_desk["expert"])
    html = client.get(notes_desk["url"]).get_data(as_text=True)
    assert "Wątek nr 032" in html and "Wątek nr 003" in html and "Wątek nr 002" not in html
    assert "Earlier notes" in html
    oldest_shown = stored(app)[3].id
    html = client.get(f"{notes_desk['url']}?notes_before={oldest_shown}").get_data(as_text=True)
    assert "Wątek nr 000" in html and "Wątek nr 002" in html and "Wątek nr 003" not in html
    assert client.get(f"{notes_desk['url']}?notes_before=x").status_code == 404
