"""Language choice and the locale-aware formatting of money and dates."""

from decimal import Decimal

from babel import Locale
from babel import numbers as babel_numbers
from babel.numbers import format_currency
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user


def supported_languages():
    return current_app.config["LANGUAGES"]


def select_locale():
    """Profile for users, session for visitors, then the browser's Accept-Language."""
    languages = supported_languages()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():  # CLI, mail in a background task
        return default
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return preferred_language(request.accept_languages, languages) or default


def preferred_language(accepted, languages):
    """The visitor's most preferred language we have, matching "en-US" to "en" by order of
    preference (werkzeug's best_match prefers an exact "pl" at q=0.4 over "en-US" at q=0.5)."""
    for value, _quality in accepted:  # already sorted by quality
        primary = value.split("-")[0].split("_")[0].lower()
        if primary in languages:
            return primary
    return None


def format_pln(grosze, locale=None):
    """Integer grosze to '1 280 000 zł' (pl) or 'PLN1,280,000' (en); grosze shown only when present."""
    if grosze is None:
        return ""
    locale = Locale.parse(str(locale or get_locale() or "pl"))
    amount = Decimal(int(grosze)) / 100
    pattern = locale.currency_formats["standard"].pattern
    if grosze % 100 == 0:
        pattern = pattern.replace(".00", "")
    return format_currency(amount, "PLN", format=pattern, locale=locale, currency_digits=False)


def local_datetime(value, format="medium"):  # noqa: A002 - mirrors Flask-Babel's name
    """A stored naive-UTC moment in Europe/Warsaw time."""
    return format_datetime(value, format) if value else ""


def local_date(value, format="medium"):  # noqa: A002
    return format_date(value, format) if value else ""


def local_number(value):
    """A quantity such as 2.5 as '2,5' (pl) or '2.5' (en), no trailing zeros added."""
    if value is None:
        return ""
    return babel_numbers.format_decimal(Decimal(value), format="#,##0.###",
                                        locale=Locale.parse(str(get_locale() or "pl")))


def local_percent(value):
    """A share 0–1 as '99,7%' (pl) or '99.7%' (en)."""
    if value is None:
        return ""
    return babel_numbers.format_percent(value, format="#,##0.#%", locale=Locale.parse(str(get_locale() or "pl")))


def init_app(app):
    app.jinja_env.filters["pln"] = format_pln
    app.jinja_env.filters["quantity"] = local_number
    app.jinja_env.filters["share"] = local_percent  # 0–1; "percent" (editions) takes 0–100
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
