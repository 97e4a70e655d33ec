"""Every endpoint declares who may use it, and each role gets what it should."""

import pytest

from pbflow.core.web.permissions import public, rule_for
from tests.access import all_pages

PAGES = all_pages()
ROLES = ["visitor", "resident", "ambassador", "expert", "coordinator"]


def endpoints_without_rule(app):
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None)


def test_every_endpoint_declares_an_access_rule(app):
    assert endpoints_without_rule(app) == []


def test_an_endpoint_without_a_rule_is_named_by_the_check_and_refused(app, client):
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    app.add_url_rule("/declared", "declared", public(lambda: "fine"))
    assert endpoints_without_rule(app) == ["forgotten"]
    assert client.get("/forgotten").status_code == 403
    assert client.get("/declared").status_code == 200


def test_every_page_is_in_the_access_table(app):
    pages = {rule.rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"}
    assert pages == set(PAGES), "add new pages to tests/access/<domain>.py with the access each role should have"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", sorted(PAGES))
def test_each_role_gets_the_access_the_table_promises(app, people, login, role, url):
    client = app.test_client()
    if role != "visitor":
        login(client, people[role])
    response = client.get(url)
    expected = PAGES[url][role]
    if expected == "ok":
        assert response.status_code == 200
    elif expected == "forbidden":
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_a_visitor_sent_to_log_in_comes_back_to_the_page(client, people):
    response = client.get("/users/")
    assert response.headers["Location"] == "/login?next=/users/"
    response = client.post(response.headers["Location"],
                           data={"email": people["coordinator"].email, "password": "correct horse battery"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/users/"


def test_htmx_requests_from_visitors_are_redirected_by_htmx(client):
    response = client.htmx("GET", "/profile")
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["resident", "ambassador", "expert"])
def test_only_coordinators_change_roles(app, people, login, role):
    client = app.test_client()
    login(client, people[role])
    target = people["resident"]
    assert client.post(f"/users/{target.id}/roles/coordinator/grant").status_code == 403
    assert client.post(f"/users/{target.id}/roles/ambassador/revoke").status_code == 403
