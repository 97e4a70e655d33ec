"""Money and times as a Kraków resident reads them: PLN for the locale, Europe/Warsaw time."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from flask import render_template_string, session
from flask_babel import force_locale, gettext, lazy_gettext, refresh

from pbflow.core import i18n
from pbflow.core.i18n import format_pln, local_date, local_datetime, local_number, local_percent


@pytest.mark.parametrize(("grosze", "locale", "expected"), [
    (128_000_000, "pl", "1\xa0280\xa0000\xa0zł"),
    (12_345, "pl", "123,45\xa0zł"),
    (100, "pl", "1\xa0zł"),
    (5, "pl", "0,05\xa0zł"),
    (128_000_000, "en", "PLN1,280,000"),
    (12_345, "en", "PLN123.45"),
    (0, "en", "PLN0"),
])
def test_a_district_pool_is_shown_in_zloty_for_the_locale(grosze, locale, expected):
    assert format_pln(grosze, locale) == expected


def test_no_amount_is_shown_as_nothing():
    assert format_pln(None) == ""
    assert format_pln(None, "en") == ""


@pytest.mark.parametrize(("grosze", "locale", "expected"), [
    (-12_345, "pl", "-123,45\xa0zł"),
    (-100, "en", "-PLN1"),
    (1, "en", "PLN0.01"),
    (10**15, "pl", "10\xa0000\xa0000\xa0000\xa0000\xa0zł"),
    (12_345, "de", "123,45\xa0PLN"),  # a locale whose symbol for the złoty is its code
])
def test_negative_tiny_huge_and_other_locales_read_as_babel_writes_them(grosze, locale, expected):
    assert format_pln(grosze, locale) == expected


def test_quantities_and_shares_follow_the_current_locale(app):
    with app.test_request_context():
        with force_locale("pl"):
            assert (local_number(2.5), local_number(Decimal("1234.5000")), local_number(None)) == ("2,5", "1\xa0234,5", "")
            assert (local_percent(0.997), local_percent(1), local_percent(None)) == ("99,7%", "100%", "")
        with force_locale("en"):
            assert (local_number(2.5), local_number(Decimal("1234567.891"))) == ("2.5", "1,234,567.891")
            assert local_percent(0.125) == "12.5%"


def test_words_follow_the_locale_also_when_it_changes_within_a_request(app):
    """pbflow's message domain keeps its own hold on the catalogues: a forced or refreshed locale still counts, in
    templates, in gettext and in lazy strings."""
    page = "{{ _('Log in') }}"
    label = lazy_gettext("Log in")

    def words():
        return render_template_string(page), gettext("Log in"), str(label)

    with app.test_request_context(headers={"Accept-Language": "pl"}):
        assert words() == ("Zaloguj się",) * 3
        with force_locale("en"):
            assert words() == ("Log in",) * 3
        assert words() == ("Zaloguj się",) * 3
        session["locale"] = "en"
        refresh()
        assert words() == ("Log in",) * 3
    with app.app_context(), force_locale("pl"):  # an e-mail composed outside any request
        assert words() == ("Zaloguj się",) * 3


def test_the_templates_words_are_translated_escaped_and_formatted_as_jinja_does(app):
    """core/i18n's quicker _() and ngettext() give what Jinja's newstyle gettext gives: the translation trusted,
    its variables escaped, '%%' as '%', plain text where a template is not escaped; a word kept finished stays
    in its language."""
    page = ("{{ _('Year') }}|{{ _('Year') }}|{{ _('%(name)s now has the role: %(role)s.', name='<b>Ala</b>', "
            "role='x') }}|{{ _('100%% sure') }}|{{ ngettext('%(num)d project', '%(num)d projects', 3) }}")
    with app.test_request_context(headers={"Accept-Language": "pl"}):
        first = render_template_string(page).split("|")
        assert first[0] == first[1] == "Rok"
        assert first[2].startswith("&lt;b&gt;Ala&lt;/b&gt;") and "<b>" not in first[2]
        assert first[3] == "100% sure" and first[4] == "3 projekty"
        with force_locale("en"):
            assert render_template_string(page).split("|")[0] == "Year"
        assert render_template_string(page).split("|")[0] == "Rok"
        plain = app.jinja_env.overlay(autoescape=False).from_string("{{ _('%(name)s now has the role: %(role)s.', "
                                                                    "name='<b>Ala</b>', role='x') }}")
        assert plain.render().startswith("<b>Ala</b>")
    kept = len(i18n._translated)
    assert app.jinja_env.from_string("{{ _('Year') }}").render() == "Year"  # no app: not kept, nothing to keep by
    assert len(i18n._translated) == kept


def test_money_follows_the_current_locale_when_none_is_given(app):
    with app.test_request_context():
        with force_locale("pl"):
            assert format_pln(12_345) == "123,45\xa0zł"
        with force_locale("en"):
            assert format_pln(12_345) == "PLN123.45"


@pytest.mark.parametrize(("stored_utc", "warsaw"), [
    (datetime(2026, 1, 15, 12, 0), "13:00"),   # winter: UTC+1
    (datetime(2026, 7, 15, 12, 0), "14:00"),   # summer: UTC+2
    (datetime(2026, 3, 29, 0, 59), "01:59"),   # the minute before the clocks go forward
    (datetime(2026, 3, 29, 1, 0), "03:00"),    # ...and the minute after
])
def test_a_stored_utc_moment_is_shown_in_warsaw_time(app, stored_utc, warsaw):
    with app.test_request_context(), force_locale("pl"):
        assert local_datetime(stored_utc, "HH:mm") == warsaw
        assert warsaw in local_datetime(stored_utc, "short")


def test_a_meeting_time_reads_naturally_in_each_language(app):
    meeting = datetime(2026, 7, 15, 16, 30)  # 18:30 in Kraków
    with app.test_request_context():
        with force_locale("pl"):
            assert local_datetime(meeting, "short") == "15.07.2026, 18:30"
        with force_locale("en"):
            assert local_datetime(meeting, "short") == "7/15/26, 6:30\u202fPM"


def test_a_late_evening_moment_falls_on_the_next_day_in_warsaw(app):
    new_year = datetime(2025, 12, 31, 23, 30)  # 00:30 on 1 January in Kraków
    with app.test_request_context(), force_locale("pl"):
        assert local_datetime(new_year, "yyyy-MM-dd HH:mm") == "2026-01-01 00:30"
        assert local_date(date(2026, 1, 1), "yyyy-MM-dd") == "2026-01-01"
        assert local_date(new_year, "yyyy-MM-dd") == "2026-01-01"  # a stored moment: its day in Kraków
        assert local_date(datetime(2026, 7, 14, 22, 30), "yyyy-MM-dd") == "2026-07-15"  # summer time, UTC+2
        assert local_date(datetime(2026, 7, 14, 21, 30), "yyyy-MM-dd") == "2026-07-14"
        assert local_date(datetime(2026, 3, 29, 0, 30), "yyyy-MM-dd") == "2026-03-29"  # the night clocks go forward


def test_missing_moments_are_shown_as_nothing(app):
    with app.test_request_context(), force_locale("pl"):
        assert local_datetime(None) == ""
        assert local_date(None) == ""
