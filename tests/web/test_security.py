"""The security baseline: headers on every response, CSRF, cookies, no inline scripts."""

import re

import pytest

from tests.conftest import PASSWORD

REQUIRED_CSP = ["default-src 'self'", "script-src 'self'", "object-src 'none'",
                "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"]


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


@pytest.mark.parametrize("method,url", [
    ("GET", "/"), ("GET", "/login"), ("GET", "/healthz"), ("GET", "/no-such-page"),
    ("GET", "/static/css/pbflow.css"), ("GET", "/users/"), ("POST", "/login"), ("POST", "/logout"),
])
def test_every_response_carries_the_security_headers(client, method, url):
    response = client.open(url, method=method)
    response.close()  # static files are streamed
    assert_security_headers(response)


def test_a_post_without_the_csrf_token_is_refused_with_400(client, people):
    response = client.post("/login", data={"email": people["resident"].email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)


def test_htmx_sends_the_token_in_a_header(client, people):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    data = {"email": people["resident"].email, "password": PASSWORD}
    assert client.post("/login", data=data, csrf=False, headers={"X-CSRFToken": token}).status_code == 303


def test_a_language_switch_without_token_changes_nothing(client):
    assert client.post("/language", data={"locale": "en"}, csrf=False).status_code == 400
    assert 'lang="pl"' in client.get("/").get_data(as_text=True)


def test_session_cookies_are_httponly_and_samesite_lax(client, people):
    response = client.post("/login", data={"email": people["resident"].email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http in tests


def test_https_deployments_get_secure_cookies_and_hsts(app, people):
    app.config.update(PBFLOW_HTTPS=True, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.post("/login", data={"email": people["resident"].email, "password": PASSWORD, "remember": "y"},
                           base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert all("Secure" in c for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/privacy", "/password/forgot", "/no-such-page"])
def test_pages_have_no_inline_scripts_or_handlers(client, url):
    html = client.get(url).get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert all(not body.strip() for body in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S))
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "hx-on" not in html


def test_passwords_are_stored_with_a_slow_hash(app, people):
    from pbflow.accounts.models import User
    from pbflow.extensions import db

    with app.app_context():
        user = db.session.get(User, people["resident"].id)
        assert user.password_hash.startswith("scrypt:")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("url", ["/proposals/?q=a%00b", "/results/benchmarks?title=plac%00", "/login?next=/%00",
                                 "/proposals/?a%00=1"])
def test_a_nul_character_in_the_query_string_is_refused_with_400(client, english, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "invisible control character (NUL)" in response.get_data(as_text=True)
    htmx = client.get(url, headers={"HX-Request": "true"})
    assert htmx.status_code == 400 and htmx.headers["HX-Retarget"] == "#flash"


def test_a_nul_character_in_a_form_is_refused_with_400_before_anything_is_stored(app, client, login, make_user,
                                                                                 make_edition, districts, english):
    from sqlalchemy import func, select

    from pbflow.extensions import db
    from pbflow.proposals.models import Proposal

    make_edition(open_stage="meetings")
    login(client, make_user("Zofia Żak"))
    response = client.post("/proposals/new", data={"scope": "district", "district": str(districts[0].id),
                                                   "title": "Ławki\x00 w parku", "lines-0-item": "Ławka",
                                                   "lines-0-quantity": "1", "lines-0-unit_price": "1000"})
    assert response.status_code == 400 and "(NUL)" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == 0
    assert client.post("/proposals/new", data={"title": "Ławki w parku"}).status_code == 422  # the rest still works
