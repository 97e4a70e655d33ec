"""The public proposal list is kept for visitors who are not signed in (core/web/page_store), under a stamp that the
database raises with every change the list shows (proposals/page_stamps): the evening an edition opens, the
hundredth visitor reads a kept page, and yet nobody ever sees the list as it was before a change (issue 15)."""

import re

import pytest
from sqlalchemy import delete, insert, select, text, update

from pbflow.accounts.models import User
from pbflow.core.database import utcnow
from pbflow.core.models import PageStamp
from pbflow.core.web.page_store import PageStore
from pbflow.editions.models import Area, District, Edition
from pbflow.extensions import db
from pbflow.proposals import page_stamps
from pbflow.proposals.models import Proposal, ProposalAuthor

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English wording."""


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def stamp(app):
    with app.app_context():
        return db.session.scalar(select(PageStamp.stamp).where(PageStamp.name == page_stamps.NAME))


def run(app, *statements):
    """Change rows directly, in one transaction, as a bulk load or another app server would."""
    with app.app_context():
        for statement in statements:
            db.session.execute(statement)
        db.session.commit()


def publish(app, proposal):
    run(app, update(Proposal).where(Proposal.id == proposal.id).values(is_public=True, published_at=utcnow()))


def page_of(client, count_queries, url="/proposals/", headers=None):
    with count_queries() as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True), len(queries)


def test_a_second_visitor_reads_the_kept_list_with_their_own_csrf_token(app, edition, make_proposal,
                                                                         count_queries):
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    first, second = app.test_client(), app.test_client()

    rendered, rendered_queries = page_of(first, count_queries)
    kept, kept_queries = page_of(second, count_queries)
    assert rendered_queries > 1 and kept_queries == 1  # the stamp, and nothing else
    assert "Ławki na Plantach" in kept
    mine, theirs = TOKEN.search(kept).group(1), TOKEN.search(rendered).group(1)
    assert mine != theirs and theirs not in kept
    assert kept.replace(mine, "") == rendered.replace(theirs, "")

    # The token served with the kept page is the visitor's own: their language switch goes through.
    response = second.post("/language", data={"locale": "pl", "next": "/proposals/", "csrf_token": mine})
    assert response.status_code == 303


def test_every_change_the_list_shows_reaches_the_next_visitor_at_once(app, client, edition, make_edition,
                                                                      make_proposal, make_user, make_area,
                                                                      districts, count_queries):
    author, partner = make_user("Maria Lis"), make_user("Jan Kos")
    area = make_area(name="Osiedle Podwawelskie")
    shown = make_proposal(edition, author=author, title="Ławki na Plantach", area=area)
    hidden = make_proposal(edition, title="Drzewa przy Zielonej")
    publish(app, shown)

    def after(*statements):
        """The list is kept; the change commits; the next visitor's page shows it."""
        page_of(client, count_queries)
        assert page_of(client, count_queries)[1] == 1
        run(app, *statements)
        body, queries = page_of(client, count_queries)
        assert queries > 1
        return body

    assert ">Ławki</a>" in after(update(Proposal).where(Proposal.id == shown.id).values(title="Ławki"))
    assert "Drzewa przy Zielonej" in after(update(Proposal).where(Proposal.id == hidden.id).values(is_public=True))
    assert "1,234" in after(update(Proposal).where(Proposal.id == shown.id).values(total_cost=1_234_00))
    assert "Drzewa przy Zielonej" not in after(update(Proposal).where(Proposal.id == hidden.id)
                                               .values(is_public=False))
    assert "Maria Lisowska" in after(update(User).where(User.id == author.id).values(name="Maria Lisowska"))
    assert "Jan Kos" in after(insert(ProposalAuthor).values(proposal_id=shown.id, user_id=partner.id,
                                                            role="co_author", consent_at=utcnow()))
    assert "former participant" in after(update(User).where(User.id == partner.id).values(deleted_at=utcnow()))
    assert "Jan Kos" not in after(delete(ProposalAuthor).where(ProposalAuthor.user_id == partner.id))
    assert "Stare Miasto Królewskie" in after(update(District).where(District.id == districts[0].id)
                                              .values(name="Stare Miasto Królewskie"))
    assert "Podwawelskie Nowe" in after(update(Area).where(Area.id == area.id).values(name="Podwawelskie Nowe"))
    newer = make_edition(name="Wspólne Projekty 2027", current=False)
    assert "Ławki" not in after(update(Edition).values(is_current=False),
                                update(Edition).where(Edition.id == newer.id).values(is_current=True))
    assert "Ławki" in after(update(Edition).values(is_current=False),
                            update(Edition).where(Edition.id == edition.id).values(is_current=True))
    assert "Ławki" not in after(delete(Proposal).where(Proposal.id == shown.id))


