"""Password rules: at least 10 characters, at most 256, and not a commonly used password."""

import pytest
from flask_babel import force_locale

from pbflow.accounts import passwords
from pbflow.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    common_passwords,
    hash_password,
    password_problem,
    verify_password,
)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Messages are translated lazily, hashing reads the config: both need the app."""
    with force_locale("en"):
        yield


@pytest.mark.parametrize("password", [
    "correct horse battery",
    "zażółć gęślą jaźń",  # Polish letters are characters like any other
    "a" * 9 + "ż",
    "kopiec kościuszki",
    "x" * MAX_LENGTH,
    "          x",  # no composition rules
])
def test_acceptable_passwords(password):
    assert password_problem(password) is None


@pytest.mark.parametrize("password", ["", "a", "krótkie9x", "ż" * (MIN_LENGTH - 1)])
def test_a_password_under_ten_characters_is_too_short(password):
    problem = password_problem(password)

    assert problem is not None
    assert str(problem) == "Use at least 10 characters."


def test_a_password_over_256_characters_is_too_long():
    assert str(password_problem("x" * (MAX_LENGTH + 1))) == "Use at most 256 characters."


@pytest.mark.parametrize("password", [
    "qwertyuiop",
    "QWERTYUIOP",
    "QwertyUiop",
    "  qwertyuiop  ",
    "1234567890",
    "password123",
])
def test_a_common_password_is_refused_whatever_its_letter_case(password):
    problem = password_problem(password)

    assert problem is not None
    assert "commonly used passwords" in str(problem)


def test_the_list_of_common_passwords_is_loaded_in_lower_case():
    words = common_passwords()

    assert len(words) > 1000
    assert "qwertyuiop" in words
    assert all(word == word.lower() and word == word.strip() for word in words)


def test_only_common_passwords_that_are_long_enough_are_listed():
    """Shorter ones are refused by length already; the file keeps 10+ characters only."""
    assert all(len(word) >= MIN_LENGTH for word in common_passwords())


def test_a_hash_verifies_the_right_password_only(app):
    hashed = hash_password("correct horse battery")

    assert hashed.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert "correct horse battery" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")
    assert not verify_password(hashed, "")


def test_the_same_password_hashes_differently_each_time():
    assert hash_password("correct horse battery") != hash_password("correct horse battery")


@pytest.mark.parametrize("missing", [None, ""])
def test_an_account_without_a_password_never_verifies(missing, monkeypatch):
    checked = []
    real_check = passwords.check_password_hash
    monkeypatch.setattr(passwords, "check_password_hash", lambda h, p: checked.append(h) or real_check(h, p))

    assert verify_password(missing, "anything at all") is False
    # A dummy hash is still checked, so an unknown address takes as long as a known one.
    assert len(checked) == 1
