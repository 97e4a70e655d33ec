"""Language choice and the locale-aware formatting of money and dates."""

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel.numbers import format_currency, get_currency_symbol, parse_pattern
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Domain, get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from pbflow.extensions import babel


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


@lru_cache(maxsize=32)
def _locale(locale):
    """One parsed Locale per language (given as a name or a Locale): parsing "pl" again for every amount shown, and
    loading its data into a fresh Locale on every request, cost more than the formatting."""
    return Locale.parse(str(locale))


_last_parsed = (None, None)  # (the Locale Flask-Babel gave, ours): a page formats dozens of dates and amounts


def _current_locale(locale=None):
    global _last_parsed  # noqa: PLW0603 - one pair, replaced whole (atomic under threads)
    if locale is None:
        try:
            locale = g._flask_babel.babel_locale  # where Flask-Babel keeps the request's (or a forced) locale
        except (AttributeError, RuntimeError):  # not chosen yet, or no app context
            locale = None
        locale = locale or get_locale() or "pl"
    given, parsed = _last_parsed
    if given is locale:  # the same object, held here so its id cannot be reused: hashing a Locale costs more
        return parsed
    parsed = _locale(locale)
    _last_parsed = (locale, parsed)
    return parsed


@lru_cache(maxsize=32)
def _pln_format(locale, whole):
    """The locale's currency pattern (without ".00" for whole złoty), parsed once, and the złoty symbol; None when
    the pattern names the currency in words (then babel's own path, whose words depend on the amount)."""
    pattern = locale.currency_formats["standard"].pattern
    if whole:
        pattern = pattern.replace(".00", "")
    if "¤¤¤" in pattern:
        return None
    return parse_pattern(pattern), get_currency_symbol("PLN", locale)


def format_pln(grosze, locale=None):
    """Integer grosze to '1 280 000 zł' (pl) or 'PLN1,280,000' (en); grosze shown only when present."""
    if grosze is None:
        return ""
    return _formatted_pln(int(grosze), _current_locale(locale))


@lru_cache(maxsize=4096)
def _formatted_pln(grosze, locale):
    """Kept per amount and language: a list shows 25 amounts on every request, mostly the same ones again."""
    amount = Decimal(int(grosze)) / 100
    whole = grosze % 100 == 0
    prepared = _pln_format(locale, whole)
    if prepared is None:
        pattern = locale.currency_formats["standard"].pattern
        return format_currency(amount, "PLN", format=pattern.replace(".00", "") if whole else pattern,
                               locale=locale, currency_digits=False)
    # What format_currency does with this pattern, less the currency's name in words (worked out for every amount
    # although only a "¤¤¤" pattern shows it) and the pattern parsing: the sign goes in as "¤" and out as symbol.
    pattern, symbol = prepared
    return pattern.apply(amount, locale, currency_digits=False).replace("¤¤", "PLN").replace("¤", symbol)


def local_datetime(value, format="medium"):  # noqa: A002 - mirrors Flask-Babel's name
    """A stored naive-UTC moment in Europe/Warsaw time."""
    if not value:
        return ""
    # What Flask-Babel's format_datetime does (pbflow sets no date formats of its own), with the locale already
    # parsed: a list page shows dozens of dates.
    return babel_dates.format_datetime(value, format or "medium", tzinfo=get_timezone(), locale=_current_locale())


def local_date(value, format="medium"):  # noqa: A002
    if not value:
        return ""
    if isinstance(value, datetime):  # a stored moment: its day in Warsaw
        value = _in_zone(value, _zone_name())
    return _formatted_date(value if type(value) is date else date(value.year, value.month, value.day),
                           format or "medium", _current_locale())


def _zone_name():
    """The request's time zone by name, from pytz or zoneinfo alike: read where Flask-Babel keeps it once chosen
    (as _current_locale reads the locale), since a list formats 25 dates."""
    try:
        chosen = g._flask_babel.babel_tzinfo
    except (AttributeError, RuntimeError):  # not chosen yet, or no app context
        chosen = None
    return str(chosen or get_timezone())


