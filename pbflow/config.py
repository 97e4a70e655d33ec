"""Configuration: safe defaults, overridden from the environment."""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_path():
    return str(Path(os.environ.get("PBFLOW_INSTANCE_PATH", PROJECT_ROOT / "instance")).resolve())


def normalise_database_url(url):
    """Use psycopg 3 for PostgreSQL whatever scheme the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secret_key(folder):
    """Read the instance secret key, creating it once (atomically) when missing."""
    path = Path(folder) / "secret_key"
    if not path.exists():
        # Write a complete file aside, then link it into place: several gunicorn workers
        # starting at once either create it or find it whole, never half-written.
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"empty secret key file {path}")
    return key


def from_environment(folder):
    https = env_flag("PBFLOW_HTTPS")
    upload_max = int(float(os.environ.get("PBFLOW_UPLOAD_MAX_MB", "10")) * 1024 * 1024)
    return {
        "UPLOAD_MAX_BYTES": upload_max,
        "MAX_CONTENT_LENGTH": upload_max + 6 * 1024 * 1024,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or load_secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'pbflow.sqlite3'}"
        ),
        "PBFLOW_HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "RATELIMIT_STORAGE_URI": os.environ.get("PBFLOW_RATELIMIT_STORAGE_URL", "memory://"),
        "MAIL_SERVER": os.environ.get("PBFLOW_MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("PBFLOW_MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("PBFLOW_MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("PBFLOW_MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env_flag("PBFLOW_MAIL_USE_TLS", True),
        "MAIL_DEFAULT_SENDER": os.environ.get("PBFLOW_MAIL_SENDER", "pbflow <no-reply@localhost>"),
        "MAIL_BACKEND": "smtp" if os.environ.get("PBFLOW_MAIL_SERVER") else "log",
        "PROXY_FIX": env_flag("PBFLOW_PROXY_FIX"),
        "BASE_URL": os.environ.get("PBFLOW_BASE_URL", Defaults.BASE_URL).rstrip("/"),
        "DATA_CONTROLLER": os.environ.get("PBFLOW_DATA_CONTROLLER", Defaults.DATA_CONTROLLER),
        "DATA_PROTECTION_CONTACT": os.environ.get("PBFLOW_DATA_PROTECTION_CONTACT", Defaults.DATA_PROTECTION_CONTACT),
        "PAGE_STORE_SIZE": int(os.environ.get("PBFLOW_PAGE_STORE_SIZE", Defaults.PAGE_STORE_SIZE)),
    }


class Defaults:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "pbflow_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_SSL_STRICT = True
    # One uploaded file may be 10 MB (a form error above that); the whole request a little more,
    # so the bare 413 page is only for truly huge requests.
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "pl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Warsaw"
    LANGUAGES = ("pl", "en")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    # Database-backed throttles: they hold across gunicorn workers and app servers.
    THROTTLE_ENABLED = True
    LOGIN_FAILURES_PER_MINUTE = 10
    REGISTRATIONS_PER_HOUR = 10
    RESETS_PER_HOUR = 5
    PASSWORD_RESET_MAX_AGE = 60 * 60
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hash method name, not a password
    PAGE_SIZE = 25
    # Pages kept per app process for visitors who are not signed in (core/web/page_store); 0 renders every time.
    PAGE_STORE_SIZE = 128
    MAIL_BACKEND = "log"
    # Links in e-mails are built from this, never from the request's Host header.
    BASE_URL = "http://127.0.0.1:5000"
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""  # noqa: S105 - empty: no SMTP log-in unless configured
    MAIL_USE_TLS = True
    MAIL_DEFAULT_SENDER = "pbflow <no-reply@localhost>"
    # Named in the privacy notice (RODO art. 13); each city sets its own.
    DATA_CONTROLLER = "Prezydent Miasta Krakowa, Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4, 31-004 Kraków"
    DATA_PROTECTION_CONTACT = "iod@um.krakow.pl"
