"""Coordinators manage verifying units and remove their experts; everyone can read the list of units."""

import pytest
from sqlalchemy import select

from pbflow.accounts.models import Role, User
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.feedback import units
from pbflow.feedback.models import UnitMembership, VerifyingUnit

GOOD = {"name": "Zarząd Dróg Miasta Krakowa", "short_name": "ZDMK", "field": "Drogi i chodniki",
        "responsibilities": "drogi, chodniki, przejścia dla pieszych, ścieżki rowerowe",
        "contact_email": "Sekretariat@ZDMK.krakow.pl", "contact_phone": "+48 12 616 70 00"}


def _unit(app, **where):
    with app.app_context():
        unit = db.session.scalar(select(VerifyingUnit).filter_by(**where))
        if unit is not None:
            db.session.expunge(unit)
        return unit


def _verbs(app, verb):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb)).all()


@pytest.fixture
def coordinator(client, login, people):
    login(client, people["coordinator"])
    return people["coordinator"]


# --- the list and the unit page ------------------------------------------------------------

def test_everyone_reads_the_list_of_units_with_contact_and_responsibilities(app, client, make_unit, english):
    make_unit(name="Zarząd Zieleni Miejskiej", short_name="ZZM", responsibilities="parki, skwery, drzewa")
    html = client.get("/units/").get_data(as_text=True)
    assert "Zarząd Zieleni Miejskiej" in html and "parki, skwery, drzewa" in html
    assert 'data-label="Responsible for"' in html and "mailto:jednostka" in html
    assert "Add a unit" not in html


def test_the_home_page_links_to_the_units(app, client, make_unit):
    unit = make_unit()
    html = client.get("/").get_data(as_text=True)
    assert f'href="/units/{unit.id}"' in html and 'href="/units/"' in html


def test_the_list_is_a_keyset_page_with_the_same_queries_for_few_or_many(app, client, make_unit, count_queries):
    for n in range(3):
        make_unit(name=f"Jednostka {n:03d}")
    with count_queries() as few:
        client.get("/units/")
    for n in range(3, 60):
        make_unit(name=f"Jednostka {n:03d}")
    with count_queries() as many:
        html = client.get("/units/").get_data(as_text=True)
    assert len(few) == len(many)
    assert "Jednostka 049" in html and "Jednostka 050" not in html
    unit = _unit(app, name="Jednostka 049")
    assert f"after={unit.id}" in html
    rest = client.get(f"/units/?after={unit.id}").get_data(as_text=True)
    assert "Jednostka 050" in rest and "Jednostka 059" in rest and "Jednostka 049" not in rest


def test_experts_are_named_only_to_coordinators_and_the_units_own_experts(app, client, login, people, make_unit,
                                                                          make_expert, english):
    unit, other = make_unit(), make_unit()
    make_expert(unit, user=people["expert"])
    assert people["expert"].name not in client.get(f"/units/{unit.id}").get_data(as_text=True)
    login(client, people["expert"])
    assert people["expert"].name in client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert "Experts" not in client.get(f"/units/{other.id}").get_data(as_text=True)
    client.post("/logout")
    login(client, people["coordinator"])
    html = client.get(f"/units/{unit.id}").get_data(as_text=True)
    assert people["expert"].name in html and "Remove from the unit" in html and "Invite an expert" in html


def test_a_missing_unit_is_404(client):
    assert client.get("/units/99999").status_code == 404


# --- creating and editing --------------------------------------------------------------------

def test_a_coordinator_adds_a_unit_with_a_code_from_the_short_name(app, client, coordinator):
    response = client.post("/units/new", data=GOOD)
    assert response.status_code == 303
    unit = _unit(app, short_name="ZDMK")
    assert response.headers["Location"] == f"/units/{unit.id}"
    assert unit.code == "zdmk" and unit.contact_email == "sekretariat@zdmk.krakow.pl"
    assert unit.contact_phone == "+48 12 616 70 00"
    assert [e.object_id for e in _verbs(app, "unit.created")] == [unit.id]


def test_codes_stay_unique_and_ascii(app, client, coordinator):
    client.post("/units/new", data={**GOOD, "short_name": "Zarząd Łąk"})
    client.post("/units/new", data={**GOOD, "name": "Inny zarząd", "short_name": "zarzad-LAK"})
    assert _unit(app, short_name="Zarząd Łąk").code == "zarzad-lak"
    assert _unit(app, short_name="zarzad-LAK").code == "zarzad-lak-2"


def test_the_code_does_not_change_when_the_short_name_does(app, client, coordinator, make_unit):
    unit = make_unit()
    response = client.post(f"/units/{unit.id}/edit", data={**GOOD, "short_name": "NOWA"})
    assert response.status_code == 303
    changed = _unit(app, id=unit.id)
    assert changed.short_name == "NOWA" and changed.code == unit.code and changed.name == GOOD["name"]
    [event] = _verbs(app, "unit.updated")
    assert "short_name" in event.data["fields"] and "name" in event.data["fields"]


def test_saving_unchanged_writes_no_audit(app, client, coordinator):
    client.post("/units/new", data=GOOD)
    unit = _unit(app, short_name="ZDMK")
    assert client.post(f"/units/{unit.id}/edit", data=GOOD).status_code == 303
    assert _verbs(app, "unit.updated") == []


def test_the_edit_form_shows_the_unit(app, client, coordinator, make_unit):
    unit = make_unit(name="Zarząd Zieleni Miejskiej", responsibilities="parki i skwery")
    html = client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert 'value="Zarząd Zieleni Miejskiej"' in html and "parki i skwery" in html


