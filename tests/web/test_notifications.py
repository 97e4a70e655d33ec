"""The notifications page, marking notifications read, and the unread count in the header."""

import re

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pbflow.core import notifications
from pbflow.core.database import utcnow
from pbflow.core.models import Notification
from pbflow.extensions import db

notifications.register("test_note", message=_l("Test note about “%(title)s”"), subject=_l("Test: %(title)s"))
notifications.register("test_due", message=_l("Due %(due)s, meeting at %(when)s"), subject=_l("Due %(due)s"))
HEADER_COUNT = re.compile(r'id="notifications-link"[^>]*>Notifications <span class="notification-count">\((\d+)')


def _add(app, user, count, read=False, url="/units/"):
    """Rows in bulk (set-up only), with the kept unread count moved as notify() moves it."""
    from pbflow.accounts.models import User

    with app.app_context():
        db.session.add_all([Notification(user_id=user.id, kind="test_note", data={"title": f"Plac {n:03d}"}, url=url,
                                         read_at=utcnow() if read else None) for n in range(count)])
        if not read:
            db.session.execute(db.update(User).where(User.id == user.id).values(
                unread_notifications=User.unread_notifications + count))
        db.session.commit()


def _rows(app, user):
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                  .order_by(Notification.id)).all()
        db.session.expunge_all()
        return rows


def _items(html):
    return re.findall(r'<li id="notification-(\d+)"', html)


def test_dates_in_a_notification_follow_the_readers_language_not_the_actors(app, make_user):
    """Stored as ISO text; a Polish reader and an English one each see their own format, in Kraków time."""
    from datetime import date, datetime

    polish, english_reader = make_user(locale="pl"), make_user(locale="en")
    with app.test_request_context():
        notifications.notify([db.session.merge(polish), db.session.merge(english_reader)], "test_due", "/units/",
                             due=date(2026, 12, 24), when=datetime(2026, 7, 1, 16, 30))  # 18:30 in Kraków
        db.session.commit()
        rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        assert rows[0].data["due"] == {"date": "2026-12-24"}
    mails = {mail.to: mail for mail in app.extensions["pbflow_outbox"]}
    assert "24 gru 2026" in mails[polish.email].subject and "18:30" in mails[polish.email].body
    assert "Dec 24, 2026" in mails[english_reader.email].subject and "6:30" in mails[english_reader.email].body


@pytest.fixture
def resident(client, login, people):
    login(client, people["resident"])
    return people["resident"]


def test_notify_adds_a_row_and_mails_in_the_readers_language(app, ctx, make_user):
    reader = db.session.merge(make_user(locale="en"))
    notifications.notify([reader, reader, None], "test_note", "/units/", title="Ławka")
    db.session.commit()
    [row] = db.session.scalars(select(Notification)).all()
    assert row.user_id == reader.id and notifications.text_of(row) == "Test note about “Ławka”"
    mail = app.extensions["pbflow_outbox"][-1]
    assert mail.subject == "Test: Ławka" and "http://localhost/units/" in mail.body


def test_the_header_shows_the_unread_count_only_to_signed_in_people(app, client, resident, english):
    assert 'id="notifications-link"' in client.get("/units/").get_data(as_text=True)
    _add(app, resident, 3)
    _add(app, resident, 2, read=True)
    html = client.get("/units/").get_data(as_text=True)
    assert HEADER_COUNT.search(html).group(1) == "3"
    assert '<span class="visually-hidden"> unread</span>' in html
    client.post("/logout")
    assert 'id="notifications-link"' not in client.get("/units/").get_data(as_text=True)


def test_the_header_count_costs_no_query_and_matches_the_notifications(app, client, resident, count_queries, english):
    """The count is kept on the person's row by notify() and mark_read(), so a page reads no notifications."""
    with app.test_request_context():
        reader = db.session.merge(resident)
        notifications.notify([reader, reader], "test_note", "/units/", title="Ławka")  # told once
        notifications.notify([reader], "test_note", "/units/", title="Drzewa")
        db.session.commit()
    with count_queries() as queries:
        html = client.get("/units/").get_data(as_text=True)
    assert not [q for q in queries if "FROM notifications" in q]
    assert HEADER_COUNT.search(html).group(1) == "2"
    first = _rows(app, resident)[0]
    client.post(f"/notifications/{first.id}/read")
    client.post(f"/notifications/{first.id}/read")  # twice: counted once
    with app.test_request_context():
        from pbflow.accounts.models import User

        user = db.session.get(User, resident.id)
        assert user.unread_notifications == notifications.unread_count(user) == 1
    client.post("/notifications/read")
    assert HEADER_COUNT.search(client.get("/units/").get_data(as_text=True)) is None


