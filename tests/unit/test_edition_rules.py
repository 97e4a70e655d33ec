"""The rules of an edition, called directly: dates in order, caps, one current edition, criteria, areas."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pbflow.accounts.models import User
from pbflow.core.models import AuditEvent
from pbflow.editions import services as editions
from pbflow.editions import services_admin as admin
from pbflow.editions.models import Area, District, Edition, FeedbackCriterion, Scope, Stage
from pbflow.editions.services import EditionError
from pbflow.extensions import db

DATES_2026 = {
    "recruitment_opens": date(2025, 9, 1), "recruitment_closes": date(2025, 10, 15),
    "meetings_open": date(2025, 10, 16), "meetings_close": date(2025, 12, 15),
    "workshops_open": date(2026, 1, 5), "workshops_close": date(2026, 2, 28),
    "marathons_open": date(2026, 3, 2), "marathons_close": date(2026, 3, 31),
    "submission_deadline": date(2026, 4, 10),
}


def values(**overrides):
    return {"name": "Wspólne Projekty 2026", "year": 2026, **DATES_2026,
            "district_cap_percent": Decimal(40), "citywide_cap_percent": Decimal(20),
            "district_cap_fixed": None, "citywide_cap_fixed": None,
            "rules_url": "https://budzet.krakow.pl/", **overrides}


def verbs():
    """What happened to editions, criteria and areas (the people fixture's sign-ups left out)."""
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    return [e.verb for e in events if e.verb.startswith(("edition.", "criterion.", "area."))]


@pytest.fixture
def setup(ctx, districts, people):
    """A request context with Kraków's districts and a coordinator to act; messages in English."""
    with force_locale("en"):
        yield db.session.get(User, people["coordinator"].id)


# --- creating and editing an edition ---------------------------------------------

def test_a_new_edition_gets_a_zero_pool_per_district_and_the_default_criteria(setup):
    edition = admin.create_edition(setup, **values())
    assert len(edition.budgets) == 18 and {b.pool for b in edition.budgets} == {0}
    assert edition.citywide_pool == 0
    assert [c.title for c in edition.criteria] == [
        "Zadanie własne gminy", "Teren należący do miasta", "Realny koszt",
        "Podany roczny koszt utrzymania", "Ogólnodostępność", "Koszt w limicie"]
    assert [c.position for c in edition.criteria] == [1, 2, 3, 4, 5, 6]
    assert verbs() == ["edition.created"]


def test_the_first_edition_becomes_current_and_later_ones_wait(setup):
    first = admin.create_edition(setup, **values(name="Wspólne Projekty 2025", year=2025))
    second = admin.create_edition(setup, **values())
    assert first.is_current and not second.is_current
    assert editions.current_edition() is first


@pytest.mark.parametrize("name", ["Wspólne Projekty 2026", "WSPÓLNE PROJEKTY 2026", "  wspólne   projekty 2026 "])
def test_two_editions_cannot_share_a_name_whatever_the_letter_case(setup, name):
    admin.create_edition(setup, **values())
    with pytest.raises(EditionError, match="already exists"):
        admin.create_edition(setup, **values(name=name))


def test_an_edition_keeps_its_own_name_when_edited(setup):
    edition = admin.create_edition(setup, **values())
    assert admin.update_edition(setup, edition, **values(name="Wspólne projekty 2026")) is True
    assert edition.name == "Wspólne projekty 2026"


@pytest.mark.parametrize("field, day", [
    ("recruitment_closes", date(2025, 8, 31)),   # closes before it opens
    ("meetings_open", date(2025, 10, 1)),        # meetings before recruitment ends
    ("workshops_close", date(2025, 12, 1)),
    ("submission_deadline", date(2026, 3, 30)),  # deadline before the marathons end
])
def test_dates_must_follow_the_pathway(setup, field, day):
    problems = admin.date_problems(values(**{field: day}))
    assert [f for f, _message in problems] == [field]
    with pytest.raises(EditionError, match="cannot be earlier"):
        admin.create_edition(setup, **values(**{field: day}))


def test_the_same_day_for_the_end_of_one_stage_and_the_start_of_the_next_is_allowed(setup):
    assert admin.date_problems(values(meetings_open=DATES_2026["recruitment_closes"])) == []


def test_a_mistyped_year_in_one_date_is_named_once(setup):
    problems = admin.date_problems(values(marathons_open=date(2062, 3, 2)))
    assert [f for f, _m in problems] == ["marathons_open"]
    assert "far from the edition's year" in problems[0][1]


@pytest.mark.parametrize("overrides, message", [
    ({"district_cap_percent": Decimal(120)}, "at most 100"),
    ({"citywide_cap_percent": Decimal(0)}, "greater than 0"),
    ({"district_cap_percent": Decimal(-5)}, "greater than 0"),
    ({"district_cap_fixed": 0}, "greater than zero"),
    ({"citywide_cap_fixed": -100}, "greater than zero"),
    ({"rules_url": "javascript:alert(1)"}, "https://"),
    ({"rules_url": "budzet.krakow.pl"}, "https://"),
    ({"name": "x" * 121}, "at most 120"),
    ({"name": "   "}, "at most 120"),
    ({"year": 1999}, "between 2000"),
    ({"year": 3026}, "between 2000"),
    ({"submission_deadline": None}, "Enter the date"),
])
def test_the_service_refuses_what_the_form_refuses(setup, overrides, message):
    with pytest.raises(EditionError, match=message):
        admin.create_edition(setup, **values(**overrides))
    assert db.session.scalar(select(func.count()).select_from(Edition)) == 0


def test_unknown_fields_are_a_programming_error(setup):
    with pytest.raises(TypeError):
        admin.create_edition(setup, **values(is_current=True))


def test_editing_records_what_changed_and_nothing_when_nothing_did(setup):
    edition = admin.create_edition(setup, **values())
    assert admin.update_edition(setup, edition, **values()) is False
    assert admin.update_edition(setup, edition, **values(district_cap_percent=Decimal("35.5"),
                                                         submission_deadline=date(2026, 4, 12))) is True
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "edition.updated")).one()
    assert event.data == {"district_cap_percent": ["40", "35.5"],
                          "submission_deadline": ["2026-04-10", "2026-04-12"]}
    assert event.actor_id == setup.id and event.object_id == edition.id


