"""Bench data: `flask --app app seed-bench --proposals N` fills a database with realistic proposals, fast."""

import unicodedata
from collections import Counter

from sqlalchemy import func, select

from pbflow.accounts.models import User
from pbflow.bench import data as bench_data
from pbflow.demo import marathons as demo_marathons
from pbflow.demo import proposals as demo_proposals
from pbflow.editions import services as editions
from pbflow.extensions import db
from pbflow.proposals import search
from pbflow.proposals.costs import CostLine
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalVersion


def bench_proposals():
    """The proposals seed-bench added: an empty database gets the demo data first (the demo edition's
    proposals, then last year's edition's and the practice edition's), so the bench ones come after those."""
    return db.session.scalars(select(Proposal).where(Proposal.id > bench_proposals_start())
                              .order_by(Proposal.id)).all()


def bench_proposals_start():
    """How many proposals the demo data has (the last id before the bench's)."""
    return len(demo_proposals.PROPOSALS) + len(demo_marathons.PAST_PROPOSALS) + len(demo_marathons.PRACTICE_PROPOSALS)


def without_diacritics(word):
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).replace("ł", "l")


def test_seed_bench_on_an_empty_database_loads_the_demo_edition_and_adds_n_realistic_proposals(app, runner):
    result = runner.invoke(args=["seed-bench", "--proposals", "50"])
    assert result.exit_code == 0, result.output
    assert "50 proposals with" in result.output and "bench users created" in result.output
    with app.app_context():
        edition = editions.current_edition()
        found = bench_proposals()
        assert len(found) == 50 and {p.edition_id for p in found} == {edition.id}
        assert len({p.district_id for p in found if p.scope == "district"}) > 10
        assert any(p.scope == "citywide" and p.district_id is None for p in found)
        assert len({p.status for p in found}) >= 5 and any(p.is_public for p in found)
        assert all(p.published_at is not None for p in found if p.is_public)
        assert all(p.merged_into_id is not None for p in found if p.status == "merged")

        versions = db.session.scalars(select(ProposalVersion).where(
            ProposalVersion.proposal_id.in_([p.id for p in found]))).all()
        numbers = {}
        for version in versions:
            numbers.setdefault(version.proposal_id, []).append(version.number)
            # Totals are the exact sum of the lines, as the cost table computes them.
            lines = [CostLine.from_json(line) for line in version.cost_lines]
            assert len(lines) >= 1 and version.total_cost == sum(line.amount for line in lines)
        for proposal in found:
            assert sorted(numbers[proposal.id]) == list(range(1, proposal.current_version + 1))
            assert 1 <= proposal.current_version <= 5
            current = next(v for v in versions if v.proposal_id == proposal.id and v.number == proposal.current_version)
            assert (proposal.title, proposal.summary, proposal.total_cost) == (
                current.title, current.summary, current.total_cost)
            assert len(proposal.title) <= 60 and 60 <= len(proposal.summary) <= 250
        assert len(versions) > 50

        authors = db.session.execute(select(ProposalAuthor.proposal_id, ProposalAuthor.role).where(
            ProposalAuthor.proposal_id.in_([p.id for p in found]))).all()
        leads = Counter(p for p, role in authors if role == "lead")
        assert set(leads) == {p.id for p in found} and set(leads.values()) == {1}
        assert any(role == "co_author" for _p, role in authors)

        # The text is Polish, and the search index has it: typed without diacritics, a title word is found.
        assert any(set("ąćęłńóśźż") & set(p.title.lower()) for p in found)
        target = next(p for p in found if set("ąćęłńóśźż") & set(p.title.split()[0].lower()))
        typed = without_diacritics(target.title.split()[0].lower())
        assert target.id in db.session.scalars(select(search.matches(typed).c.id)).all()


def test_seed_bench_appends_reuses_its_users_and_leaves_the_database_usable(app, runner, make_proposal, login):
    assert runner.invoke(args=["seed-bench", "--proposals", "30", "--authors", "12"]).exit_code == 0
    result = runner.invoke(args=["seed-bench", "--proposals", "20", "--authors", "12"])
    assert result.exit_code == 0, result.output
    assert "bench users created" not in result.output
    with app.app_context():
        assert len(bench_proposals()) == 50
        bench_users = db.session.scalar(select(func.count()).select_from(User).where(
            User.email.like("bench.author%")))
        assert bench_users == 12
        edition = editions.current_edition()
        db.session.expunge(edition)
    # Ids continue after the bulk insert (PostgreSQL's sequences were moved on).
    later = make_proposal(edition, title="Fontanna przy Wawrzyńca")
    assert later.id == bench_proposals_start() + 51
    with app.app_context():  # the search index's insert trigger is back after the bulk load
        assert db.session.scalars(select(search.matches("wawrzynca").c.id)).all() == [later.id]
    client = app.test_client()
    login(client, bench_data.BENCH_EMAIL.format(1), bench_data.BENCH_PASSWORD)
    assert client.get("/profile").status_code == 200
