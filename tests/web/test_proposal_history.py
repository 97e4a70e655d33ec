"""Authors revise a proposal; everyone who may see it can read its history, open an old version,
compare any two versions side by side and print a clean summary."""

import re
from decimal import Decimal

import pytest

from pbflow.accounts.models import User
from pbflow.core.i18n import format_pln
from pbflow.extensions import db
from pbflow.proposals import costs
from pbflow.proposals import services as proposals
from pbflow.proposals.models import DraftVisibility, Proposal
from pbflow.proposals.views import history as views_history


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def author(make_user):
    return make_user("Zofia Dąbrowska", "zofia@example.org")


def revise(app, proposal_id, user, edit, note=""):
    """Save a new version through the service, as the editing form would."""
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        content = proposals.Content.of(proposals.get_version(proposal))
        edit(content)
        proposals.save_version(db.session.get(User, user.id), proposal, content, proposal.current_version,
                               change_note=note)
        db.session.commit()


def revise_many(app, proposal_id, user, times):
    for n in range(times):
        def edit(content, n=n):
            content.summary = f"{content.summary} Poprawka {n}."
            first = content.cost_lines[0]
            content.cost_lines = [costs.CostLine(first.item, first.quantity, first.unit_price + 100),
                                  *content.cost_lines[1:]]
        revise(app, proposal_id, user, edit, note=f"Zmiana {n}")


def add_gym(content):
    content.title = "Plac zabaw i siłownia przy Zielonej"
    content.description = content.description.replace("ławkami", "ławkami, siłownią plenerową")
    content.cost_lines = [content.cost_lines[0], costs.CostLine("Siłownia plenerowa", Decimal(1), 12_500_00)]
    content.yearly_upkeep += 500_00


@pytest.fixture
def revised(app, edition, author, make_proposal):
    """A draft in two versions: the gym added, the safe surface dropped."""
    proposal = make_proposal(edition, author=author)
    revise(app, proposal.id, author, add_gym, note="Dodana siłownia")
    return proposal


def text_of(response):
    return response.get_data(as_text=True)


# --- the history ----------------------------------------------------------------------

def test_the_history_lists_every_version_with_who_when_note_and_total(client, login, author, revised, english):
    login(client, author)
    response = client.get(f"/proposals/{revised.id}/history")
    html = text_of(response)
    assert response.status_code == 200
    assert html.count("Zofia Dąbrowska") >= 2 and "Dodana siłownia" in html
    assert f'href="/proposals/{revised.id}/versions/1"' in html and f'href="/proposals/{revised.id}/versions/2"' in html
    assert format_pln(4 * 25_000_00 + 42_175_00, "en") in html  # version 1's total
    # Two radio groups, previous vs current picked, a GET form to the comparison.
    assert f'action="/proposals/{revised.id}/compare"' in html and 'method="get"' in html
    assert re.search(r'name="a" value="1" id="a-1" checked', html)
    assert re.search(r'name="b" value="2" id="b-2" checked', html)
    assert "Compare from version 1" in html and ">Compare</button>" in html


def test_the_proposal_page_links_to_history_and_print(client, login, author, revised, english):
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}"))
    assert f'href="/proposals/{revised.id}/history"' in html and f'href="/proposals/{revised.id}/print"' in html


def test_a_long_history_is_paginated(app, client, login, author, edition, make_proposal, monkeypatch, english):
    monkeypatch.setattr(views_history, "HISTORY_PAGE_SIZE", 5)
    proposal = make_proposal(edition, author=author)
    revise_many(app, proposal.id, author, 6)  # versions 1..7
    login(client, author)
    first = text_of(client.get(f"/proposals/{proposal.id}/history"))
    assert "Version 7" in first and "Version 3" in first and "Version 2<" not in first
    assert f'href="/proposals/{proposal.id}/history?page=2"' in first
    second = text_of(client.get(f"/proposals/{proposal.id}/history?page=2"))
    assert "Version 2" in second and "Version 1" in second and "Version 7" not in second


def test_an_old_version_is_shown_read_only_with_a_clear_notice(client, login, author, revised, english):
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}/versions/1"))
    assert "This is an old version (1 of 2)" in html
    assert "<h1>Plac zabaw przy Zielonej</h1>" in html and "Nawierzchnia bezpieczna" in html
    assert f'href="/proposals/{revised.id}/compare?a=1&amp;b=2"' in html
    current = text_of(client.get(f"/proposals/{revised.id}/versions/2"))
    assert "This is the current version" in current and "Siłownia plenerowa" in current
    assert client.get(f"/proposals/{revised.id}/versions/3").status_code == 404
    assert client.get(f"/proposals/{revised.id}/versions/99999999999999999999").status_code == 404


# --- the comparison ---------------------------------------------------------------------

