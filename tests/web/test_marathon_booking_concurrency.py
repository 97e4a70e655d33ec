"""30 lead authors book the same 4-seat marathon time at once: exactly 4 get it, the rest a clear 409.
One author booking the same proposal into two times at once gets one place."""

import threading
from datetime import timedelta

from pbflow.extensions import db
from pbflow.marathons.models import MarathonBooking, MarathonSlot
from tests.conftest import log_in


def _clients(app, people):
    clients = []
    for n, person in enumerate(people):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.2.{n + 1}"  # the log-in limit counts per address
        log_in(client, person)
        client.csrf_token()
        clients.append(client)
    return clients


def _at_once(calls):
    results, start = [], threading.Barrier(len(calls))

    def run(call):
        start.wait()
        results.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_thirty_authors_at_once_for_four_seats(app, make_user, make_edition, make_marathon, make_proposal, english):
    edition = make_edition(open_stage="marathons")
    marathon = make_marathon(edition, slots=[(timedelta(days=2), 60, 4)])
    slot = marathon.slots[0]
    authors = [make_user(email=f"rush{n}@example.org") for n in range(30)]
    proposals = [make_proposal(edition, author=author) for author in authors]
    clients = _clients(app, authors)
    url = f"/marathons/{marathon.id}/book"
    responses = _at_once([
        (lambda c=client, p=proposal: c.post(url, data={"slot": slot.id, "proposal": p.id}))
        for client, proposal in zip(clients, proposals, strict=True)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [303] * 4 + [409] * 26
    assert all("this time is full" in r.get_data(as_text=True) for r in responses if r.status_code == 409)
    with app.app_context():
        assert db.session.get(MarathonSlot, slot.id).booked_seats == 4
        assert db.session.scalar(db.select(db.func.count()).select_from(MarathonBooking)
                                 .where(MarathonBooking.status == "active")) == 4


def test_one_proposal_into_two_times_at_once_gets_one_place(app, make_user, make_edition, make_marathon,
                                                              make_proposal, english):
    edition = make_edition(open_stage="marathons")
    marathon = make_marathon(edition, slots=[(timedelta(days=2), 60, 4), (timedelta(days=2, hours=1), 60, 4)])
    author = make_user()
    proposal = make_proposal(edition, author=author)
    clients = _clients(app, [author] * 6)
    url = f"/marathons/{marathon.id}/book"
    responses = _at_once([
        (lambda c=client, n=n: c.post(url, data={"slot": marathon.slots[n % 2].id, "proposal": proposal.id}))
        for n, client in enumerate(clients)])
    assert sorted(r.status_code for r in responses) == [303] + [409] * 5
    assert all("move it instead" in r.get_data(as_text=True) for r in responses if r.status_code == 409)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MarathonBooking)) == 1
        assert sum(db.session.scalars(db.select(MarathonSlot.booked_seats)).all()) == 1
