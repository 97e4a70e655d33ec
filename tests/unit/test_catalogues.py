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
