"""Expert workshops: scheduling, permissions, inviting authors, confirming within capacity, conclusions."""

from datetime import timedelta

import pytest

from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.workshops.models import Workshop, WorkshopInvite, WorkshopProposal, WorkshopUnit


def _day(days=3):
    return (clock.today() + timedelta(days=days)).strftime("%d.%m.%Y")


def _form(unit_ids, **values):
    data = {"theme": "Place zabaw: bezpieczeństwo i koszty", "description": "**Plan**: krótko",
            "units": [str(u) for u in unit_ids], "start_date": _day(), "start_time": "17:00", "end_time": "19:00",
            "place": "ul. Wielicka 28A, sala 12", "online_url": "", "capacity": "10"}
    data.update(values)
    return data


@pytest.fixture
def setup(app, people, make_edition, make_unit, make_expert):
    edition = make_edition(open_stage="workshops", criteria=True)
    unit, other_unit = make_unit(), make_unit()
    expert = make_expert(unit, user=people["expert"])
    return {"edition": edition, "unit": unit, "other": other_unit, "expert": expert}


def _make_workshop(app, edition, unit, organiser, capacity=10, starts_in=timedelta(days=3), **values):
    with app.app_context():
        starts = (utcnow() + starts_in).replace(second=0, microsecond=0)
        workshop = Workshop(edition_id=edition.id, theme="Zieleń na osiedlach", starts_at=starts,
                            ends_at=starts + timedelta(hours=2), place="ul. Wielicka 28A", capacity=capacity,
                            organiser_id=organiser.id, **values)
        db.session.add(workshop)
        db.session.flush()
        db.session.add(WorkshopUnit(workshop_id=workshop.id, unit_id=unit.id))
        db.session.commit()
        return workshop.id


def test_an_expert_schedules_a_workshop_for_their_unit(app, client, login, english, setup):
    login(client, setup["expert"])
    page = client.get("/workshops/new")
    assert page.status_code == 200
    assert setup["unit"].name in page.get_data(as_text=True)
    assert setup["other"].name not in page.get_data(as_text=True)  # only their own units are offered
    response = client.post("/workshops/new", data=_form([setup["unit"].id]))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        workshop = db.session.scalar(db.select(Workshop))
        assert workshop.organiser_id == setup["expert"].id and workshop.capacity == 10
        assert db.session.scalar(db.select(WorkshopUnit.unit_id)) == setup["unit"].id
        assert db.session.scalar(db.select(AuditEvent.verb).where(AuditEvent.verb == "workshop.scheduled"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Plan</strong>" in page
    assert "ul. Wielicka 28A, sala 12" in page


def test_an_expert_cannot_put_another_unit_into_a_workshop(app, client, login, english, setup):
    login(client, setup["expert"])
    response = client.post("/workshops/new", data=_form([setup["unit"].id, setup["other"].id]))
    assert response.status_code in (403, 422)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Workshop)) == 0


def test_a_coordinator_may_choose_any_unit(app, client, login, people, setup):
    login(client, people["coordinator"])
    response = client.post("/workshops/new", data=_form([setup["unit"].id, setup["other"].id]))
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WorkshopUnit)) == 2


@pytest.mark.parametrize("role", ["resident", "ambassador"])
def test_residents_and_ambassadors_cannot_create_workshops(client, login, people, setup, role):
    login(client, people[role])
    assert client.get("/workshops/new").status_code == 403
    assert client.post("/workshops/new", data=_form([setup["unit"].id])).status_code == 403


@pytest.mark.parametrize("change, field, message", [
    ({"theme": ""}, "theme", "Give the workshop a theme."),
    ({"units": []}, "units", "Choose at least one unit taking part."),
    ({"start_date": "31.02.2026"}, "start_date", "Enter a date like 15.03.2026."),
    ({"start_date": (clock.today() - timedelta(days=1)).strftime("%d.%m.%Y")}, "start_date",
     "The start must be in the future."),
    ({"end_time": "16:00"}, "end_time", "The end must be after the start."),
    ({"place": "", "online_url": ""}, "place", "Give a place, an online link, or both."),
    ({"online_url": "javascript:alert(1)"}, "online_url", "Enter a full web address starting with https://"),
    ({"capacity": "0"}, "capacity", "Give a number from 1 to 500."),
    ({"theme": "Ż" * 201}, "theme", "Use at most 200 characters."),
])
def test_bad_input_is_refused_with_a_message_and_kept(app, client, login, english, people, setup, change, field,
                                                      message):
    login(client, people["coordinator"])
    response = client.post("/workshops/new", data=_form([setup["unit"].id], **change))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}' in page or f'name="{field}"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Workshop)) == 0