# --- exactly one current edition ----------------------------------------------

def test_making_an_edition_current_leaves_exactly_one_current(setup):
    old = admin.create_edition(setup, **values(name="Wspólne Projekty 2025", year=2025))
    new = admin.create_edition(setup, **values())
    assert admin.make_current(setup, new) is True
    db.session.flush()
    db.session.refresh(old)
    assert (old.is_current, new.is_current) == (False, True)
    assert db.session.scalars(select(Edition.id).where(Edition.is_current)).all() == [new.id]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "edition.made_current")).one()
    assert event.data == {"previous": old.id}
    assert admin.make_current(setup, new) is False  # already current: nothing to do, nothing recorded
    assert verbs().count("edition.made_current") == 1


def test_the_database_itself_refuses_two_current_editions(setup):
    admin.create_edition(setup, **values(name="Wspólne Projekty 2025", year=2025))
    second = admin.create_edition(setup, **values())
    second.is_current = True
    with pytest.raises(IntegrityError):
        db.session.flush()


# --- pools and cost caps ---------------------------------------------------------

def test_pools_are_set_in_grosze_and_recorded(setup):
    edition = admin.create_edition(setup, **values())
    debniki = db.session.scalar(select(District).where(District.name == "Dębniki"))
    assert admin.set_pools(setup, edition, {debniki.id: 2_415_205_00}, 7_600_000_00) is True
    assert {b.district_id: b.pool for b in edition.budgets}[debniki.id] == 2_415_205_00
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "edition.pools_updated")).one()
    assert event.data == {"Dębniki": [0, 2_415_205_00], "citywide": [0, 7_600_000_00]}
    assert admin.set_pools(setup, edition, {debniki.id: 2_415_205_00}, 7_600_000_00) is False


@pytest.mark.parametrize("pool", [-1, 10_000_000_000_01, None])
def test_negative_absurd_or_missing_pools_are_refused(setup, pool):
    edition = admin.create_edition(setup, **values())
    with pytest.raises(EditionError):
        admin.set_pools(setup, edition, {edition.budgets[0].district_id: pool}, 0)
    with pytest.raises(EditionError):
        admin.set_pools(setup, edition, {}, pool)


