"""Finding proposals: "My proposals", the public list, the coordinators' list with filters, sorting and search,
and an area's proposals on its ambassador's dashboard. Drafts stay private until their authors publish them."""

import html as html_module
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from pbflow.accounts.models import User
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.proposals.models import InvitationStatus, Proposal, ProposalInvitation

TITLE = re.compile(r'class="proposal-title" href="/proposals/(\d+)">([^<]*)</a>')


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English wording."""


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def titles(response):
    return [html_module.unescape(title) for _id, title in TITLE.findall(response.get_data(as_text=True))]


def change(app, proposal, **values):
    """Set columns directly, as test set-up (publishing is another helper's transition)."""
    with app.app_context():
        db.session.execute(update(Proposal).where(Proposal.id == proposal.id).values(**values))
        db.session.commit()


def publish(app, *proposals):
    for proposal in proposals:
        change(app, proposal, is_public=True, published_at=utcnow())


def cost(grosze):
    return [("Prace", Decimal("1"), grosze)]


# --- who sees what --------------------------------------------------------------------------

def test_drafts_are_private_and_published_proposals_are_public(app, client, login, edition, make_proposal,
                                                               make_user, make_area):
    author = make_user("Maria Lis")
    area = make_area()
    draft = make_proposal(edition, author=author, title="Tajny szkic ławek", area=area)
    published = make_proposal(edition, author=author, title="Ławki na Plantach", area=area)
    publish(app, published)

    assert titles(client.get("/proposals/")) == ["Ławki na Plantach"]
    stranger = make_user("Obcy Mieszkaniec")
    login(client, stranger)
    assert titles(client.get("/proposals/")) == ["Ławki na Plantach"]
    assert titles(client.get("/proposals/?q=szkic")) == []
    assert titles(client.get("/proposals/mine")) == []
    assert client.get("/proposals/all").status_code == 403
    assert client.get(f"/proposals/area/{area.id}").status_code == 403
    assert draft.title not in client.get("/ambassadors/").get_data(as_text=True)


def test_my_proposals_lists_what_i_lead_and_co_author_with_role_status_and_cost(app, client, login, edition,
                                                                                make_proposal, make_user):
    me, neighbour = make_user("Maria Lis"), make_user("Jan Sąsiad")
    make_proposal(edition, author=me, title="Skwer przy szkole", lines=cost(12_500_00))
    make_proposal(edition, author=neighbour, co_authors=[me], title="Ścieżka rowerowa", status="in_consultation")
    make_proposal(edition, author=neighbour, title="Cudzy szkic")
    login(client, me)
    response = client.get("/proposals/mine")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Skwer przy szkole", "Ścieżka rowerowa"]
    assert "Lead author" in page and "Co-author" in page
    assert "In consultation" in page and "Draft" in page
    assert "PLN12,500" in page
    assert "You are an author of 2 proposals." in page


def test_my_proposals_mention_invitations_waiting_for_my_answer(app, client, login, edition, make_proposal, make_user):
    me, lead = make_user("Maria Lis", "Maria.Lis@example.org"), make_user("Jan Sąsiad")
    private = make_proposal(edition, author=lead, title="Prywatny szkic")
    public = make_proposal(edition, author=lead, title="Publiczny projekt")
    answered = make_proposal(edition, author=lead, title="Już odpowiedziane")
    publish(app, public)
    with app.app_context():
        for n, (proposal, status) in enumerate([(private, InvitationStatus.PENDING), (public, InvitationStatus.PENDING),
                                                (answered, InvitationStatus.DECLINED)]):
            db.session.add(ProposalInvitation(proposal_id=proposal.id, email="maria.lis@example.org",
                                              email_key="maria.lis@example.org", token_hash=f"{n:064d}",
                                              status=status.value, invited_by_id=lead.id))
        db.session.commit()
    login(client, me)
    page = client.get("/proposals/mine").get_data(as_text=True)
    assert "2 invitations to co-author" in page
    assert "Prywatny szkic" in page and f'href="/proposals/{private.id}"' not in page
    assert f'<a href="/proposals/{public.id}">Publiczny projekt</a>' in page
    assert "Już odpowiedziane" not in page
    assert "invited by Jan Sąsiad" in page


def test_an_invitation_names_an_inviter_who_has_left_as_every_page_does(
        app, client, login, edition, make_proposal, make_user):
    """A deleted inviter is a former participant; an invitation whose account is gone altogether says so; a draft
    shared with the edition may be opened before answering."""
    me, lead, other = make_user("Maria Lis", "maria.lis@example.org"), make_user("Jan Sąsiad"), make_user("Ewa Bór")
    shared = make_proposal(edition, author=lead, title="Szkic dla edycji")
    orphan = make_proposal(edition, author=other, title="Bez zapraszającego")
    change(app, shared, draft_visibility="edition")
    with app.app_context():
        for n, (proposal, inviter) in enumerate([(shared, lead.id), (orphan, None)]):
            db.session.add(ProposalInvitation(proposal_id=proposal.id, email="maria.lis@example.org",
                                              email_key="maria.lis@example.org", token_hash=f"{n + 7:064d}",
                                              status=InvitationStatus.PENDING.value, invited_by_id=inviter))
        db.session.execute(update(User).where(User.id == lead.id).values(deleted_at=utcnow()))
        db.session.commit()
    login(client, me)
    page = client.get("/proposals/mine").get_data(as_text=True)
    assert "2 invitations to co-author" in page
    assert f'<a href="/proposals/{shared.id}">Szkic dla edycji</a>' in page
    assert "invited by former participant" in page and "Jan Sąsiad" not in page
    assert "<strong>Bez zapraszającego</strong>" in page and "invited by a deleted account" in page


def test_only_coordinators_see_the_list_of_all_proposals(client, login, people):
    for role in ("resident", "ambassador", "expert"):
        login(client, people[role])
        assert client.get("/proposals/all").status_code == 403
    login(client, people["coordinator"])
    assert client.get("/proposals/all").status_code == 200


def test_navigation_offers_the_lists_to_whom_they_are_for(client, login, people):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/proposals/"' in page and 'href="/proposals/mine"' not in page
    login(client, people["resident"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/proposals/mine"' in page and 'href="/proposals/all"' not in page
    login(client, people["coordinator"])
    assert 'href="/proposals/all"' in client.get("/").get_data(as_text=True)


# --- the coordinators' list: filters, counts, sorting, pagination -----------------------------

@pytest.fixture
def coordinator(client, login, people):
    login(client, people["coordinator"])
    return people["coordinator"]


def test_the_coordinator_list_shows_drafts_of_the_current_edition_by_default(
        app, client, coordinator, edition, make_edition, make_proposal):
    make_proposal(edition, title="Szkic w tej edycji")
    older = make_edition(name="Wspólne Projekty 2025", current=False, open_stage=None)
    make_proposal(older, title="Projekt z zeszłego roku")
    assert titles(client.get("/proposals/all")) == ["Szkic w tej edycji"]
    assert titles(client.get(f"/proposals/all?edition={older.id}")) == ["Projekt z zeszłego roku"]


def test_each_filter_of_the_coordinator_list_narrows_it(app, client, coordinator, edition, make_proposal,
                                                        make_area, districts):
    area = make_area(districts[1], "Osiedle Kolorowe")
    make_proposal(edition, title="Park w dzielnicy I", district=districts[0])
    make_proposal(edition, title="Boisko na Kolorowym", district=districts[1], area=area, status="ready")
    make_proposal(edition, title="Rowery dla miasta", scope="citywide", status="submitted")
    everything = {"Park w dzielnicy I", "Boisko na Kolorowym", "Rowery dla miasta"}
    assert set(titles(client.get("/proposals/all"))) == everything
    assert titles(client.get(f"/proposals/all?district={districts[1].id}")) == ["Boisko na Kolorowym"]
    assert titles(client.get(f"/proposals/all?area={area.id}")) == ["Boisko na Kolorowym"]
    assert titles(client.get("/proposals/all?status=submitted")) == ["Rowery dla miasta"]
    assert titles(client.get("/proposals/all?scope=citywide")) == ["Rowery dla miasta"]
    assert set(titles(client.get("/proposals/all?scope=district"))) == everything - {"Rowery dla miasta"}
    assert titles(client.get("/proposals/all?q=boisko")) == ["Boisko na Kolorowym"]
    assert titles(client.get(f"/proposals/all?district={districts[0].id}&status=ready")) == []


def test_the_coordinator_list_counts_proposals_per_status(app, client, coordinator, edition, make_proposal):
    for status in ("draft", "draft", "ready", "submitted"):
        make_proposal(edition, status=status)
    page = client.get("/proposals/all?status=ready").get_data(as_text=True)
    assert "Draft: <strong>2</strong>" in page and "Ready to submit: <strong>1</strong>" in page
    assert "Submitted: <strong>1</strong>" in page and "Merged: <strong>0</strong>" in page
    assert "1 proposal on this page" in page


def test_the_coordinator_list_sorts(app, client, coordinator, edition, make_proposal):
    now = utcnow()
    cheap = make_proposal(edition, title="Bardzo tani", lines=cost(1_000_00), status="submitted")
    dear = make_proposal(edition, title="Adres drogi", lines=cost(900_000_00), status="draft")
    middle = make_proposal(edition, title="Ciekawy średni", lines=cost(50_000_00), status="ready")
    for proposal, days_ago in ((cheap, 1), (dear, 3), (middle, 2)):
        change(app, proposal, updated_at=now - timedelta(days=days_ago))
    assert titles(client.get("/proposals/all")) == ["Bardzo tani", "Ciekawy średni", "Adres drogi"]
    assert titles(client.get("/proposals/all?sort=changed")) == ["Bardzo tani", "Ciekawy średni", "Adres drogi"]
    assert titles(client.get("/proposals/all?sort=title")) == ["Adres drogi", "Bardzo tani", "Ciekawy średni"]
    assert titles(client.get("/proposals/all?sort=cost")) == ["Adres drogi", "Ciekawy średni", "Bardzo tani"]
    assert titles(client.get("/proposals/all?sort=status")) == ["Adres drogi", "Ciekawy średni", "Bardzo tani"]


def test_searching_ranks_title_matches_first(app, client, coordinator, edition, make_proposal):
    make_proposal(edition, title="Nowe chodniki", description="Przy chodnikach posadzimy drzewa i zieleń.")
    make_proposal(edition, title="Zieleń na skwerze", description="Więcej roślin.")
    assert titles(client.get("/proposals/all?q=zielen")) == ["Zieleń na skwerze", "Nowe chodniki"]
    assert titles(client.get("/proposals/all?q=zielen&sort=title")) == ["Nowe chodniki", "Zieleń na skwerze"]


RANKING = re.compile(r"\b(bm25|ts_rank)\(")


def test_a_search_ranks_its_matches_only_for_the_order_by_best_match(
        app, client, coordinator, edition, make_proposal, count_queries):
    """Ranking is most of a search's cost: the per-status counts and the other orders do without it."""
    make_proposal(edition, title="Nowe chodniki", description="Przy chodnikach posadzimy drzewa i zieleń.")
    make_proposal(edition, title="Zieleń na skwerze", description="Więcej roślin.", status="ready")
    with count_queries() as statements:
        response = client.get("/proposals/all?q=zielen&sort=relevance")
    ranked = [statement for statement in statements if RANKING.search(statement)]
    assert titles(response) == ["Zieleń na skwerze", "Nowe chodniki"]
    assert "Draft: <strong>1</strong>" in response.get_data(as_text=True)
    assert len(ranked) == 1 and "proposals.title" in ranked[0]  # the page, not the counts
    with count_queries() as statements:
        response = client.get("/proposals/all?q=zielen&sort=title")
    assert titles(response) == ["Nowe chodniki", "Zieleń na skwerze"]
    assert "Ready to submit: <strong>1</strong>" in response.get_data(as_text=True)
    assert not [statement for statement in statements if RANKING.search(statement)]


def next_link(response):
    found = re.search(r'<a rel="next" href="([^"]+)"', response.get_data(as_text=True))
    return html_module.unescape(found.group(1)) if found else None


def test_the_list_pages_by_cursor_and_the_page_links_keep_the_filters(app, client, coordinator, edition,
                                                                      make_proposal):
    app.config["PAGE_SIZE"] = 2
    for n in range(5):
        make_proposal(edition, title=f"Plac numer {n}", status="ready")
    make_proposal(edition, title="Inny szkic")
    first = client.get("/proposals/all?status=ready&sort=title")
    assert titles(first) == ["Plac numer 0", "Plac numer 1"]
    assert "2 proposals on this page" in first.get_data(as_text=True) and "First page" not in first.get_data(as_text=True)
    link = next_link(first)
    assert "status=ready" in link and "sort=title" in link and f"edition={edition.id}" in link and "after=" in link
    second = client.get(link)
    assert titles(second) == ["Plac numer 2", "Plac numer 3"]
    page = html_module.unescape(second.get_data(as_text=True))
    first_page = re.search(r'<a href="([^"]+)"[^>]*>First page</a>', page).group(1)
    assert "after=" not in first_page and "status=ready" in first_page and "sort=title" in first_page
    last = client.get(next_link(second))
    assert titles(last) == ["Plac numer 4"] and next_link(last) is None
    assert "Page 1 of" not in page and "proposals found" not in page  # no count of every match


@pytest.mark.parametrize("query", ["sort=relevance", "sort=changed", "sort=title", "sort=cost", "sort=status",
                                   "sort=relevance&q=plac", "sort=status&q=plac", "sort=title&q=plac",
                                   "sort=cost&status=draft"])
def test_following_next_page_visits_every_proposal_once_in_each_order(app, client, coordinator, edition,
                                                                    make_proposal, query):
    now = utcnow()
    for n, status in enumerate(["draft", "ready", "draft", "submitted", "ready", "draft", "merged", "ready"]):
        proposal = make_proposal(edition, title=f"Plac {'ABCDEFGH'[n]}", status=status,
                                 lines=cost((n % 3 + 1) * 1000_00), description="Plac i opis. " * (n % 3 + 1))
        change(app, proposal, updated_at=now - timedelta(hours=n % 4))  # ties: the id decides
    app.config["PAGE_SIZE"] = 100
    whole = titles(client.get(f"/proposals/all?{query}"))
    app.config["PAGE_SIZE"] = 3
    seen, url = [], f"/proposals/all?{query}"
    for _page in range(len(whole) + 2):  # bounded: an empty page that still links onwards fails, not hangs
        if not url:
            break
        assert len(seen) <= len(whole), "the next page repeats the last"
        response = client.get(url)
        assert response.status_code == 200
        seen += titles(response)
        url = next_link(response)
    assert not url, "the pages never end"
    assert seen == whole and len(whole) == (3 if "draft" in query else 8)


@pytest.mark.parametrize("page", ["99999999999999999999", "100001", "²", "-1", "abc", "", "3"])
def test_an_old_page_number_gives_the_first_page(client, login, coordinator, edition, make_proposal, make_user, page):
    """The lists page by cursor now: a ?page= from an old link or a typed one is ignored, never an error."""
    make_proposal(edition, title="Plac zabaw")
    assert titles(client.get(f"/proposals/all?page={page}")) == ["Plac zabaw"]
    assert client.htmx("GET", f"/proposals/all?page={page}").status_code == 200
    assert client.get(f"/proposals/?page={page}").status_code == 200
    login(client, make_user("Zofia Żak"))
    assert client.get(f"/proposals/mine?page={page}").status_code == 200


def test_htmx_gets_only_the_results_and_the_form_works_without_it(app, client, coordinator, edition, make_proposal):
    make_proposal(edition, title="Ławka przy stawie")
    page = client.get("/proposals/all").get_data(as_text=True)
    assert '<form class="search proposal-filters" method="get" action="/proposals/all"' in page
    assert 'hx-push-url="true"' in page and 'hx-target="#proposal-results"' in page
    response = client.htmx("GET", "/proposals/all?q=lawka")
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="proposal-results">') and "<html" not in fragment
    assert '<p class="muted" role="status">1 proposal on this page</p>' in fragment
    assert titles(response) == ["Ławka przy stawie"]


@pytest.mark.parametrize("query", ["status=lost", "district=abc", "district=99999", "edition=xyz", "sort=random",
                                   "scope=galaxy"])
def test_bad_filters_are_refused_with_a_message(app, client, coordinator, edition, query):
    response = client.get(f"/proposals/all?{query}")
    assert response.status_code == 422
    assert "Choose from the list." in response.get_data(as_text=True)
    response = client.htmx("GET", f"/proposals/all?{query}")
    assert response.status_code == 422 and 'role="alert"' in response.get_data(as_text=True)


def test_search_words_that_are_not_words_find_everything(app, client, coordinator, edition, make_proposal):
    make_proposal(edition, title="Plac zabaw")
    assert titles(client.get("/proposals/all?q=%22%29%28*%3A")) == ["Plac zabaw"]


def test_a_common_word_lists_and_counts_only_its_newest_matches_and_asks_to_narrow(
        app, client, coordinator, edition, make_edition, make_proposal, monkeypatch):
    """However many proposals contain a word, a search reads a bounded number of them: the newest matches
    of the list's filters (older editions' do not take their places), in every sort, and says so."""
    from pbflow.proposals import search

    monkeypatch.setattr(search, "LIST_MATCHES", 3)
    benches = [make_proposal(edition, title=f"Ławki w parku {n}", status="ready" if n % 2 else "draft")
               for n in range(5)]
    older = make_edition(name="Wspólne Projekty 2025", current=False, open_stage=None)
    make_proposal(older, title="Ławki w parku z 2025")  # newer than the five, in another edition
    make_proposal(edition, title="Zieleń przy szkole")
    notice = "More than 3 proposals contain these words, so only the newest 3 of them are listed and counted."
    for sort in ("relevance", "title", "changed", "cost", "status"):
        response = client.get(f"/proposals/all?q=lawki&sort={sort}")
        assert sorted(titles(response)) == ["Ławki w parku 2", "Ławki w parku 3", "Ławki w parku 4"], sort
        assert notice in response.get_data(as_text=True)
    page = client.get("/proposals/all?q=lawki").get_data(as_text=True)
    assert "Draft: <strong>2</strong>" in page and "Ready to submit: <strong>1</strong>" in page
    # a status picks among the same newest matches: its list and its count agree
    response = client.get("/proposals/all?q=lawki&status=draft&sort=title")
    assert titles(response) == ["Ławki w parku 2", "Ławki w parku 4"]
    assert "Draft: <strong>2</strong>" in response.get_data(as_text=True)
    assert notice in response.get_data(as_text=True)
    # exactly the limit, or narrowed by another word: every match, and no notice
    publish(app, *benches[:3])
    response = client.get("/proposals/?q=lawki&sort=title")
    assert titles(response) == ["Ławki w parku 0", "Ławki w parku 1", "Ławki w parku 2"]
    assert "contain these words" not in response.get_data(as_text=True)
    response = client.get("/proposals/all?q=lawki+parku+1")
    assert titles(response) == ["Ławki w parku 1"] and "contain these words" not in response.get_data(as_text=True)
    publish(app, *benches[3:])
    response = client.get("/proposals/?q=lawki")
    assert len(titles(response)) == 3
    assert "so only the newest 3 of them are listed. Add a word or choose a filter" in response.get_data(as_text=True)


def test_a_search_pages_through_its_matches_by_cursor(app, client, coordinator, edition, make_proposal, monkeypatch):
    from pbflow.proposals import search

    monkeypatch.setattr(search, "LIST_MATCHES", 4)
    app.config["PAGE_SIZE"] = 2
    for n in range(6):
        make_proposal(edition, title=f"Chodnik {n}", lines=cost((n + 1) * 100_00))
    seen, url = [], "/proposals/all?q=chodnik&sort=cost"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += titles(response)
        url = next_link(response)
    assert seen == ["Chodnik 5", "Chodnik 4", "Chodnik 3", "Chodnik 2"]


# --- the public list ------------------------------------------------------------------------

def test_the_public_list_filters_by_edition_district_status_and_words(app, client, edition, make_edition,
                                                                     make_proposal, districts):
    park = make_proposal(edition, title="Zielony park", district=districts[0])
    school = make_proposal(edition, title="Boisko szkolne", district=districts[2], status="submitted")
    older = make_edition(name="Wspólne Projekty 2025", current=False, open_stage=None)
    old = make_proposal(older, title="Stary projekt z zieleni")
    publish(app, park, school, old)
    assert set(titles(client.get("/proposals/"))) == {"Zielony park", "Boisko szkolne"}
    assert titles(client.get(f"/proposals/?edition={older.id}")) == ["Stary projekt z zieleni"]
    assert titles(client.get(f"/proposals/?district={districts[2].id}")) == ["Boisko szkolne"]
    assert titles(client.get("/proposals/?status=submitted")) == ["Boisko szkolne"]
    assert titles(client.get("/proposals/?q=zielony")) == ["Zielony park"]
    assert "No proposal matches" in client.get("/proposals/?q=basen").get_data(as_text=True)


def test_text_search_ignores_polish_diacritics_both_ways(app, client, edition, make_proposal):
    bench = make_proposal(edition, title="Nowa ławka przy fontannie", description="Siedzisko przy wodzie.",
                          summary="Wygodne siedzisko przy fontannie w parku, z oparciem i podłokietnikami dla seniorów.")
    green = make_proposal(edition, title="Więcej zieleni", description="Drzewa i krzewy.",
                          summary="Zieleń, drzewa i krzewy na osiedlu dla wszystkich mieszkańców, z cieniem w upalne dni.")
    publish(app, bench, green)
    assert titles(client.get("/proposals/?q=lawka")) == ["Nowa ławka przy fontannie"]
    assert titles(client.get("/proposals/?q=ławka")) == ["Nowa ławka przy fontannie"]
    assert titles(client.get("/proposals/?q=zielen")) == ["Więcej zieleni"]
    assert titles(client.get("/proposals/?q=ZIELEŃ")) == ["Więcej zieleni"]
    assert titles(client.get("/proposals/?q=fontannie+lawka")) == ["Nowa ławka przy fontannie"]


def test_the_public_list_without_any_edition_says_so(client):
    response = client.get("/proposals/")
    assert response.status_code == 200
    assert "no participatory-budget edition" in response.get_data(as_text=True)


# --- an area's proposals for its ambassador ---------------------------------------------------

@pytest.fixture
def ambassador(client, login, edition, make_ambassador, make_area, make_user, districts):
    user = make_user("Piotr Nowak", "piotr.nowak@example.org", locale="en")
    area = make_area(districts[13], "Osiedle Dywizjonu 303")
    make_ambassador(edition, area, user)
    login(client, user)
    return {"user": user, "area": area}


def test_the_ambassador_sees_the_drafts_of_their_area_but_not_of_others(app, client, edition, ambassador,
                                                                        make_proposal, make_area, districts):
    area = ambassador["area"]
    other = make_area(districts[13], "Osiedle Inne")
    make_proposal(edition, title="Szkic z mojego osiedla", district=districts[13], area=area)
    make_proposal(edition, title="Gotowy z mojego osiedla", district=districts[13], area=area, status="ready")
    make_proposal(edition, title="Szkic z innego osiedla", district=districts[13], area=other)
    page = client.get("/ambassadors/dashboard").get_data(as_text=True)
    assert "Szkic z mojego osiedla" in page and "Gotowy z mojego osiedla" in page
    assert "Szkic z innego osiedla" not in page
    assert f'href="/proposals/area/{area.id}"' in page and "See all proposals of the area (2)" in page

    response = client.get(f"/proposals/area/{area.id}")
    assert response.status_code == 200
    assert set(titles(response)) == {"Szkic z mojego osiedla", "Gotowy z mojego osiedla"}
    assert titles(client.get(f"/proposals/area/{area.id}?status=ready")) == ["Gotowy z mojego osiedla"]
    assert client.get(f"/proposals/area/{other.id}").status_code == 403
    assert client.get("/proposals/area/999999").status_code == 404


def test_the_dashboard_shows_the_newest_few_of_an_area(app, client, edition, ambassador, make_proposal, districts):
    for n in range(7):
        make_proposal(edition, title=f"Pomysł {n}", district=districts[13], area=ambassador["area"])
    page = client.get("/ambassadors/dashboard").get_data(as_text=True)
    assert page.count('class="area-proposal-list"') == 1
    assert sum(f"Pomysł {n}<" in page for n in range(7)) == 5
    assert "See all proposals of the area (7)" in page


def test_a_coordinator_opens_any_area_list(app, client, login, people, edition, make_area, make_proposal):
    area = make_area()
    make_proposal(edition, title="Szkic w obszarze", area=area)
    login(client, people["coordinator"])
    assert titles(client.get(f"/proposals/area/{area.id}")) == ["Szkic w obszarze"]


# --- a fixed number of queries whatever the number of proposals ---------------------------------

def _add(make_proposal, edition, count, author, co_author, area, districts, start=0):
    for n in range(start, start + count):
        proposal = make_proposal(edition, author=author, co_authors=[co_author], area=area,
                                 district=districts[13], title=f"Plac zabaw numer {n}")
        yield proposal


@pytest.mark.parametrize("url", ["/proposals/", "/proposals/?q=plac", "/proposals/mine", "/proposals/all",
                                 "/proposals/all?q=zabaw&sort=title", "/proposals/area/{area}",
                                 "/ambassadors/dashboard"])
def test_list_pages_run_the_same_number_of_queries_for_3_and_30_proposals(
        app, client, login, edition, make_proposal, make_user, make_ambassador, make_area, districts,
        count_queries, people, url):
    author, co_author, guide = make_user("Autorka"), make_user("Współautor"), make_user("Ambasador")
    area = make_area(districts[13], "Osiedle Liczone")
    make_ambassador(edition, area, guide)
    url = url.format(area=area.id)
    login(client, {"/proposals/mine": author, "/ambassadors/dashboard": guide}.get(url, people["coordinator"]))
    publish(app, *_add(make_proposal, edition, 3, author, co_author, area, districts))
    client.get(url)
    with count_queries() as few:
        response = client.get(url)
    assert response.status_code == 200
    publish(app, *_add(make_proposal, edition, 27, author, co_author, area, districts, start=3))
    with count_queries() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(few) == len(many), "\n".join(many)


def test_the_ambassador_sends_a_draft_of_their_area_to_consultation_from_its_list(app, client, edition, ambassador,
                                                                                 make_proposal, districts):
    from pbflow.core.models import AuditEvent
    from pbflow.proposals.models import Proposal

    area = ambassador["area"]
    draft = make_proposal(edition, title="Szkic do ekspertów", district=districts[13], area=area)
    make_proposal(edition, title="Gotowy", district=districts[13], area=area, status="ready")
    page = client.get(f"/proposals/area/{area.id}").get_data(as_text=True)
    assert page.count("Send to the verifying units<span") == 1  # only the draft has the button
    response = client.post(f"/proposals/{draft.id}/actions/send_to_consultation", data={"return_to": "area"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/proposals/area/{area.id}")
    with app.app_context():
        assert db.session.get(Proposal, draft.id).status == "in_consultation"
        assert db.session.scalar(db.select(AuditEvent).where(
            AuditEvent.verb == "proposal.send_to_consultation", AuditEvent.object_id == draft.id)) is not None
    assert "Send to the verifying units<span" not in client.get(f"/proposals/area/{area.id}").get_data(as_text=True)


def test_an_incomplete_draft_is_not_sent_and_says_what_is_missing(app, client, edition, ambassador, make_proposal,
                                                                  districts):
    draft = make_proposal(edition, title="Pusty szkic", district=districts[13], area=ambassador["area"], lines=[])
    response = client.post(f"/proposals/{draft.id}/actions/send_to_consultation", data={"return_to": "area"})
    assert response.status_code in (409, 422) and "cost estimate" in response.get_data(as_text=True)


def test_outside_the_meetings_and_workshops_stages_there_is_no_send_button(app, client, login, make_edition,
                                                                          make_ambassador, make_area, make_user,
                                                                          make_proposal, districts):
    edition = make_edition(open_stage="marathons")
    user = make_user("Ola Nowak", "ola.nowak@example.org", locale="en")
    area = make_area(districts[2], "Osiedle Oficerskie")
    make_ambassador(edition, area, user)
    login(client, user)
    draft = make_proposal(edition, title="Spóźniony szkic", district=districts[2], area=area)
    assert "Send to the verifying units" not in client.get(f"/proposals/area/{area.id}").get_data(as_text=True)
    response = client.post(f"/proposals/{draft.id}/actions/send_to_consultation", data={"return_to": "area"})
    assert response.status_code >= 400


def test_another_areas_ambassador_cannot_send_its_draft(app, client, edition, ambassador, make_proposal, make_area,
                                                        districts):
    other = make_area(districts[13], "Osiedle Obce")
    draft = make_proposal(edition, title="Cudzy szkic", district=districts[13], area=other)
    response = client.post(f"/proposals/{draft.id}/actions/send_to_consultation", data={"return_to": "area"})
    assert response.status_code in (403, 404)


# --- bad input: damaged cursors and searches that are not words -----------------------------------

def _cursor(*values):
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


DAMAGED = "This page link is damaged. Start again from the first page."
CURSORS = ["-1", "0", "99999999999999999999", "abc", "²", "x" * 3000, "WyJjaGFuZ2VkIl0", "====", "e30",
           _cursor("changed", "2026-01-01T00:00:00", -5), _cursor("changed", "yesterday", 1),
           _cursor("changed", "2026-01-01T00:00:00+02:00", 1), _cursor("changed", "2026-01-01T00:00:00", 10**30),
           _cursor("changed", "2026-01-01T00:00:00", True), _cursor("title", "x" * 301, 1), _cursor("cost", -1, 1),
           _cursor("status", 99, "2026-01-01T00:00:00", 1), _cursor("changed", "2026-01-01T00:00:00", 1, 2),
           "W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tb", "WyJyZWxldmFuY2UiLE5hTiwxXQ"]


@pytest.mark.parametrize("after", CURSORS)
def test_a_damaged_cursor_is_a_400_with_a_way_back_never_a_500(app, client, login, coordinator, edition,
                                                              make_proposal, make_user, after):
    make_proposal(edition, title="Plac zabaw")
    for url in ("/proposals/all", "/proposals/", "/proposals/?sort=title"):
        response = client.get(f"{url}{'&' if '?' in url else '?'}after={after}")
        assert response.status_code == 400, url
        assert DAMAGED in response.get_data(as_text=True) and ">First page</a>" in response.get_data(as_text=True)
        assert client.htmx("GET", f"{url}{'&' if '?' in url else '?'}after={after}").status_code == 400
    login(client, make_user("Zofia Żak"))
    response = client.get(f"/proposals/mine?after={after}")
    assert response.status_code == 400 and DAMAGED in response.get_data(as_text=True)


def test_a_well_formed_but_made_up_cursor_gives_a_page(app, client, coordinator, edition, make_proposal):
    make_proposal(edition, title="Plac zabaw")
    assert titles(client.get(f"/proposals/all?after={_cursor('changed', '2999-01-01T00:00:00', 1)}")) == ["Plac zabaw"]
    response = client.get(f"/proposals/all?after={_cursor('changed', '1999-01-01T00:00:00', 1)}")
    assert response.status_code == 200 and titles(response) == []
    assert "There are no more proposals." in response.get_data(as_text=True)
    # Another sort's cursor does not fit this sort's keys.
    assert client.get(f"/proposals/all?sort=cost&after={_cursor('changed', '2999-01-01T00:00:00', 1)}"
                      ).status_code == 400


@pytest.mark.parametrize("words", ["a" * 10_000, "zabaw " * 2_000, "!@#$%^&*()_+-=[]{};':\",./<>?", '"', '"plac',
                                   "*", "plac*", "NEAR", "NEAR(plac zabaw)", "plac OR zabaw", "OR", "AND NOT plac",
                                   "-plac", "^plac", "()", "title:plac", "plac & !zabaw", "plac:*", "'", "_", "½ ²",
                                   "zabaw\u0301", "ł" * 50])
def test_a_search_that_is_not_words_gives_a_normal_page(app, client, coordinator, edition, make_proposal, words):
    from urllib.parse import quote

    make_proposal(edition, title="Plac zabaw")
    publish(app, make_proposal(edition, title="Plac zabaw publiczny"))
    for url in ("/proposals/all", "/proposals/"):
        response = client.get(f"{url}?q={quote(words)}")
        assert response.status_code == 200, (url, words)
        page = response.get_data(as_text=True)
        assert "proposal-results" in page and 'role="alert"' not in page
        assert titles(response) or "No proposal matches" in page
    assert set(titles(client.get(f"/proposals/all?q={quote('NEAR(plac zabaw)')}"))) <= {"Plac zabaw",
                                                                                         "Plac zabaw publiczny"}


@pytest.mark.parametrize("query", ["district={d1}", "district={d1}&sort=title", "district={d1}&sort=cost",
                                   "district={d2}&status=draft&sort=cost", "scope=citywide&sort=title",
                                   "area={a0}&sort=changed", "district={d1}&scope=citywide"])
def test_a_list_that_matches_few_shows_what_walking_its_order_shows(app, client, login, monkeypatch, make_edition,
                                                                    make_user, make_area, make_proposal, people,
                                                                    districts, query):
    """A list whose counts say few proposals match reads them by its filters and sorts them (queries_lists.FEW;
    on SQLite, and here on PostgreSQL too): the same rows in the same order, page after page, as walking the
    order's index."""
    from pbflow.proposals import queries_lists
    from tests.web.test_list_query_plans import fill

    monkeypatch.setattr(queries_lists, "_plans_without_statistics", lambda: True)

    made = fill(app, make_edition, make_user, make_area, make_proposal, people, districts)
    app.config["PAGE_SIZE"] = 7
    login(client, made["coordinator"])
    url = "/proposals/all?" + query.format(d1=made["districts"][1].id, d2=made["districts"][2].id,
                                           a0=made["areas"][0].id)

    def every_page():
        seen, link = [], url
        for _page in range(40):
            if not link:
                return seen
            response = client.get(link)
            assert response.status_code == 200
            seen += TITLE.findall(response.get_data(as_text=True))
            link = next_link(response)
        raise AssertionError("the pages never end")

    monkeypatch.setattr(queries_lists, "FEW", -1)
    walked = every_page()
    monkeypatch.setattr(queries_lists, "FEW", 1000)
    assert every_page() == walked
    assert len(walked) == len(set(walked)) and (walked or "citywide" in query)
