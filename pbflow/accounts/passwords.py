"""Password rules: long enough and not a known common password; no composition rules."""

from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 256
# Passwords of 10+ characters from Django's list of 20,000 common passwords (BSD licence).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
# A valid hash of a random password: checked when the account does not exist, so
# a failed log-in takes as long whether or not the address is registered.
_DUMMY = {}


@cache
def common_passwords():
    return frozenset(line.strip().lower() for line in COMMON_PASSWORDS_FILE.read_text().splitlines() if line.strip())


def password_problem(password):
    """A translated reason why this password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)d characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)d characters.", n=MAX_LENGTH)
    if password.strip().lower() in common_passwords():
        return _l("This password is on a list of commonly used passwords. Choose a less predictable one, for example a few unrelated words.")
    return None


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash, password):
    if not password_hash:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY.setdefault(method, generate_password_hash("not-a-real-password", method=method))
        check_password_hash(dummy, password)
        return False
    return check_password_hash(password_hash, password)