def test_a_workshop_before_the_workshops_stage_is_refused(app, client, login, english, people, make_edition,
                                                          make_unit):
    make_edition(open_stage="meetings")  # workshops open in about 20 days
    unit = make_unit()
    login(client, people["coordinator"])
    response = client.post("/workshops/new", data=_form([unit.id]))
    assert response.status_code == 422
    assert "take place from" in response.get_data(as_text=True)


def test_an_online_workshop_link_must_be_http(app, client, login, english, people, setup):
    login(client, people["coordinator"])
    response = client.post("/workshops/new", data=_form([setup["unit"].id], place="",
                                                         online_url="https://meet.example.org/warsztat"))
    assert response.status_code == 303


def test_inviting_a_proposal_invites_its_authors_and_notifies_them(app, client, login, english, people, setup,
                                                                   make_proposal, make_user):
    author, co_author = make_user(), make_user()
    proposal = make_proposal(setup["edition"], author=author, co_authors=[co_author], title="Zielony skwer przy Zielonej",
                             status="in_consultation")
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    login(client, people["coordinator"])
    found = client.get(f"/workshops/{workshop_id}?q=skwer").get_data(as_text=True)
    assert "Zielony skwer przy Zielonej" in found
    response = client.post(f"/workshops/{workshop_id}/invite", data={"proposal": proposal.id})
    assert response.status_code == 303
    with app.app_context():
        invited = set(db.session.scalars(db.select(WorkshopInvite.user_id)))
        assert invited == {author.id, co_author.id}
        assert db.session.get(WorkshopProposal, (workshop_id, proposal.id)) is not None
        kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == author.id)).all()
        assert kinds == ["workshop_invitation"]
    # inviting again invites nobody twice
    assert client.post(f"/workshops/{workshop_id}/invite", data={"proposal": proposal.id}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WorkshopInvite)) == 2
    page = client.get(f"/workshops/{workshop_id}").get_data(as_text=True)
    assert author.name in page  # the coordinator sees who is invited


def test_strangers_see_counts_not_names_and_cannot_invite(app, client, login, english, people, setup,
                                                          make_proposal, make_user):
    author = make_user(name="Zofia Wójcik")
    proposal = make_proposal(setup["edition"], author=author, status="in_consultation")
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    with app.app_context():
        db.session.add(WorkshopProposal(workshop_id=workshop_id, proposal_id=proposal.id))
        db.session.add(WorkshopInvite(workshop_id=workshop_id, proposal_id=proposal.id, user_id=author.id))
        db.session.commit()
    login(client, people["resident"])
    page = client.get(f"/workshops/{workshop_id}").get_data(as_text=True)
    assert "Zofia Wójcik" not in page
    assert "Invited: 1" in page
    assert "A proposal that is not public yet" in page
    assert client.post(f"/workshops/{workshop_id}/invite", data={"proposal": proposal.id}).status_code == 403
    assert client.get(f"/workshops/{workshop_id}/edit").status_code == 403
    assert client.post(f"/workshops/{workshop_id}/cancel", data={"reason": "x"}).status_code == 403


def test_an_expert_of_another_unit_cannot_invite_or_edit(app, client, login, people, setup, make_expert,
                                                        make_proposal):
    proposal = make_proposal(setup["edition"], status="in_consultation")
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    outsider = make_expert(setup["other"])
    login(client, outsider)
    assert client.post(f"/workshops/{workshop_id}/invite", data={"proposal": proposal.id}).status_code == 403
    assert client.get(f"/workshops/{workshop_id}/edit").status_code == 403


