"""iCalendar feeds: one meeting, and the calendar of the current edition with its filters."""

from datetime import timedelta

import icalendar
import pytest

from pbflow.extensions import db
from pbflow.meetings.models import Venue


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def _events(response):
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    return icalendar.Calendar.from_ical(response.data).walk("VEVENT")


def test_one_meeting_feed(app, client, edition, make_meeting, english):
    with app.app_context():
        venue = Venue(name="Klub Osiedlowy", name_key="klub osiedlowy", address="ul. Zielona 5")
        db.session.add(venue)
        db.session.commit()
        venue_id = venue.id
    meeting = make_meeting(edition, title="Zieleń na osiedlu", venue_id=venue_id, room="sala 12",
                           what_to_bring="Pomysły")
    (event,) = _events(client.get(f"/meetings/{meeting.id}/meeting.ics"))
    assert str(event["UID"]) == f"meeting-{meeting.id}@localhost"
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTSTART").replace(tzinfo=None) == meeting.starts_at
    assert event.decoded("DTEND").replace(tzinfo=None) == meeting.ends_at
    assert str(event["SUMMARY"]) == "Zieleń na osiedlu"
    assert str(event["LOCATION"]) == "Klub Osiedlowy, ul. Zielona 5, sala 12"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert f"/meetings/{meeting.id}" in str(event["DESCRIPTION"]) and "Pomysły" in str(event["DESCRIPTION"])


def test_cancelled_and_online_meetings(client, edition, make_meeting, english):
    cancelled = make_meeting(edition, status="cancelled")
    (event,) = _events(client.get(f"/meetings/{cancelled.id}/meeting.ics"))
    assert str(event["STATUS"]) == "CANCELLED"
    online = make_meeting(edition, fmt="online")
    (event,) = _events(client.get(f"/meetings/{online.id}/meeting.ics"))
    assert str(event["LOCATION"]).startswith("Online")


def test_missing_meeting_is_404(client):
    assert client.get("/meetings/999/meeting.ics").status_code == 404


def test_calendar_feed_filters(client, edition, make_meeting, make_area, make_edition, districts):
    a = make_meeting(edition, title="A")
    other_area = make_area(district=districts[1])
    b = make_meeting(edition, area=other_area, title="B", fmt="online")
    make_meeting(edition, title="Past", starts_in=timedelta(days=-3))

    def titles(query=""):
        return sorted(str(e["SUMMARY"]) for e in _events(client.get(f"/meetings/calendar.ics{query}")))

    assert titles() == ["A", "B"]
    assert titles(f"?district={a.district_id}") == ["A"]
    assert titles(f"?area={b.area_id}") == ["B"]
    assert titles("?format=online") == ["B"]
    assert titles("?format=") == ["A", "B"]
    make_edition(name="Next", open_stage="recruitment")  # becomes current, has no meetings
    assert titles() == []


@pytest.mark.parametrize("query", ["?district=abc", "?area=99999999999", "?format=carrier-pigeon", "?district=²"])
def test_calendar_feed_refuses_bad_filters(client, edition, query):
    response = client.get(f"/meetings/calendar.ics{query}")
    assert response.status_code == 400 and response.mimetype == "text/plain"


def test_calendar_feed_without_edition_is_empty(client):
    assert _events(client.get("/meetings/calendar.ics")) == []
