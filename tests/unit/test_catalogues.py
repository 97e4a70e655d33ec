"""Both catalogues are complete and current: every string the code shows has a
Polish and an English translation, with the same placeholders."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def extracted_ids():
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


def catalogue(locale):
    with open(ROOT / "pbflow" / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.fixture(scope="module")
def code_ids():
    ids = extracted_ids()
    assert len(ids) > 100  # the extraction itself works
    return ids


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_every_string_in_the_code_is_translated(code_ids, locale):
    cat = catalogue(locale)
    missing, untranslated = [], []
    for msgid in sorted(code_ids):
        message = cat.get(msgid)
        if message is None:
            missing.append(msgid)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            untranslated.append(msgid)
    assert not missing, f"not in the {locale} catalogue (run scripts/translations): {missing[:10]}"
    assert not untranslated, f"untranslated or fuzzy in {locale}: {untranslated[:10]}"


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_translations_keep_their_placeholders(locale):
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalogue(locale).check()]
    assert not problems


def _polish_strings():
    for message in catalogue("pl"):
        if message.id:
            yield from (message.string if isinstance(message.string, tuple) else (message.string,))


# One word for one thing across the Polish catalogue (the glossary in design.md), and one register.
POLISH_VARIANTS = {
    "maraton składania propozycji": "maraton składania wniosków",
    "maratonu składania propozycji": "maratonu składania wniosków",
    "szkic projektu": "szkic propozycji",
    "szkicem projektu": "szkicem propozycji",
    "(nieobowiązkowo)": "(opcjonalnie)",
    "Nieobowiązkowe,": "Opcjonalnie,",
    "główna autorka": "główny autor",
    "Niewybrany do realizacji": "Niewybrane do realizacji",
}


def test_the_polish_catalogue_names_each_thing_one_way():
    found = {bad: text for text in _polish_strings() for bad in POLISH_VARIANTS if bad in text}
    assert found == {}, {bad: f"use “{POLISH_VARIANTS[bad]}”: {text}" for bad, text in found.items()}


def test_a_polish_e_mail_starts_its_first_sentence_with_a_capital_after_the_greeting():
    """“Dzień dobry, Anno!” ends a sentence, so the next one starts with a capital letter."""
    import re

    polish = {m.id: m.string for m in catalogue("pl") if m.id}
    assert polish["Hello %(name)s,"].endswith("!")
    lowercase = []
    for template in sorted((ROOT / "pbflow" / "templates").glob("*/mail/*.txt")):
        lines = template.read_text().splitlines()
        if not lines or 'Hello %(name)s,' not in lines[0]:
            continue
        first = next((line for line in lines[1:] if line.strip()), "")
        for msgid in re.findall(r'_\("((?:[^"\\]|\\.)*)"', first):
            text = polish.get(msgid.replace('\\"', '"'), "")
            if text and not text.startswith("%(") and not text[0].isupper():  # a name starts with a capital
                lowercase.append((template.name, text[:60]))
    assert lowercase == []
