"""Polish first, English on request: the browser's wish for a first visit, then the person's choice."""

import pytest

from pbflow.accounts.models import User
from pbflow.extensions import db
from tests.conftest import log_in


def lang(response):
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def saved_locale(app, user):
    with app.app_context():
        return db.session.get(User, user.id).locale


def test_pbflow_speaks_polish_by_default(client):
    assert lang(client.get("/")) == "pl"


def test_a_first_time_visitor_whose_browser_prefers_english_gets_english(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert lang(response) == "en"
    assert "From a residents' meeting to a submitted proposal" in response.get_data(as_text=True)


@pytest.mark.parametrize("header", ["de", "de-DE,de;q=0.9,fr;q=0.5", "pl-PL,pl;q=0.9,en;q=0.8", "*"])
def test_other_browser_languages_get_polish(client, header):
    assert lang(client.get("/", headers={"Accept-Language": header})) == "pl"


def test_english_navigation_shows_home_and_log_in(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<nav id="main-menu" aria-label="Main navigation">' in html
    assert 'aria-controls="main-menu" data-menu-toggle hidden>Menu</button>' in html  # folds on a phone
    assert ">Home</a>" in html
    assert ">Log in</a>" in html
    assert ">Register</a>" in html


def test_a_visitor_switches_to_english_and_it_sticks(client):
    response = client.post("/language", data={"locale": "en", "next": "/privacy"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"
    assert lang(client.get("/privacy")) == "en"
    assert lang(client.get("/", headers={"Accept-Language": "pl"})) == "en"
    assert lang(client.get("/login", headers={"Accept-Language": "pl-PL,pl;q=0.9"})) == "en"


def test_a_visitor_switches_back_to_polish(client):
    client.post("/language", data={"locale": "en"})
    client.post("/language", data={"locale": "pl"})
    assert lang(client.get("/", headers={"Accept-Language": "en"})) == "pl"


def test_the_choice_belongs_to_the_visitors_session_only(app, client):
    client.post("/language", data={"locale": "en"})
    assert lang(app.test_client().get("/")) == "pl"


def test_a_signed_in_users_choice_is_saved_to_their_profile(app, client, people):
    resident = people["resident"]
    log_in(client, resident)
    assert lang(client.get("/")) == "pl"
    assert client.post("/language", data={"locale": "en", "next": "/profile"}).status_code == 303
    assert saved_locale(app, resident) == "en"
    assert lang(client.get("/profile")) == "en"

    client.post("/logout")
    later = app.test_client()  # another day, another browser, a Polish one
    log_in(later, resident)
    assert lang(later.get("/", headers={"Accept-Language": "pl"})) == "en"


def test_the_profile_language_wins_over_the_browser(client, make_user):
    log_in(client, make_user("John Smith", "john@example.org", locale="en"))
    assert lang(client.get("/", headers={"Accept-Language": "pl"})) == "en"


@pytest.mark.parametrize("locale", ["de", "", "EN", "en-US", "pl'; DROP TABLE users;--"])
def test_an_unknown_language_is_ignored(client, locale):
    response = client.post("/language", data={"locale": locale, "next": "/privacy"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"
    assert lang(client.get("/privacy")) == "pl"


def test_an_unknown_language_leaves_a_users_profile_alone(app, client, people):
    log_in(client, people["resident"])
    client.post("/language", data={"locale": "fr"})
    assert saved_locale(app, people["resident"]) == "pl"


@pytest.mark.parametrize(("next_url", "location"), [
    ("/users/?q=nowak", "/users/?q=nowak"),
    ("/privacy", "/privacy"),
    ("https://evil.example/", "/"),
    ("//evil.example", "/"),
    ("//evil.example/privacy", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("privacy", "/"),
    ("", "/"),
])
def test_after_switching_the_visitor_returns_only_to_a_page_of_this_site(client, next_url, location):
    response = client.post("/language", data={"locale": "en", "next": next_url})
    assert response.status_code == 303
    assert response.headers["Location"] == location


def test_switching_without_a_next_page_goes_home(client):
    response = client.post("/language", data={"locale": "en"})
    assert response.headers["Location"] == "/"


def test_a_boosted_switch_is_redirected_like_a_plain_form(client):
    response = client.htmx("POST", "/language", data={"locale": "en", "next": "/privacy"},
                           headers={"HX-Boosted": "true"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"


def test_an_htmx_switch_tells_htmx_where_to_go(client):
    response = client.htmx("POST", "/language", data={"locale": "en", "next": "/privacy"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/privacy"
    assert lang(client.get("/privacy")) == "en"


def test_switching_language_needs_the_csrf_token(client):
    response = client.post("/language", data={"locale": "en"}, csrf=False)
    assert response.status_code == 400
    assert lang(client.get("/")) == "pl"


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/privacy", "/no-such-page"])
def test_the_language_switch_is_on_every_page(client, url):
    html = client.get(url).get_data(as_text=True)
    assert '<form method="post" action="/language"' in html
    assert 'name="locale" value="en"' in html
    assert f'name="next" value="{url}"' in html


def test_the_switch_offers_polish_once_english_is_chosen(client):
    client.post("/language", data={"locale": "en"})
    html = client.get("/").get_data(as_text=True)
    assert 'name="locale" value="pl" lang="pl"' in html
    assert 'name="locale" value="en"' not in html


def test_the_switch_is_on_pages_for_signed_in_users(client, people):
    log_in(client, people["coordinator"])
    assert 'action="/language"' in client.get("/users/").get_data(as_text=True)