def test_changes_to_private_drafts_leave_the_kept_list_alone(app, client, edition, make_proposal, make_user,
                                                              count_queries):
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    draft = make_proposal(edition, title="Szkic")
    page_of(client, count_queries)
    before = stamp(app)

    run(app, update(Proposal).where(Proposal.id == draft.id).values(title="Szkic poprawiony"),
        insert(ProposalAuthor).values(proposal_id=draft.id, user_id=make_user().id, role="co_author",
                                      consent_at=utcnow()),
        update(User).where(User.id == make_user().id).values(last_login_at=utcnow()))
    assert stamp(app) == before
    assert page_of(client, count_queries)[1] == 1


def test_the_stamp_changes_when_a_change_commits_and_not_when_it_is_rolled_back(app, edition, make_proposal):
    proposals = [make_proposal(edition, title=f"Projekt {n}") for n in range(3)]
    run(app, update(Proposal).values(is_public=True))
    before = stamp(app)
    with app.app_context():
        db.session.execute(update(Proposal).values(title="Inny tytuł"))
        db.session.rollback()
    assert stamp(app) == before

    with app.app_context():
        db.session.execute(update(Proposal).values(title="Nowy tytuł"))
        db.session.execute(delete(Proposal).where(Proposal.id == proposals[0].id))
        during = db.session.scalar(select(PageStamp.stamp).where(PageStamp.name == page_stamps.NAME))
        postgresql = db.engine.dialect.name == "postgresql"
        db.session.commit()
    # SQLite changes it as each row changes; PostgreSQL once, when the transaction commits.
    assert (during == before) if postgresql else (during != before)
    assert stamp(app) not in (before, None)
    if postgresql:  # a TRUNCATE fires no row trigger there: a statement trigger changes the stamp
        before = stamp(app)
        run(app, text("TRUNCATE proposal_authors"))
        assert stamp(app) != before


def test_signed_in_people_errors_head_requests_and_a_store_of_size_zero_are_rendered_every_time(
        app, client, login, edition, make_proposal, make_user, count_queries):
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    visitor = app.test_client()
    damaged = "/proposals/?after=not-a-cursor"
    assert visitor.get(damaged).status_code == 400
    with count_queries() as queries:
        assert visitor.get(damaged).status_code == 400
    assert len(queries) > 1

    # A HEAD's page names the Referer as the language switch's way back (core/web/urls.current_page): not kept.
    for _ in range(2):
        with count_queries() as queries:
            assert visitor.head("/proposals/", headers={"Referer": "http://localhost/elsewhere"}).status_code == 200
        assert len(queries) > 1
    assert 'name="next" value="/proposals/"' in page_of(visitor, count_queries)[0]

    login(client, make_user())
    for _ in range(2):
        assert page_of(client, count_queries)[1] > 1


def test_with_a_store_of_size_zero_every_page_is_rendered(app, edition, make_proposal, count_queries):
    app.config["PAGE_STORE_SIZE"] = 0  # PBFLOW_PAGE_STORE_SIZE=0, read when the first page is asked for
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    visitor = app.test_client()
    for _ in range(2):
        assert page_of(visitor, count_queries)[1] > 1


