"""The coordinators' per-status counts of an edition are kept by the database as proposals change, so the list
reads them instead of counting every proposal of the edition on every page (issue 15). Whatever changes a
proposal — the services, a bulk load, a move to another edition, a deletion — the kept numbers equal a count."""

import pytest
from sqlalchemy import delete, func, insert, select, update

from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.proposals import queries_lists
from pbflow.proposals import status_counts as kept
from pbflow.proposals.models import Proposal, ProposalStatusCount


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English wording."""


def counted(edition_id):
    rows = db.session.execute(select(Proposal.status, func.count()).where(Proposal.edition_id == edition_id)
                              .group_by(Proposal.status))
    return dict(rows.all())


def test_the_kept_counts_follow_every_kind_of_change_to_proposals(app, make_edition, make_proposal):
    current = make_edition(open_stage="meetings")
    other = make_edition(name="Wspólne Projekty 2025", current=False)
    drafts = [make_proposal(current) for _ in range(3)]
    make_proposal(current, status="ready")
    make_proposal(other, status="submitted")
    with app.app_context():
        assert kept.of_edition(current.id) == counted(current.id) == {"draft": 3, "ready": 1}
        assert kept.of_edition(other.id) == counted(other.id) == {"submitted": 1}

        # A status changed through the ORM, another by a bulk UPDATE, one moved to the other edition.
        db.session.get(Proposal, drafts[0].id).status = "in_consultation"
        db.session.flush()
        db.session.execute(update(Proposal).where(Proposal.id == drafts[1].id).values(status="ready"))
        db.session.execute(update(Proposal).where(Proposal.id == drafts[2].id).values(edition_id=other.id))
        # Unchanged status and edition: the update trigger does not fire.
        db.session.execute(update(Proposal).where(Proposal.edition_id == current.id).values(title="Ławki"))
        assert kept.of_edition(current.id) == counted(current.id) == {"in_consultation": 1, "ready": 2}
        assert kept.of_edition(other.id) == counted(other.id) == {"draft": 1, "submitted": 1}

        # A bulk load, as the demo and the benchmark data make them.
        now = utcnow()
        db.session.execute(insert(Proposal), [
            {"edition_id": current.id, "title": f"Projekt {n}", "status": "draft", "scope": "citywide",
             "created_at": now, "updated_at": now, "status_changed_at": now} for n in range(5)])
        assert kept.of_edition(current.id) == counted(current.id) == {"draft": 5, "in_consultation": 1, "ready": 2}

        # Deletions, and a rolled-back change leaves the counts as they were.
        db.session.execute(delete(Proposal).where(Proposal.edition_id == current.id, Proposal.status == "draft",
                                                  Proposal.title.like("Projekt %")))
        db.session.commit()
        db.session.execute(update(Proposal).where(Proposal.edition_id == current.id).values(status="withdrawn"))
        db.session.rollback()
        assert kept.of_edition(current.id) == counted(current.id) == {"in_consultation": 1, "ready": 2}


def test_the_coordinator_list_reads_the_kept_counts_and_narrower_lists_count_their_rows(
        app, client, login, people, make_edition, make_proposal, districts):
    edition = make_edition(open_stage="meetings")
    for status in ("draft", "draft", "ready"):
        make_proposal(edition, status=status)
    make_proposal(edition, status="ready", district=districts[1])
    with app.app_context():
        # The kept numbers are what the page shows: changed behind the list's back, the page follows them.
        db.session.execute(update(ProposalStatusCount).where(ProposalStatusCount.edition_id == edition.id,
                                                             ProposalStatusCount.status == "draft")
                           .values(proposals=7))
        db.session.commit()
    login(client, people["coordinator"])
    page = client.get("/proposals/all").get_data(as_text=True)
    assert "Draft: <strong>7</strong>" in page and "Ready to submit: <strong>2</strong>" in page
    # A district is counted from its rows.
    page = client.get(f"/proposals/all?district={districts[0].id}").get_data(as_text=True)
    assert "Draft: <strong>2</strong>" in page and "Ready to submit: <strong>1</strong>" in page
    page = client.get("/proposals/all?q=zabaw").get_data(as_text=True)
    assert "Draft: <strong>2</strong>" in page


def test_the_migration_fills_the_counts_of_proposals_already_there(app, make_edition, make_proposal):
    edition = make_edition(open_stage="meetings")
    for status in ("draft", "ready", "ready"):
        make_proposal(edition, status=status)
    with app.app_context():
        db.session.execute(delete(ProposalStatusCount))
        kept.recount(db.session.connection())
        db.session.commit()
        assert kept.of_edition(edition.id) == {"draft": 1, "ready": 2}
        assert queries_lists.status_counts(queries_lists.Filters(edition_id=edition.id))["ready"] == 2