def test_the_comparison_marks_words_cost_lines_and_the_total(client, login, author, revised, english):
    login(client, author)
    response = client.get(f"/proposals/{revised.id}/compare?a=1&b=2")
    html = text_of(response)
    assert response.status_code == 200
    added = '<ins class="diff-added"><span class="visually-hidden">[added: </span>{}<span class="visually-hidden">]</span></ins>'
    removed = '<del class="diff-removed"><span class="visually-hidden">[removed: </span>{}<span class="visually-hidden">]</span></del>'
    assert added.format("i siłownia ") in html  # the title, word by word
    assert added.format(", siłownią plenerową") in html  # the description
    assert added.format("Siłownia plenerowa") in html and removed.format("Nawierzchnia bezpieczna") in html
    assert '<td class="cost-change" data-label="Change">Added</td>' in html
    assert '<td class="cost-change" data-label="Change">Removed</td>' in html
    difference = 12_500_00 - 42_175_00
    assert f"−{format_pln(-difference, 'en')}" in html  # the total went down
    assert f"+{format_pln(500_00, 'en')}" in html  # the upkeep went up
    assert "Unchanged:" in html and "Summary" in html


def test_the_total_difference_reads_the_polish_way(app, client, login, author, edition, make_proposal):
    proposal = make_proposal(edition, author=author)

    def gym(content):
        content.cost_lines = [*content.cost_lines, costs.CostLine("Siłownia", Decimal(1), 12_500_00)]
    revise(app, proposal.id, author, gym)
    login(client, author)
    html = text_of(client.get(f"/proposals/{proposal.id}/compare"))
    assert "+" + format_pln(12_500_00, "pl") in html
    assert format_pln(12_500_00, "pl").replace("\xa0", " ") == "12 500 zł"


def test_without_arguments_the_last_change_is_compared_older_left(app, client, login, author, revised, english):
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}/compare"))
    assert html.index(">Version 1</a>") < html.index(">Version 2</a>")
    swapped = text_of(client.get(f"/proposals/{revised.id}/compare?a=2&b=1"))
    assert swapped.index(">Version 1</a>") < swapped.index(">Version 2</a>")


def test_a_proposal_with_one_version_has_nothing_to_compare(client, login, author, edition, make_proposal, english):
    proposal = make_proposal(edition, author=author)
    login(client, author)
    response = client.get(f"/proposals/{proposal.id}/compare")
    assert response.status_code == 200 and "only one version so far" in text_of(response)


@pytest.mark.parametrize("query, status, message", [
    ("a=1", 400, "Choose two versions to compare."),
    ("b=2", 400, "Choose two versions to compare."),
    ("a=x&b=2", 400, "A version is chosen by its number"),
    ("a=-1&b=2", 400, "A version is chosen by its number"),
    ("a=%C2%B2&b=2", 400, "A version is chosen by its number"),
    ("a=1&b=99999999999999999999", 400, "A version is chosen by its number"),
    ("a=1&b=9", 404, "This proposal has no version 9. It has versions 1 to 2."),
    ("a=1&b=2147483647", 404, "This proposal has no version 2147483647."),
    ("a=2&b=2", 200, "You chose version 2 twice."),
])
def test_bad_version_numbers_get_a_clear_message(client, login, author, revised, english, query, status, message):
    login(client, author)
    response = client.get(f"/proposals/{revised.id}/compare?{query}")
    assert response.status_code == status
    assert message in text_of(response)


def test_html_in_a_text_is_shown_escaped_in_the_comparison(app, client, login, author, revised, english):
    def inject(content):
        content.title = "Plac <script>alert('x')</script> zabaw"
        content.summary = content.summary + ' <img src=x onerror="alert(1)">'
    revise(app, revised.id, author, inject)
    login(client, author)
    for url in (f"/proposals/{revised.id}/compare?a=2&b=3", f"/proposals/{revised.id}/history",
                f"/proposals/{revised.id}/versions/3", f"/proposals/{revised.id}/print"):
        html = text_of(client.get(url))
        assert "<script>alert" not in html and "<img src=x" not in html, url
    html = text_of(client.get(f"/proposals/{revised.id}/compare?a=2&b=3"))
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html


def test_the_description_is_compared_as_its_reader_sees_it_not_as_markdown(app, client, login, author, revised,
                                                                          english):
    def headed(content):
        content.description = ("## Dlaczego\n\nNa skwerze **brakuje** miejsca do zabawy.\n\n- ławki\n- drzewa\n\n"
                               "<script>alert(1)</script>Koniec.")
    revise(app, revised.id, author, headed)

    def reworded(content):
        content.description = ("## Dlaczego teraz\n\nNa skwerze **naprawdę brakuje** miejsca do zabawy.\n\n"
                               "- ławki\n- drzewa\n- kosze\n\n<script>alert(1)</script>Koniec.")
    revise(app, revised.id, author, reworded)
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}/compare?a=3&b=4"))
    section = html[html.index('id="diff-description"'):html.index("</section>", html.index('id="diff-description"'))]
    assert "##" not in section and "**" not in section and "- kosze" not in section
    assert re.search(r"\[added: </span>\s*teraz", section) and re.search(r"\[added: </span>\s*naprawdę", section)
    assert "• kosze" in section
    assert "<script>" not in section and "alert(1)" not in section  # sanitised before it is compared
    assert "Only the formatting changed" not in section