def test_the_page_lists_newest_first_with_unread_ones_marked(app, client, resident, english):
    _add(app, resident, 2, read=True)
    _add(app, resident, 1)
    rows = _rows(app, resident)
    html = client.get("/notifications/").get_data(as_text=True)
    assert _items(html) == [str(r.id) for r in reversed(rows)]
    assert html.count("notification-unread") == 1 and ", unread:" in html
    assert f'action="/notifications/{rows[-1].id}/open"' in html and "Test note about “Plac 000”" in html
    assert "Mark all as read" in html


def test_the_page_costs_the_same_queries_for_5_or_200_and_has_an_older_link(app, client, resident, count_queries):
    _add(app, resident, 5)
    client.get("/notifications/")
    with count_queries() as few:
        html = client.get("/notifications/").get_data(as_text=True)
    assert len(_items(html)) == 5 and "before=" not in html
    _add(app, resident, 195)
    with count_queries() as many:
        html = client.get("/notifications/").get_data(as_text=True)
    assert len(few) == len(many)
    assert len(_items(html)) == notifications.PAGE_SIZE
    older = re.search(r'href="/notifications/\?before=(\d+)"', html).group(1)
    rest = client.get(f"/notifications/?before={older}").get_data(as_text=True)
    assert len(_items(rest)) == notifications.PAGE_SIZE
    assert max(map(int, _items(rest))) < int(older) <= min(map(int, _items(html)))


def test_a_bad_cursor_shows_the_first_page(app, client, resident):
    _add(app, resident, 2)
    assert len(_items(client.get("/notifications/?before=abc").get_data(as_text=True))) == 2


def test_mark_one_as_read_without_javascript(app, client, resident):
    _add(app, resident, 2)
    first, second = _rows(app, resident)
    response = client.post(f"/notifications/{first.id}/read")
    assert response.status_code == 303 and response.headers["Location"] == f"/notifications/#notification-{first.id}"
    first, second = _rows(app, resident)
    assert first.read_at is not None and second.read_at is None


def test_mark_one_as_read_with_htmx_swaps_the_item_and_the_header_count(app, client, resident, english):
    _add(app, resident, 2)
    first, _second = _rows(app, resident)
    response = client.htmx("POST", f"/notifications/{first.id}/read")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert f'<li id="notification-{first.id}" class="notification" tabindex="-1" data-focus-on-swap>' in html
    assert 'hx-swap-oob="true"' in html and HEADER_COUNT.search(html).group(1) == "1"


def test_mark_all_as_read(app, client, resident, english):
    _add(app, resident, 4)
    response = client.post("/notifications/read")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"
    assert all(row.read_at is not None for row in _rows(app, resident))
    html = client.get("/notifications/").get_data(as_text=True)
    assert "notification-unread" not in html and "Mark all as read" not in html
    assert HEADER_COUNT.search(html) is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(app, client, resident):
    _add(app, resident, 1, url="/units/?after=1")
    [row] = _rows(app, resident)
    assert client.get(f"/notifications/{row.id}/open").status_code == 405  # a GET changes nothing
    assert _rows(app, resident)[0].read_at is None
    response = client.post(f"/notifications/{row.id}/open")
    assert response.status_code == 303 and response.headers["Location"] == "/units/?after=1"
    assert _rows(app, resident)[0].read_at is not None


def test_a_link_to_another_site_is_not_followed(app, client, resident):
    _add(app, resident, 1, url="https://example.com/elsewhere")
    [row] = _rows(app, resident)
    assert client.post(f"/notifications/{row.id}/open").headers["Location"] == "/notifications/"


def test_nobody_reads_or_marks_someone_elses_notifications(app, client, resident, people):
    _add(app, people["expert"], 1)
    [row] = _rows(app, people["expert"])
    assert client.post(f"/notifications/{row.id}/read").status_code == 404
    assert client.post(f"/notifications/{row.id}/open").status_code == 404
    client.post("/notifications/read")
    assert _rows(app, people["expert"])[0].read_at is None
    assert _items(client.get("/notifications/").get_data(as_text=True)) == []


def test_visitors_are_sent_to_log_in(client):
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read").status_code == 302