def test_each_language_and_the_htmx_fragment_are_kept_apart(app, edition, make_proposal, count_queries):
    from pbflow.core import i18n

    app.extensions["babel"].locale_selector = i18n.select_locale  # the visitor's own language again
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    polish, english = app.test_client(), app.test_client()
    polish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page_of(polish, count_queries)
    assert '<html lang="pl">' in page_of(polish, count_queries)[0]
    body, queries = page_of(english, count_queries)
    assert '<html lang="en">' in body and queries > 1

    fragment, queries = page_of(english, count_queries, headers={"HX-Request": "true"})
    assert queries > 1 and fragment.lstrip().startswith('<div id="proposal-results">')
    assert page_of(english, count_queries, headers={"HX-Request": "true"}) == (fragment, 1)
    assert '<html lang="en">' in page_of(english, count_queries)[0]


def test_a_visitors_search_is_kept_until_any_proposals_words_change_where_its_order_reads_them(
        app, edition, make_proposal, count_queries):
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    draft = make_proposal(edition, title="Szkic")
    visitor = app.test_client()
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    first, queries = page_of(visitor, count_queries, "/proposals/?q=lawki")
    assert "Ławki na Plantach" in first and queries > 1
    assert page_of(visitor, count_queries, "/proposals/?q=lawki")[1] == 1

    # A draft's cost moves no word's weight: still kept.
    run(app, update(Proposal).where(Proposal.id == draft.id).values(total_cost=120_000))
    assert page_of(visitor, count_queries, "/proposals/?q=lawki")[1] == 1
    # SQLite's bm25 weighs a word by every proposal holding it, drafts too: a draft's new words are a new order
    # there (the 'proposal_words' stamp); PostgreSQL's ts_rank reads the match alone.
    run(app, update(Proposal).where(Proposal.id == draft.id).values(summary="Nowe ławki przy szkole"))
    queries = page_of(visitor, count_queries, "/proposals/?q=lawki")[1]
    assert queries > 1 if sqlite else queries == 1
    assert page_of(visitor, count_queries, "/proposals/?q=lawki")[1] == 1  # kept again under the new stamps
    # A new draft, and a draft deleted, move the weights too.
    another = make_proposal(edition, title="Jeszcze jeden szkic")
    queries = page_of(visitor, count_queries, "/proposals/?q=lawki")[1]
    assert queries > 1 if sqlite else queries == 1
    run(app, delete(Proposal).where(Proposal.id == another.id))
    queries = page_of(visitor, count_queries, "/proposals/?q=lawki")[1]
    assert queries > 1 if sqlite else queries == 1
    # The plain list follows the public proposals alone, on both databases.
    page_of(visitor, count_queries)
    run(app, update(Proposal).where(Proposal.id == draft.id).values(description="Jeszcze inne słowa"))
    assert page_of(visitor, count_queries)[1] == 1


def test_work_that_fires_no_trigger_renews_the_stamps_itself(app, edition, make_proposal, count_queries):
    """Rebuilding SQLite's search index changes what a search finds without changing a row (bench/data.py)."""
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    visitor = app.test_client()
    page_of(visitor, count_queries, "/proposals/?q=lawki")
    before = stamp(app)
    with app.app_context():
        page_stamps.renew(db.session.connection(), page_stamps.NAME, page_stamps.WORDS)
        db.session.commit()
    assert stamp(app) != before
    assert page_of(visitor, count_queries, "/proposals/?q=lawki")[1] > 1


def test_a_page_with_a_message_for_its_visitor_is_not_kept(app, edition, make_proposal, count_queries):
    publish(app, make_proposal(edition, title="Ławki na Plantach"))
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "Zapisano.")]
    body, queries = page_of(visitor, count_queries)
    assert "Zapisano." in body and queries > 1
    body, queries = page_of(app.test_client(), count_queries)
    assert "Zapisano." not in body and queries > 1


def test_the_store_keeps_the_pages_used_last_up_to_its_size():
    pages = PageStore(2)
    pages.put("a", 1)
    pages.put("b", 2)
    assert pages.get("a") == 1  # now used last
    pages.put("c", 3)
    assert (pages.get("a"), pages.get("b"), pages.get("c"), len(pages)) == (1, None, 3, 2)
