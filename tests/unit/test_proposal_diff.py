"""Comparing versions: words added and removed, cost lines matched by name, the totals' difference."""

from decimal import Decimal

import pytest

from pbflow.accounts.models import User
from pbflow.extensions import db
from pbflow.proposals import history
from pbflow.proposals import services as proposals
from pbflow.proposals.costs import CostLine
from pbflow.proposals.models import Proposal


def marked(change):
    """The text as "same [-removed-] {+added+}" pieces, left and right."""
    def show(segments):
        marks = {history.SAME: "{}", history.ADDED: "{{+{}+}}", history.REMOVED: "[-{}-]"}
        return "".join(marks[s.kind].format(s.text) for s in segments)
    return show(change.old), show(change.new)


# --- words ---------------------------------------------------------------------------

def test_an_added_word_is_marked_on_the_new_side_only():
    change = history.diff_words("Plac zabaw przy Zielonej", "Plac zabaw i siłownia przy Zielonej")
    assert change.changed
    assert marked(change) == ("Plac zabaw przy Zielonej", "Plac zabaw {+i siłownia +}przy Zielonej")
    assert change.added_words == ["i siłownia "] and change.removed_words == []


def test_a_replaced_phrase_reads_as_one_change_not_word_by_word():
    change = history.diff_words("Ławki z drewna dębowego stoją.", "Ławki z metalu malowanego stoją.")
    assert marked(change) == ("Ławki z [-drewna dębowego-] stoją.", "Ławki z {+metalu malowanego+} stoją.")


def test_punctuation_is_its_own_token_and_polish_letters_are_words():
    change = history.diff_words("Zieleń przy ulicy Żółkiewskiego.", "Zieleń przy ulicy Żółkiewskiego, dla wszystkich.")
    assert marked(change)[1] == "Zieleń przy ulicy Żółkiewskiego{+, dla wszystkich+}."
    assert marked(change)[0] == "Zieleń przy ulicy Żółkiewskiego."


def test_line_breaks_are_kept_in_both_columns():
    old = "Pierwszy akapit.\n\nDrugi akapit."
    new = "Pierwszy akapit.\n\nDrugi, dłuższy akapit.\n- punkt"
    left, right = marked(history.diff_words(old, new))
    assert left.replace("[-", "").replace("-]", "") == old
    assert right.replace("{+", "").replace("+}", "") == new
    assert "\n\n" in right and "{+\n- punkt+}" in right


def test_equal_texts_are_unchanged_and_empty_ones_too():
    assert not history.diff_words("Bez zmian", "Bez zmian").changed
    assert not history.diff_words("", None).changed
    assert marked(history.diff_words("", "Nowy opis")) == ("", "{+Nowy opis+}")


def test_html_stays_plain_text_in_the_diff():
    change = history.diff_words("Tytuł", "Tytuł <script>alert(1)</script>")
    assert "<script>" in "".join(change.added_words)  # plain data: the template escapes it


# --- costs ---------------------------------------------------------------------------

def test_cost_lines_are_matched_by_name_and_marked():
    old = [CostLine("Ławka", Decimal(4), 1_200_00), CostLine("Kosz na śmieci", Decimal(2), 400_00),
           CostLine("Projekt", Decimal(1), 5_000_00)]
    new = [CostLine("ławka ", Decimal(6), 1_200_00), CostLine("Projekt", Decimal(1), 5_000_00),
           CostLine("Drzewo", Decimal(3), 900_00)]
    rows = history.diff_costs(old, new)
    assert [(row.kind, row.item) for row in rows] == [
        ("changed", "ławka "), ("removed", "Kosz na śmieci"), ("same", "Projekt"), ("added", "Drzewo")]
    bench = rows[0]
    assert bench.quantity_changed and not bench.price_changed and bench.item_changed
    assert bench.difference == 2 * 1_200_00
    assert rows[1].difference == -800_00 and rows[3].difference == 2_700_00


def test_a_price_change_and_repeated_names_pair_in_order():
    old = [CostLine("Słupek", Decimal(2), 100_00), CostLine("Słupek", Decimal(3), 100_00)]
    new = [CostLine("Słupek", Decimal(2), 150_00), CostLine("Słupek", Decimal(3), 100_00),
           CostLine("Słupek", Decimal(1), 100_00)]
    rows = history.diff_costs([line.as_json() for line in old], new)
    assert [row.kind for row in rows] == ["changed", "same", "added"]
    assert rows[0].price_changed and not rows[0].quantity_changed


def test_removed_lines_first_when_nothing_above_matched():
    rows = history.diff_costs([CostLine("Stary", Decimal(1), 1_00), CostLine("Wspólny", Decimal(1), 1_00)],
                              [CostLine("Wspólny", Decimal(1), 1_00)])
    assert [(row.kind, row.item) for row in rows] == [("removed", "Stary"), ("same", "Wspólny")]
    assert history.diff_costs([], []) == []


# --- two saved versions ----------------------------------------------------------------

@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def test_two_saved_versions_compare_field_by_field(ctx, edition, make_proposal, make_user, districts):
    author = make_user("Zofia Dąbrowska")
    proposal = db.session.get(Proposal, make_proposal(edition, author=author).id)
    content = proposals.Content.of(proposals.get_version(proposal))
    content.title = "Plac zabaw i siłownia przy Zielonej"
    content.cost_lines = content.cost_lines + [CostLine("Siłownia plenerowa", Decimal(1), 12_500_00)]
    content.yearly_upkeep += 1_000_00
    content.district_id = districts[1].id
    content.latitude, content.longitude = Decimal("50.061"), Decimal("19.937")
    proposals.save_version(db.session.get(User, author.id), proposal, content, expected_lock=1, change_note="Siłownia")
    db.session.commit()

    pair = history.version_pair(proposal, 1, 2)
    comparison = history.compare(pair[1], pair[2])
    assert comparison.changed and [t.name for t in comparison.changed_texts] == ["title"]
    assert comparison.changed_texts[0].added_words == ["i siłownia "]
    assert comparison.total.difference == 12_500_00 and comparison.upkeep.difference == 1_000_00
    assert [row.kind for row in comparison.cost_rows] == ["same", "same", "added"]
    assert set(comparison.places) == {"district", "coordinates"}
    assert comparison.places["district"].old == districts[0].label
    assert comparison.places["coordinates"].new == (Decimal("50.061"), Decimal("19.937"))
    assert not history.compare(pair[2], pair[2]).changed


def test_huge_different_texts_are_compared_quickly_as_one_replacement():
    import time

    from pbflow.proposals.history import diff_words

    started = time.perf_counter()
    diff = diff_words("x " * 25_000, "y " * 25_000)
    assert time.perf_counter() - started < 2
    assert diff.changed and diff.removed_words and diff.added_words


def test_a_small_edit_in_a_long_text_is_still_marked_word_by_word():
    from pbflow.proposals.history import diff_words

    text = " ".join(f"słowo{i}" for i in range(6000))
    diff = diff_words(text, text.replace("słowo3000 ", "słowo3000 nowe "))
    assert [w.strip() for w in diff.added_words] == ["nowe"] and diff.removed_words == []