@pytest.mark.parametrize("changes, field, message", [
    ({"name": "  zarząd   DRÓG miasta krakowa "}, "name", "already exists"),
    ({"name": ""}, "name", "Enter the unit"),
    ({"short_name": "X" * 21}, "short_name", "at most 20"),
    ({"field": ""}, "field", "Enter the unit"),
    ({"contact_email": "sekretariat(at)zdmk"}, "contact_email", "e-mail address like"),
    ({"contact_phone": "12 abc 34"}, "contact_phone", "phone number like"),
    ({"contact_phone": "123"}, "contact_phone", "phone number like"),
    ({"responsibilities": "ż" * 4001}, "responsibilities", "at most 4000"),
    ({"responsibilities": "parki <script>alert(1)</script>"}, "responsibilities", "without HTML"),
    ({"name": "Zarząd <b>Dróg</b>"}, "name", "without HTML"),
])
def test_invalid_units_are_refused_with_422_and_the_input_kept(app, client, coordinator, english, changes, field,
                                                               message):
    client.post("/units/new", data=GOOD)
    data = {**GOOD, "name": "Zarząd Transportu Publicznego", "short_name": "ZTP", **changes}
    response = client.post("/units/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and f'id="{field}-error"' in html
    if field != "name":
        assert 'value="Zarząd Transportu Publicznego"' in html
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(VerifyingUnit)) == 1


def test_renaming_to_another_units_name_in_other_letters_is_refused(app, client, coordinator, make_unit):
    make_unit(name="Zarząd Zieleni Miejskiej")
    other = make_unit(name="Zarząd Dróg")
    response = client.post(f"/units/{other.id}/edit", data={**GOOD, "name": "ZARZĄD ZIELENI  MIEJSKIEJ"})
    assert response.status_code == 422
    assert _unit(app, id=other.id).name == "Zarząd Dróg"


def test_a_unit_may_keep_its_own_name_in_other_letters(app, client, coordinator, make_unit):
    unit = make_unit(name="Zarząd Dróg")
    assert client.post(f"/units/{unit.id}/edit", data={**GOOD, "name": "ZARZĄD DRÓG"}).status_code == 303


def test_htmx_gets_the_form_fragment_on_422_and_a_redirect_on_success(app, client, coordinator):
    response = client.htmx("POST", "/units/new", data={**GOOD, "contact_email": "zly adres"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="unit-form"' in html
    response = client.htmx("POST", "/units/new", data=GOOD)
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/units/")


@pytest.mark.parametrize("role", ["resident", "ambassador", "expert"])
def test_only_coordinators_manage_units(app, client, login, people, make_unit, make_expert, role):
    unit = make_unit()
    expert = make_expert(unit)
    login(client, people[role])
    assert client.get(f"/units/{unit.id}/edit").status_code == 403
    assert client.post(f"/units/{unit.id}/edit", data=GOOD).status_code == 403
    assert client.post("/units/new", data=GOOD).status_code == 403
    assert client.get(f"/units/{unit.id}/experts/{expert.id}/remove").status_code == 403
    assert client.post(f"/units/{unit.id}/experts/{expert.id}/remove").status_code == 403
    assert client.post(f"/units/{unit.id}/invitations", data={"email": "a@example.org"}).status_code == 403
    with app.app_context():
        assert db.session.get(UnitMembership, (unit.id, expert.id)) is not None


# --- removing experts ---------------------------------------------------------------------------

def _roles(app, user):
    with app.app_context():
        return {r.role for r in db.session.get(User, user.id).roles}


def test_removing_an_experts_last_unit_takes_the_expert_role(app, client, coordinator, make_unit, make_expert,
                                                             english):
    unit = make_unit()
    expert = make_expert(unit)
    page = client.get(f"/units/{unit.id}/experts/{expert.id}/remove").get_data(as_text=True)
    assert f"Remove {expert.name}" in page
    response = client.post(f"/units/{unit.id}/experts/{expert.id}/remove")
    assert response.status_code == 303 and response.headers["Location"] == f"/units/{unit.id}#experts"
    assert Role.EXPERT.value not in _roles(app, expert)
    [event] = _verbs(app, "unit.expert_removed")
    assert event.data == {"user_id": expert.id, "role_revoked": True}
    assert len(_verbs(app, "role.revoked")) == 1
    assert "no longer have the expert role" in client.get(f"/units/{unit.id}").get_data(as_text=True)


def test_an_expert_of_another_unit_keeps_the_role(app, client, coordinator, make_unit, make_expert):
    first, second = make_unit(), make_unit()
    expert = make_expert(first)
    make_expert(second, user=expert)
    assert client.post(f"/units/{first.id}/experts/{expert.id}/remove").status_code == 303
    assert Role.EXPERT.value in _roles(app, expert)
    with app.app_context():
        assert db.session.get(UnitMembership, (first.id, expert.id)) is None
        assert db.session.get(UnitMembership, (second.id, expert.id)) is not None
    assert _verbs(app, "role.revoked") == []


def test_removing_someone_not_in_the_unit_is_404(app, client, coordinator, make_unit, people):
    unit = make_unit()
    assert client.post(f"/units/{unit.id}/experts/{people['expert'].id}/remove").status_code == 404


def test_the_service_refuses_people_who_are_not_coordinators(app, ctx, make_unit, people):
    with pytest.raises(units.NotAllowed):
        units.create_unit(db.session.merge(people["resident"]), units.UnitDetails("A", "B", "C"))