@pytest.mark.parametrize("scope, pool, percent, fixed, cap", [
    ("district", 2_415_205_00, Decimal(40), None, 966_082_00),
    ("district", 2_415_205_00, Decimal(40), 500_000_00, 500_000_00),     # the fixed amount is lower
    ("district", 2_415_205_00, Decimal(40), 5_000_000_00, 966_082_00),   # the percentage is lower
    ("district", 1_000_001, Decimal("33.33"), None, 333_300),            # rounded down to the grosz
    ("citywide", 7_600_000_00, Decimal(20), None, 1_520_000_00),
    ("citywide", 7_600_000_00, Decimal(20), 1_000_000_00, 1_000_000_00),
    ("citywide", 0, Decimal(20), None, 0),
])
def test_cost_cap_is_a_share_of_the_pool_or_the_fixed_amount_if_lower(setup, scope, pool, percent, fixed, cap):
    edition = admin.create_edition(setup, **values(**{f"{scope}_cap_percent": percent, f"{scope}_cap_fixed": fixed}))
    district = edition.budgets[7].district
    admin.set_pools(setup, edition, {district.id: pool}, pool)
    assert editions.cost_cap(edition, scope, district) == cap
    assert editions.cost_cap(edition, Scope(scope), district.id) == cap


def test_a_district_cap_needs_a_district(setup):
    edition = admin.create_edition(setup, **values())
    with pytest.raises(ValueError):
        editions.cost_cap(edition, "district")
    with pytest.raises(ValueError):
        editions.cost_cap(edition, "national")


def test_district_caps_list_every_district_in_order(setup):
    edition = admin.create_edition(setup, **values())
    admin.set_pools(setup, edition, {b.district_id: 1_000_000_00 for b in edition.budgets}, 0)
    caps = editions.district_caps(edition)
    assert [d.number for d, _pool, _cap in caps] == list(range(1, 19))
    assert {cap for _d, _pool, cap in caps} == {400_000_00}


# --- feedback criteria ----------------------------------------------------------

def titles(edition):
    return [c.title for c in sorted(edition.criteria, key=lambda c: c.position)]


def test_criteria_are_added_at_the_end_moved_and_deleted_with_positions_kept_in_order(setup):
    edition = admin.create_edition(setup, **values())
    added = admin.add_criterion(setup, edition, "  Zgodność z planem  miejscowym ", "MPZP")
    assert added.position == 7 and added.title == "Zgodność z planem miejscowym"
    assert admin.move_criterion(setup, added, "up") is True
    assert titles(edition)[5:] == ["Zgodność z planem miejscowym", "Koszt w limicie"]
    first = edition.criteria[0]
    assert admin.move_criterion(setup, first, "up") is False  # already first
    last = edition.criteria[-1]
    assert admin.move_criterion(setup, last, "down") is False
    admin.delete_criterion(setup, edition.criteria[1])
    db.session.flush()
    assert [c.position for c in edition.criteria] == [1, 2, 3, 4, 5, 6]
    assert "Teren należący do miasta" not in titles(edition)
    assert db.session.scalar(select(func.count()).select_from(FeedbackCriterion)) == 6
    assert verbs()[1:] == ["criterion.created", "criterion.moved", "criterion.deleted"]


def test_a_criterion_is_edited_and_recorded(setup):
    edition = admin.create_edition(setup, **values())
    criterion = edition.criteria[2]
    assert admin.update_criterion(setup, criterion, "Realny koszt", criterion.description) is False
    assert admin.update_criterion(setup, criterion, "Koszt realny i rynkowy", "") is True
    assert verbs()[-1] == "criterion.updated"


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_criterion_needs_a_short_title(setup, title):
    edition = admin.create_edition(setup, **values())
    with pytest.raises(EditionError):
        admin.add_criterion(setup, edition, title)


def test_the_list_of_criteria_is_bounded(setup):
    edition = admin.create_edition(setup, **values())
    for n in range(admin.MAX_CRITERIA - 6):
        admin.add_criterion(setup, edition, f"Kryterium {n}")
    with pytest.raises(EditionError, match="at most 30"):
        admin.add_criterion(setup, edition, "Jeszcze jedno")


# --- the timeline --------------------------------------------------------------