def _invite(app, workshop_id, proposal, users):
    with app.app_context():
        db.session.add(WorkshopProposal(workshop_id=workshop_id, proposal_id=proposal.id))
        for user in users:
            db.session.add(WorkshopInvite(workshop_id=workshop_id, proposal_id=proposal.id, user_id=user.id))
        db.session.commit()


def test_confirming_holds_capacity_exactly_and_declining_frees_the_seat(app, login, english, people, setup,
                                                                        make_proposal, make_user):
    authors = [make_user() for _ in range(3)]
    proposal = make_proposal(setup["edition"], author=authors[0], status="in_consultation")
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"], capacity=2)
    _invite(app, workshop_id, proposal, authors)
    clients = []
    for n, author in enumerate(authors):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.2.{n + 1}"
        login(client, author)
        clients.append(client)
    assert clients[0].post(f"/workshops/{workshop_id}/confirm").status_code == 303
    response = clients[1].htmx("POST", f"/workshops/{workshop_id}/confirm")
    assert response.status_code == 200
    assert "your place is confirmed" in response.get_data(as_text=True)
    assert 'id="my-invitation"' in response.get_data(as_text=True)
    full = clients[2].htmx("POST", f"/workshops/{workshop_id}/confirm")
    assert full.status_code == 409
    assert "the workshop is full" in full.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).confirmed_seats == 2
        assert db.session.scalar(db.select(WorkshopInvite.status).where(
            WorkshopInvite.user_id == authors[2].id)) == "invited"
    assert clients[0].post(f"/workshops/{workshop_id}/decline").status_code == 303
    assert clients[2].post(f"/workshops/{workshop_id}/confirm").status_code == 303
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).confirmed_seats == 2
        statuses = dict(db.session.execute(db.select(WorkshopInvite.user_id, WorkshopInvite.status)).all())
        assert statuses == {authors[0].id: "declined", authors[1].id: "confirmed", authors[2].id: "confirmed"}
        verbs = set(db.session.scalars(db.select(AuditEvent.verb)))
        assert {"workshop.invite_confirmed", "workshop.invite_declined"} <= verbs


def test_someone_not_invited_cannot_confirm(app, client, login, people, setup):
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    login(client, people["resident"])
    assert client.post(f"/workshops/{workshop_id}/confirm").status_code == 403


def test_cancelling_tells_the_invited_people(app, client, login, english, people, setup, make_proposal, make_user):
    author = make_user()
    proposal = make_proposal(setup["edition"], author=author, status="in_consultation")
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    _invite(app, workshop_id, proposal, [author])
    login(client, people["coordinator"])
    assert client.post(f"/workshops/{workshop_id}/cancel", data={"reason": ""}).status_code == 422
    assert client.post(f"/workshops/{workshop_id}/cancel", data={"reason": "Choroba prowadzącej"}).status_code == 303
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).status == "cancelled"
        assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == author.id)) == \
            "workshop_cancelled"


def test_held_after_start_then_conclusions_per_proposal(app, client, login, english, people, setup, make_proposal):
    proposal = make_proposal(setup["edition"], title="Ławki przy Wiśle", status="in_consultation")
    future_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    started_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"],
                                starts_in=timedelta(hours=-1))
    _invite(app, started_id, proposal, [])
    login(client, setup["expert"])  # an expert of a participating unit writes conclusions, not marks held
    assert client.post(f"/workshops/{started_id}/held").status_code == 403
    login(client, people["coordinator"])
    assert client.post(f"/workshops/{future_id}/held").status_code == 409
    assert client.post(f"/workshops/{started_id}/held").status_code == 303
    login(client, setup["expert"])
    too_long = client.post(f"/workshops/{started_id}/conclusions/{proposal.id}", data={"conclusions": "x" * 5001})
    assert too_long.status_code == 422
    assert "Use at most 5000 characters." in too_long.get_data(as_text=True)
    saved = client.post(f"/workshops/{started_id}/conclusions/{proposal.id}",
                        data={"conclusions": "- Zmniejszyć koszt\n<script>alert(1)</script>"})
    assert saved.status_code == 303
    page = client.get(f"/workshops/{started_id}").get_data(as_text=True)
    assert "<li>Zmniejszyć koszt</li>" in page and "<script>alert(1)" not in page
    login(client, people["resident"])
    assert client.post(f"/workshops/{started_id}/conclusions/{proposal.id}",
                       data={"conclusions": "x"}).status_code == 403


