"""50 residents sign up for a meeting with 20 places at the same moment: exactly 20 get a place."""

import threading
import time

from pbflow.extensions import db
from pbflow.meetings.models import Meeting, MeetingSignup
from tests.conftest import log_in


def test_fifty_residents_at_once_for_twenty_places(app, make_user, make_edition, make_meeting):
    edition = make_edition(open_stage="meetings")
    meeting = make_meeting(edition, capacity=20)
    clients = []
    for n in range(50):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.1.{n + 1}"  # the log-in limit counts per address
        log_in(client, make_user(email=f"rush{n}@example.org"))
        client.csrf_token()
        clients.append(client)
    statuses, start = [], threading.Barrier(50)

    def sign_up(client):
        start.wait()
        statuses.append(client.post(f"/meetings/{meeting.id}/signup").status_code)

    began = time.monotonic()
    threads = [threading.Thread(target=sign_up, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [303] * 50
    assert time.monotonic() - began < 20
    with app.app_context():
        counts = dict(db.session.execute(db.select(MeetingSignup.status, db.func.count())
                                         .where(MeetingSignup.meeting_id == meeting.id)
                                         .group_by(MeetingSignup.status)).all())
        assert counts == {"confirmed": 20, "waiting": 30}
        assert db.session.get(Meeting, meeting.id).confirmed_seats == 20
