"""The coordinators' board (counts per unit, every routing, proposals awaiting routing), overdue notices from
cron, and the edition's default number of days for feedback."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pbflow.core import clock
from pbflow.core.mail import outbox
from pbflow.core.models import Notification
from pbflow.extensions import db
from pbflow.feedback.models import Routing
from tests.web.test_unit_inbox import bulk_routings


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="workshops", criteria=True)


def test_the_board_counts_per_unit_and_lists_what_awaits_routing(app, client, login, people, edition, make_unit,
                                                                 make_proposal, english):
    green, roads = make_unit(name="Zieleń testowa"), make_unit(name="Drogi testowe")
    bulk_routings(app, edition, green, 3, title="Zielony")
    bulk_routings(app, edition, green, 2, title="Spóźniony", due_in_days=-4)
    bulk_routings(app, edition, roads, 1, title="Drogowy", status="answered")
    waiting = make_proposal(edition, title="Nikt jeszcze nie czytał", status="in_consultation")
    make_proposal(edition, title="Szkic bez wysyłki")
    login(client, people["coordinator"])
    page = client.get("/routing/board").get_data(as_text=True)
    assert _cells(page, "Zieleń testowa") == ["Zieleń testowa", "5", "2", "0"]
    assert '<strong class="overdue-mark">2</strong>' in page.split("Zieleń testowa</a>")[1].split("</tr>")[0]
    assert _cells(page, "Drogi testowe") == ["Drogi testowe", "0", "0", "1"]
    assert f'href="/proposals/{waiting.id}/routing">Nikt jeszcze nie czytał' in page
    assert "Szkic bez wysyłki" not in page
    assert "Zielony 0000" in page and "Overdue by 4 days" in page and "Drogowy" not in page
    overdue = client.htmx("GET", "/routing/board?overdue=1").get_data(as_text=True)
    assert "<html" not in overdue and "Spóźniony" in overdue and "Zielony" not in overdue
    by_unit = client.get(f"/routing/board?unit={roads.id}&status=answered").get_data(as_text=True)
    assert "Drogowy 0000" in by_unit and "Zielony 0000" not in by_unit


def _cells(page, unit_name):
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S) if f">{unit_name}</a>" in r)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_board_costs_the_same_for_5_and_1000_routings(app, client, login, people, edition, make_unit,
                                                          make_proposal, count_queries):
    unit = make_unit()
    bulk_routings(app, edition, unit, 5)
    for n in range(3):
        make_proposal(edition, title=f"Czeka {n}", status="in_consultation")
    login(client, people["coordinator"])
    client.get("/routing/board")
    with count_queries() as few:
        assert client.get("/routing/board").status_code == 200
    bulk_routings(app, edition, unit, 995)
    with count_queries() as many:
        page = client.get("/routing/board").get_data(as_text=True)
    assert len(few) == len(many) and 'rel="next"' in page
    next_link = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    with count_queries() as later:
        assert client.get(next_link).status_code == 200
    assert len(later) == len(many)


def test_only_coordinators_see_the_board(client, login, people, edition, make_unit, make_expert):
    expert = make_expert(make_unit())
    for person in (people["resident"], people["ambassador"], expert):
        login(client, person)
        assert client.get("/routing/board").status_code == 403
        client.post("/logout")


def test_overdue_notices_go_out_once_per_round(app, runner, people, edition, make_unit, make_expert, make_proposal,
                                               make_routing):
    unit = make_unit()
    expert = make_expert(unit)
    late = make_routing(make_proposal(edition, title="Spóźniona opinia", status="in_consultation"), unit,
                        due_in_days=-1)
    make_routing(make_proposal(edition, title="Jeszcze czas", status="in_consultation"), unit, due_in_days=3)
    make_routing(make_proposal(edition, title="Już oceniona", status="feedback_received"), unit, due_in_days=-5,
                 status="answered")
    result = runner.invoke(args=["send-overdue-notices"])
    assert result.exit_code == 0 and "for 1 routings" in result.output
    with app.app_context():
        notes = db.session.scalars(select(Notification).where(Notification.kind == "routing_overdue")).all()
        assert sorted(n.user_id for n in notes) == sorted([expert.id, people["coordinator"].id])
        assert all("Spóźniona opinia" in n.data["title"] for n in notes)
        assert db.session.get(Routing, late.id).overdue_notified_at is not None
    with app.app_context():
        mails = len(outbox())
    again = runner.invoke(args=["send-overdue-notices"])
    assert again.exit_code == 0 and "for 0 routings" in again.output
    with app.app_context():
        assert len(outbox()) == mails
    with app.app_context():  # a new round (here: a new due date) may be reminded again
        routing = db.session.get(Routing, late.id)
        routing.overdue_notified_at, routing.round = None, 2
        db.session.commit()
    assert "for 1 routings" in runner.invoke(args=["send-overdue-notices"]).output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "routing_overdue")) == 4


def test_a_new_due_date_resets_the_overdue_notice(app, ctx, people, edition, make_unit, make_proposal, make_routing):
    from pbflow.accounts.models import User
    from pbflow.feedback import routing as routing_service

    late = make_routing(make_proposal(edition, status="in_consultation"), make_unit(), due_in_days=-1)
    assert routing_service.send_overdue_notices() == 1
    routing = db.session.get(Routing, late.id)
    routing_service.change_due(db.session.get(User, people["coordinator"].id), routing,
                               clock.today() + timedelta(days=3))
    assert routing.overdue_notified_at is None


def _edition_form(edition, **changes):
    values = {"name": edition.name, "year": str(edition.year)}
    for name in ("recruitment_opens", "recruitment_closes", "meetings_open", "meetings_close", "workshops_open",
                 "workshops_close", "marathons_open", "marathons_close", "submission_deadline"):
        values[name] = getattr(edition, name).isoformat()
    values.update({"district_cap_percent": "40", "citywide_cap_percent": "20", "title_max_chars": "60",
                   "summary_min_chars": "60", "summary_max_chars": "250", "description_max_chars": "5000"})
    return {**values, **changes}


@pytest.mark.parametrize("days", ["0", "366", "-3", "", "czternaście"])
def test_the_edition_form_refuses_bad_feedback_days(app, client, login, people, edition, days, english):
    login(client, people["coordinator"])
    response = client.post(f"/editions/{edition.id}/edit", data=_edition_form(edition, feedback_due_days=days))
    assert response.status_code == 422
    with app.app_context():
        from pbflow.editions.models import Edition

        assert db.session.get(Edition, edition.id).feedback_due_days == 14


def test_the_edition_form_sets_feedback_days(app, client, login, people, edition, english):
    login(client, people["coordinator"])
    page = client.get(f"/editions/{edition.id}/edit").get_data(as_text=True)
    assert 'name="feedback_due_days"' in page and 'value="14"' in page
    response = client.post(f"/editions/{edition.id}/edit", data=_edition_form(edition, feedback_due_days="21"))
    assert response.status_code == 303
    with app.app_context():
        from pbflow.editions.models import Edition

        assert db.session.get(Edition, edition.id).feedback_due_days == 21