@pytest.mark.parametrize("day, open_stage, states", [
    (date(2025, 8, 1), None, ["upcoming"] * 4),
    (date(2025, 9, 1), Stage.RECRUITMENT, ["open", "upcoming", "upcoming", "upcoming"]),
    (date(2025, 12, 20), None, ["past", "past", "upcoming", "upcoming"]),
    (date(2026, 3, 31), Stage.MARATHONS, ["past", "past", "past", "open"]),
    (date(2026, 4, 5), None, ["past"] * 4),
])
def test_the_timeline_says_what_is_over_open_and_coming(setup, day, open_stage, states):
    edition = admin.create_edition(setup, **values())
    timeline = editions.timeline(edition, day)
    assert [entry.state for entry in timeline.entries] == states
    assert (timeline.open_entry.stage if timeline.open_entry else None) == open_stage
    assert timeline.deadline == date(2026, 4, 10) and not timeline.deadline_passed
    assert editions.timeline(edition, date(2026, 4, 11)).deadline_passed


# --- areas -----------------------------------------------------------------------

def test_area_names_are_unique_per_district_whatever_the_case_and_spacing(setup):
    podgorze, debniki = db.session.scalars(select(District).where(District.number.in_([8, 13]))
                                           .order_by(District.number)).all()
    editions.create_area(setup, podgorze, "Osiedle Złota Jesień", "Bloki przy parku")
    with pytest.raises(EditionError, match="Osiedle Złota Jesień"):
        editions.create_area(setup, podgorze, "osiedle złota  jesień")
    with pytest.raises(EditionError):
        editions.create_area(setup, podgorze, "OSIEDLE ZŁOTA JESIEŃ")
    assert editions.create_area(setup, debniki, "osiedle złota jesień").district_id == debniki.id


def test_an_area_is_renamed_but_not_onto_another_areas_name(setup):
    district = db.session.scalars(select(District).order_by(District.number)).first()
    first = editions.create_area(setup, district, "Ruczaj")
    second = editions.create_area(setup, district, "Kliny")
    assert editions.update_area(setup, second, "Kliny", "") is False
    assert editions.update_area(setup, first, "RUCZAJ", "") is True  # its own name in another case is fine
    with pytest.raises(EditionError):
        editions.update_area(setup, second, "ruczaj", "")
    assert editions.update_area(setup, second, "Kliny Zacisze", "Domy przy ul. Zawiła") is True
    assert second.name_key == "kliny zacisze"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "area.updated")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.data == {"name": ["Kliny", "Kliny Zacisze"], "description": True}


def test_areas_are_found_by_every_word_in_name_or_description(setup):
    district = db.session.scalars(select(District).order_by(District.number)).first()
    editions.create_area(setup, district, "Osiedle Złota Jesień", "bloki przy parku")
    editions.create_area(setup, district, "Osiedle Wiosna", "domy przy szkole")
    editions.create_area(setup, district, "Kleparz", "okolice rynku")

    def found(text):
        return [a.name for a in db.session.scalars(editions.search_areas(district.id, text))]

    assert found(None) == ["Kleparz", "Osiedle Wiosna", "Osiedle Złota Jesień"]
    assert found("osiedle") == ["Osiedle Wiosna", "Osiedle Złota Jesień"]
    assert found("ZŁOTA jesień") == ["Osiedle Złota Jesień"]
    assert found("osiedle przy szkole") == ["Osiedle Wiosna"]
    assert found("100%") == []


def test_the_district_list_counts_areas_in_one_query(setup, app, count_queries):
    district = db.session.scalars(select(District).order_by(District.number)).first()
    for name in ("Kazimierz", "Kleparz"):
        editions.create_area(setup, district, name)
    db.session.flush()
    with count_queries() as queries:
        counts = editions.districts_with_area_counts()
    assert len(queries) == 1
    assert [(d.number, n) for d, n in counts][:2] == [(1, 2), (2, 0)]
    assert len(counts) == 18


def test_an_area_needs_a_name(setup):
    district = db.session.scalars(select(District)).first()
    with pytest.raises(EditionError):
        editions.create_area(setup, district, "   ")
    with pytest.raises(EditionError):
        editions.create_area(setup, district, "x" * 121)
    assert db.session.scalar(select(func.count()).select_from(Area)) == 0


def test_open_stage_follows_the_warsaw_calendar(setup, monkeypatch):
    edition = admin.create_edition(setup, **values())
    monkeypatch.setattr("pbflow.core.clock.today", lambda: date(2026, 1, 5))
    assert editions.open_stage(edition) == Stage.WORKSHOPS
    monkeypatch.setattr("pbflow.core.clock.today", lambda: date(2026, 1, 5) - timedelta(days=1))
    assert editions.open_stage(edition) is None