def test_a_change_of_formatting_alone_is_named_as_such(app, client, login, author, revised, english):
    def bold(content):
        content.description = content.description.replace("plac zabaw", "**plac zabaw**")
    revise(app, revised.id, author, bold)
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}/compare?a=2&b=3"))
    assert "Only the formatting changed (headings, bold text, lists); the words are the same." in html
    assert "**" not in html and "These two versions have the same content." not in html


def test_polish_letters_survive_the_comparison(app, client, login, author, revised):
    def polish(content):
        content.beneficiaries = "Dzieci, młodzież i seniorzy z osiedla Źródlana — zażółć gęślą jaźń"
    revise(app, revised.id, author, polish)
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}/compare"))
    assert "zażółć gęślą jaźń" in html and "Źródlana" in html


def test_a_change_of_district_and_coordinates_is_shown(app, client, login, author, revised, districts, english):
    def move(content):
        content.district_id = districts[2].id
        content.latitude, content.longitude = Decimal("50.0614"), Decimal("19.9366")
    revise(app, revised.id, author, move)
    login(client, author)
    html = text_of(client.get(f"/proposals/{revised.id}/compare"))
    assert districts[0].label in html and districts[2].label in html
    assert "50.061400, 19.936600" in html or "50.0614, 19.9366" in html


# --- who may see it ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["history", "versions/1", "compare?a=1&b=2", "compare", "print"])
def test_a_private_draft_history_is_closed_to_strangers(client, login, people, revised, path):
    url = f"/proposals/{revised.id}/{path}"
    assert client.get(url).status_code == 302  # a visitor is asked to log in first
    login(client, people["resident"])
    assert client.get(url).status_code == 403
    assert client.get(f"/proposals/999999/{path}").status_code == 404


def test_a_coordinator_and_a_public_proposal_reader_see_the_history(app, client, login, people, revised):
    login(client, people["coordinator"])
    assert client.get(f"/proposals/{revised.id}/history").status_code == 200
    with app.app_context():
        db.session.get(Proposal, revised.id).is_public = True
        db.session.commit()
    visitor = app.test_client()
    assert visitor.get(f"/proposals/{revised.id}/compare").status_code == 200


def test_an_edition_visible_draft_is_open_to_residents(app, client, login, people, revised):
    with app.app_context():
        db.session.get(Proposal, revised.id).draft_visibility = DraftVisibility.EDITION.value
        db.session.commit()
    login(client, people["resident"])
    assert client.get(f"/proposals/{revised.id}/history").status_code == 200


# --- the printable summary ------------------------------------------------------------

def test_the_printable_summary_holds_the_current_version(app, client, login, author, revised, make_user, english):
    neighbour = make_user("Jan Kowalczyk")
    with app.app_context():
        proposals.add_author(db.session.get(Proposal, revised.id), neighbour)
        db.session.commit()

    def markdown(content):
        content.description = "Plac z **bezpieczną** nawierzchnią.\n\n- ławki\n- zieleń"
    revise(app, revised.id, author, markdown, note="Opis w punktach")
    login(client, author)
    response = client.get(f"/proposals/{revised.id}/print")
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1>Plac zabaw i siłownia przy Zielonej</h1>" in html
    assert "Wspólne Projekty 2026" in html and "Draft" in html
    assert "<strong>bezpieczną</strong>" in html and "<li>zieleń</li>" in html
    assert "Siłownia plenerowa" in html and format_pln(8_500_00, "en") in html  # cost table with upkeep
    assert "Zofia Dąbrowska (lead author), Jan Kowalczyk" in html
    assert "Version 3, saved by Zofia Dąbrowska" in html
    assert '<button type="button" data-print hidden>Print</button>' in html
    assert "<script>" not in html.split("<body", 1)[1]  # no inline script, the handler lives in app.js


def test_the_print_stylesheet_hides_the_page_furniture(app):
    css = (app.static_folder + "/css/pbflow.css")
    with open(css, encoding="utf-8") as stylesheet:
        rules = stylesheet.read().rsplit("@media print", 1)[1]
    for selector in (".site-header", ".site-footer", "button", ".print-controls"):
        assert selector in rules
    assert "border: 1px solid #000" in rules and "break-inside: avoid" in rules


# --- fixed query counts -------------------------------------------------------------------

def test_history_pages_run_the_same_queries_whatever_the_versions_and_lines(
        app, client, login, author, edition, make_proposal, count_queries):
    small = make_proposal(edition, author=author, lines=[("Ławka", Decimal(1), 1_200_00)])
    revise_many(app, small.id, author, 1)  # 2 versions, 1 line
    large = make_proposal(edition, author=author,
                          lines=[(f"Pozycja {n}", Decimal(n + 1), 1_000_00 + n) for n in range(40)])
    revise_many(app, large.id, author, 24)  # 25 versions, 40 lines
    login(client, author)
    for path in ("history", "versions/1", "compare", "compare?a=1&b=2", "print"):
        counts = []
        for proposal in (small, large):
            url = f"/proposals/{proposal.id}/{path}"
            assert client.get(url).status_code == 200
            with count_queries() as statements:
                client.get(url)
            counts.append(len(statements))
        assert counts[0] == counts[1], (path, counts)
