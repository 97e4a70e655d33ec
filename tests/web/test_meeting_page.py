"""The meeting's page tells a resident what the meeting is, when, where and what to bring."""

import pytest

from pbflow.extensions import db
from pbflow.meetings.models import Venue


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def test_a_visitor_reads_when_and_where_a_meeting_is(app, client, edition, make_meeting, english):
    with app.app_context():
        venue = Venue(name="Centrum Aktywności Lokalnej Ruczaj", name_key="centrum aktywności lokalnej ruczaj",
                      address="ul. Kobierzyńska 1", accessibility="Wejście bez schodów")
        db.session.add(venue)
        db.session.commit()
        venue_id = venue.id
    meeting = make_meeting(edition, title="Zieleń na Ruczaju", venue_id=venue_id, room="sala 2", capacity=12,
                           what_to_bring="Zdjęcia miejsc, które chcesz zmienić")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<h1>Zieleń na Ruczaju</h1>" in html and "Planned" in html
    assert "Centrum Aktywności Lokalnej Ruczaj, ul. Kobierzyńska 1 (sala 2)" in html and "Wejście bez schodów" in html
    assert html.count("12 places left of 12.") == 1 and "<li>Powitanie</li>" in html
    assert "Zdjęcia miejsc, które chcesz zmienić" in html


def test_a_cancelled_meeting_says_so_with_its_reason(client, edition, make_meeting, english):
    meeting = make_meeting(edition, status="cancelled", cancel_reason="Awaria ogrzewania w sali")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Cancelled</strong>: Awaria ogrzewania w sali" in html


def test_an_online_discussion_names_no_place(client, edition, make_meeting, english):
    meeting = make_meeting(edition, fmt="online")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Online discussion" in html and "Centrum" not in html


def test_an_unknown_meeting_is_not_found(client):
    assert client.get("/meetings/999999").status_code == 404