def test_the_list_pages_by_keyset_with_a_fixed_query_count(app, client, english, people, setup, count_queries):
    def measure():
        with count_queries() as statements:
            assert client.get("/workshops/").status_code == 200
        return len(statements)

    _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    small = measure()
    for n in range(30):
        _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"], starts_in=timedelta(days=4, hours=n))
    assert measure() == small
    page = client.get("/workshops/").get_data(as_text=True)
    assert "Later workshops" in page and page.count('class="card meeting-card"') == 20
    cursor = page.split("after=")[1].split("&")[0].split('"')[0]
    second = client.get(f"/workshops/?after={cursor}").get_data(as_text=True)
    assert second.count('class="card meeting-card"') == 11
    assert client.get("/workshops/?after=garbage").status_code == 400
    assert client.get("/workshops/?when=past").status_code == 200


def test_the_proposal_page_shows_its_workshops(app, client, login, english, people, setup, make_proposal, make_user,
                                               count_queries):
    author = make_user()
    proposal = make_proposal(setup["edition"], author=author, status="in_consultation")
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    _invite(app, workshop_id, proposal, [author])
    login(client, author)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Zieleń na osiedlach" in page
    assert "Book a consultation with an expert" in page
    with count_queries() as few:
        client.get(f"/proposals/{proposal.id}")
    for _n in range(5):
        other = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
        _invite(app, other, proposal, [])
    with count_queries() as many:
        client.get(f"/proposals/{proposal.id}")
    assert len(few) == len(many)


def test_nav_shows_workshops_and_consultations(client, english):
    assert "Workshops and consultations" in client.get("/").get_data(as_text=True)


def test_editing_keeps_capacity_above_confirmed_seats_and_another_units_place(app, client, login, english, people,
                                                                           setup):
    workshop_id = _make_workshop(app, setup["edition"], setup["other"], setup["expert"], capacity=5)
    with app.app_context():
        db.session.add(WorkshopUnit(workshop_id=workshop_id, unit_id=setup["unit"].id))
        # 15:00–17:00 UTC, within one Kraków day whatever the hour the test runs (the form has one day)
        starts = (utcnow() + timedelta(days=3)).replace(hour=15, minute=0, second=0, microsecond=0)
        db.session.execute(db.update(Workshop).values(confirmed_seats=3, starts_at=starts,
                                                      ends_at=starts + timedelta(hours=2)))
        db.session.commit()
    login(client, setup["expert"])
    form = client.get(f"/workshops/{workshop_id}/edit")
    assert form.status_code == 200
    # the organiser keeps the other unit a coordinator added, and cannot go below the confirmed places
    page = form.get_data(as_text=True)

    def shown(name):
        return page.split(f'name="{name}"')[1].split('value="')[1].split('"')[0]

    data = _form([setup["unit"].id, setup["other"].id], capacity="2", start_date=shown("start_date"),
                 start_time=shown("start_time"), end_time=shown("end_time"))
    refused = client.post(f"/workshops/{workshop_id}/edit", data=data)
    assert refused.status_code == 422
    assert "3 places are already confirmed" in refused.get_data(as_text=True)
    data["capacity"] = "8"
    assert client.post(f"/workshops/{workshop_id}/edit", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Workshop, workshop_id).capacity == 8
        assert db.session.scalar(db.select(db.func.count()).select_from(WorkshopUnit)) == 2


def test_visitors_see_the_workshop_page_and_htmx_gets_the_list_fragment(app, client, english, people, setup):
    workshop_id = _make_workshop(app, setup["edition"], setup["unit"], people["coordinator"])
    page = client.get(f"/workshops/{workshop_id}")
    assert page.status_code == 200
    assert "Invite the authors" not in page.get_data(as_text=True)
    fragment = client.htmx("GET", "/workshops/").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="workshop-results"')
    assert client.get("/workshops/999999").status_code == 404
