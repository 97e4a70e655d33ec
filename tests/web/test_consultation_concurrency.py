"""20 authors book the same consultation slot at the same moment: exactly one booking, the others a clear 409."""

import threading
from datetime import timedelta

from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.workshops.models import ConsultationBooking, ConsultationSlot
from tests.conftest import log_in


def test_twenty_authors_at_once_for_one_slot(app, english, make_user, make_edition, make_unit, make_expert,
                                             make_proposal):
    edition = make_edition(open_stage="workshops")
    unit = make_unit()
    expert = make_expert(unit)
    with app.app_context():
        starts = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
        slot = ConsultationSlot(edition_id=edition.id, unit_id=unit.id, expert_id=expert.id, starts_at=starts,
                                ends_at=starts + timedelta(minutes=30), place="ul. Grunwaldzka 8")
        db.session.add(slot)
        db.session.commit()
        slot_id = slot.id
    clients = []
    for n in range(20):
        author = make_user(email=f"author{n}@example.org")
        proposal = make_proposal(edition, author=author, title=f"Projekt {n}", status="in_consultation")
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"127.0.3.{n + 1}"  # the log-in limit counts per address
        log_in(client, author)
        client.csrf_token()
        clients.append((client, proposal.id))
    results, start = [], threading.Barrier(20)

    def book(client, proposal_id):
        start.wait()
        response = client.post(f"/consultations/{slot_id}/book",
                               data={"proposal": proposal_id, "question": "Czy to się zmieści w budżecie?"})
        results.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=book, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(code for code, _body in results)
    assert statuses == [303] + [409] * 19, statuses
    assert all("just been taken" in body for code, body in results if code == 409)
    with app.app_context():
        active = db.session.scalar(db.select(db.func.count()).select_from(ConsultationBooking).where(
            ConsultationBooking.slot_id == slot_id, ConsultationBooking.status == "active"))
        assert active == 1