def _in_zone(moment, zone):
    """A stored naive-UTC moment in `zone`, by the standard library's zoneinfo (in C): what Flask-Babel's
    to_user_timezone does through pytz, at a tenth of its cost, for the 25 dates of every list page."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(zone))


@lru_cache(maxsize=8)
def _zone(name):
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def _formatted_date(day, format, locale):  # noqa: A002
    """Kept per day, format and language: a list shows 25 dates on every request, from a few hundred days."""
    return babel_dates.format_date(day, format, locale=locale)


_QUANTITY = parse_pattern("#,##0.###")  # parsed once, not on every call (format_decimal parses its format each time)
_SHARE = parse_pattern("#,##0.#%")


def local_number(value):
    """A quantity such as 2.5 as '2,5' (pl) or '2.5' (en), no trailing zeros added."""
    if value is None:
        return ""
    return _QUANTITY.apply(Decimal(value), _current_locale())


def local_percent(value):
    """A share 0–1 as '99,7%' (pl) or '99.7%' (en)."""
    if value is None:
        return ""
    return _SHARE.apply(value, _current_locale())


class _Domain(Domain):
    """Flask-Babel's message domain, finding the catalogue in fewer steps: a page translates a hundred words (the
    templates' _(), lazy labels of menus, forms and statuses) and Flask-Babel looks up the request state, the
    locale and the locale's name again for each. The locale is read where Flask-Babel keeps it on every call, so
    force_locale() and refresh() take effect as before; the catalogue is the one Flask-Babel loaded for it."""

    def __init__(self):
        super().__init__()
        self._by_locale = {}
        self._last = (object(), None)  # (the request's Locale, its catalogue), replaced whole

    def catalogue_for(self, locale):
        """The catalogue loaded for `locale`, KeyError if none is yet. Each request brings a new Locale object,
        which the dict must hash and compare on every word; the same object again is recognised at once."""
        last_locale, catalogue = self._last
        if last_locale is locale:
            return catalogue
        catalogue = self._by_locale[locale]
        self._last = (locale, catalogue)
        return catalogue

    def get_translations(self):
        try:
            return self.catalogue_for(g._flask_babel.babel_locale)
        except (AttributeError, KeyError, RuntimeError):  # locale not chosen yet, not loaded yet, or no app context
            pass
        catalogue = super().get_translations()
        state = g.get("_flask_babel") if has_app_context() else None
        locale = getattr(state, "babel_locale", None)
        if locale is not None:
            self._by_locale[locale] = catalogue
        return catalogue


def _kept_catalogue():
    """The catalogue pbflow's domain keeps for the current locale, or None when it keeps none (yet)."""
    try:
        state = g._flask_babel
        return state.babel_domain.catalogue_for(state.babel_locale)
    except (AttributeError, KeyError, RuntimeError):  # as in _Domain.get_translations, or another domain in use
        return None


def _catalogue():
    """flask_babel.get_translations() for the templates' _(), without its own lookups of the request state."""
    catalogue = _kept_catalogue()
    return get_translations() if catalogue is None else catalogue


_TRANSLATED_MAX = 20_000  # words kept translated (the templates hold about 2,000, in two languages)
_translated = {}  # (catalogue, text, escaped) -> the finished text of a word without variables


@pass_eval_context
def _template_gettext(eval_context, string, **variables):
    """The templates' _() and gettext(): what Jinja's newstyle gettext does (escaped unless the template is not,
    always a format string), called directly. Jinja's own goes through three calls of the template context
    (the `_` alias, the newstyle wrapper, the catalogue function): 6 µs a word, and a list page has hundreds.
    A word without variables is kept finished per catalogue (a loaded catalogue never changes)."""
    catalogue = _kept_catalogue()
    if catalogue is None or variables:  # outside an app, each call has a catalogue of its own: nothing to keep by
        return _finished(eval_context, _catalogue().ugettext(string), variables)
    key = (catalogue, string, eval_context.autoescape)
    finished = _translated.get(key)
    if finished is None:
        if len(_translated) >= _TRANSLATED_MAX:  # only a template translating made-up text gets here
            _translated.clear()
        finished = _translated[key] = _finished(eval_context, catalogue.ugettext(string), variables)
    return finished


@pass_eval_context
def _template_ngettext(eval_context, singular, plural, number, **variables):
    """The templates' ngettext(), as _template_gettext: `num` is the number unless given."""
    variables.setdefault("num", number)
    return _finished(eval_context, _catalogue().ungettext(singular, plural, number), variables)


def _finished(eval_context, translated, variables):
    """What Jinja's newstyle gettext makes of a translation: trusted in an escaped template, always formatted."""
    if eval_context.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue's text, as Jinja's own gettext trusts it
    return translated % variables


def init_app(app):
    if not isinstance(babel.__dict__.get("domain_instance"), _Domain):  # one Babel for every app, like its domain
        babel.domain_instance = _Domain()
    # The callables Flask-Babel installs (pbflow.create_app calls this after babel.init_app), over _catalogue().
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    app.jinja_env.filters["pln"] = format_pln
    app.jinja_env.filters["quantity"] = local_number
    app.jinja_env.filters["share"] = local_percent  # 0–1; "percent" (editions) takes 0–100
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date
