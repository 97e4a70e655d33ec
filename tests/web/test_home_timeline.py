"""The home page shows the current edition's timetable with today's stage highlighted."""

import re
from datetime import date
from html import unescape

import pytest

from pbflow.editions import services_admin as admin
from pbflow.editions.models import Edition
from pbflow.extensions import db

DATES = {
    "recruitment_opens": date(2025, 9, 1), "recruitment_closes": date(2025, 10, 15),
    "meetings_open": date(2025, 10, 16), "meetings_close": date(2025, 12, 15),
    "workshops_open": date(2026, 1, 5), "workshops_close": date(2026, 2, 28),
    "marathons_open": date(2026, 3, 2), "marathons_close": date(2026, 3, 31),
    "submission_deadline": date(2026, 4, 10),
}


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def edition_2026(app, make_edition):
    return make_edition("Wspólne Projekty 2026", rules_url="https://budzet.krakow.pl/regulamin", year=2026, **DATES)


def on(monkeypatch, day):
    monkeypatch.setattr("pbflow.core.clock.today", lambda: day)


def home(client):
    return unescape(client.get("/").get_data(as_text=True))


def highlighted(html):
    """The titles of the stages marked as today's."""
    return re.findall(r'<li class="timeline-stage timeline-open" aria-current="step">\s*'
                      r'<span class="timeline-title">([^<]*)</span>', html)


@pytest.mark.parametrize("day, stage", [
    (date(2025, 9, 1), "Ambassador recruitment"),
    (date(2025, 10, 15), "Ambassador recruitment"),
    (date(2025, 11, 20), "Residents' meetings"),
    (date(2026, 2, 1), "Expert workshops"),
    (date(2026, 3, 31), "Submission marathons"),
])
def test_the_stage_open_today_is_highlighted(english, edition_2026, monkeypatch, day, stage):
    on(monkeypatch, day)
    html = home(english)
    assert highlighted(html) == [stage]
    assert html.count('aria-current="step"') == 1
    assert "open now" in html
    assert f"Open today: {stage}, until" in html


def test_the_timetable_shows_every_stage_the_deadline_and_the_rules(english, edition_2026, monkeypatch):
    on(monkeypatch, date(2025, 11, 20))
    html = home(english)
    assert "Wspólne Projekty 2026: the timetable" in html
    titles = re.findall(r'<span class="timeline-title">([^<]*)</span>', html)
    assert titles == ["Ambassador recruitment", "Residents' meetings", "Expert workshops",
                      "Submission marathons", "Final submission deadline"]
    assert "Oct 16, 2025 – Dec 15, 2025" in html
    assert "Apr 10, 2026" in html
    assert '<li class="timeline-stage timeline-past">' in html  # recruitment is over
    assert 'href="https://budzet.krakow.pl/regulamin"' in html


def test_between_two_stages_nothing_is_highlighted_and_the_next_one_is_named(english, edition_2026, monkeypatch):
    on(monkeypatch, date(2025, 12, 20))
    html = home(english)
    assert highlighted(html) == [] and 'aria-current="step"' not in html
    assert "No stage is open today. Next: Expert workshops, from Jan 5, 2026." in html


def test_before_the_edition_starts_the_first_date_is_given(english, edition_2026, monkeypatch):
    on(monkeypatch, date(2025, 6, 1))
    assert "The edition has not started yet: Ambassador recruitment opens on Sep 1, 2025." in home(english)


def test_after_the_marathons_the_deadline_is_what_remains(english, edition_2026, monkeypatch):
    on(monkeypatch, date(2026, 4, 5))
    assert "All stages are over. The final submission deadline is Apr 10, 2026." in home(english)
    on(monkeypatch, date(2026, 4, 11))
    assert "This edition is over." in home(english)


def test_without_a_current_edition_the_home_page_says_so(english, districts, make_edition):
    make_edition("Wspólne Projekty 2024", current=False)
    html = home(english)
    assert "No edition of the participatory budget is running at the moment." in html
    assert "timeline-stage" not in html and "Wspólne Projekty 2024" not in html


def test_the_home_page_is_in_polish_by_default(client, edition_2026, monkeypatch):
    on(monkeypatch, date(2025, 11, 20))
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert len(re.findall(r'aria-current="step"', html)) == 1
    assert "16 paź 2025" in html  # dates in the Polish format


def test_the_timetable_follows_the_edition_made_current(app, english, edition_2026, make_edition):
    later = make_edition("Wspólne Projekty 2027", current=False, open_stage="workshops")
    with app.app_context():
        admin.make_current(None, db.session.get(Edition, later.id))
        db.session.commit()
    html = home(english)
    assert "Wspólne Projekty 2027: the timetable" in html
    assert highlighted(html) == ["Expert workshops"]


def test_the_districts_on_the_home_page_link_to_their_areas(client, districts):
    html = client.get("/").get_data(as_text=True)
    assert f'<a href="/districts/{districts[12].id}">XIII Podgórze</a>' in html
    assert 'href="/districts/"' in html


def test_the_home_page_costs_the_same_number_of_queries_with_or_without_an_edition(app, client, districts,
                                                                                    make_edition, count_queries):
    client.get("/")
    with count_queries() as without:
        client.get("/")
    make_edition()
    with count_queries() as with_edition:
        client.get("/")
    assert len(without) == len(with_edition) == 3  # current edition, districts, verifying units
