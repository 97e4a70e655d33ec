"""A coordinator finds people by name or e-mail and grants or revokes their roles."""

import re

import pytest
from sqlalchemy import select

from pbflow.accounts.models import Role, User
from pbflow.accounts.passwords import hash_password
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.extensions import db


def add_people(app, count, prefix="Osoba"):
    """Insert many residents at once, sharing one precomputed password hash."""
    with app.app_context():
        password_hash = hash_password("not used for logging in")
        db.session.add_all(
            User(name=f"{prefix} {n:03d}", email=f"{prefix.lower()}{n:03d}@example.org", password_hash=password_hash)
            for n in range(count)
        )
        db.session.commit()


def user_in_db(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        roles = user.role_names
        db.session.expunge(user)
        return user, roles


def audit_events(app, verb):
    with app.app_context():
        return [(e.actor_id, e.object_id, e.data) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id))]


def mark_deleted(app, user):
    with app.app_context():
        db.session.get(User, user.id).deleted_at = utcnow()
        db.session.commit()


def result_names(html):
    return re.findall(r"<tr>\s*<td>([^<]*)</td>", html)


@pytest.fixture
def coordinator(client, login, people):
    login(client, people["coordinator"])
    return people["coordinator"]


@pytest.fixture
def english_coordinator(client, login, make_user):
    """A coordinator whose profile says English: the profile, not the browser, decides."""
    kate = make_user("Kate Brown", "kate@example.org", roles=[Role.COORDINATOR], locale="en")
    login(client, kate)
    return kate


# --- the list and the search ---------------------------------------------

def test_a_coordinator_sees_everyone_registered(client, coordinator, people):
    response = client.get("/users/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<div id="user-results">' in html
    for person in people.values():
        assert person.email in html
    assert result_names(html) == sorted(p.name for p in people.values())


def test_the_list_is_paginated_with_next_and_previous_links(app, client, coordinator):
    app.config["PAGE_SIZE"] = 3
    add_people(app, 5)  # 4 people from the fixture + 5 = 9 = three pages

    first = client.get("/users/").get_data(as_text=True)
    assert len(result_names(first)) == 3
    assert 'rel="next" href="/users/?page=2"' in first
    assert 'rel="prev"' not in first

    second = client.get("/users/?page=2").get_data(as_text=True)
    assert len(result_names(second)) == 3
    assert 'rel="prev" href="/users/?page=1"' in second
    assert 'rel="next" href="/users/?page=3"' in second
    assert not set(result_names(first)) & set(result_names(second))

    last = client.get("/users/?page=3").get_data(as_text=True)
    assert len(result_names(last)) == 3
    assert 'rel="next"' not in last


def test_the_default_page_holds_25_people(app, client, coordinator):
    add_people(app, 30)
    html = client.get("/users/").get_data(as_text=True)
    assert len(result_names(html)) == 25
    assert 'rel="next" href="/users/?page=2"' in html


def test_a_page_past_the_end_is_empty_not_an_error(app, client, coordinator):
    response = client.get("/users/?page=99")
    assert response.status_code == 200
    assert result_names(response.get_data(as_text=True)) == []


def test_the_search_keeps_its_text_in_the_page_links(app, client, coordinator):
    app.config["PAGE_SIZE"] = 2
    add_people(app, 5, prefix="Sąsiad")
    html = client.get("/users/", query_string={"q": "sąsiad"}).get_data(as_text=True)
    assert result_names(html) == ["Sąsiad 000", "Sąsiad 001"]
    assert "page=2" in html and "q=s%C4%85siad" in html


@pytest.mark.parametrize("query", ["Wiśniewska", "wiśniewska", "  ewa wiś  ", "WIŚNIEWSKA"])
def test_a_coordinator_finds_a_person_by_name_with_polish_letters(client, coordinator, people, query):
    response = client.get("/users/", query_string={"q": query})
    assert response.status_code == 200
    assert result_names(response.get_data(as_text=True)) == ["Ewa Wiśniewska"]


@pytest.mark.parametrize("query", ["ekspert@", "EKSPERT@EXAMPLE", "spert@exa"])
def test_a_coordinator_finds_a_person_by_part_of_their_email(client, coordinator, people, query):
    html = client.get("/users/", query_string={"q": query}).get_data(as_text=True)
    assert result_names(html) == ["Ewa Wiśniewska"]


def test_a_search_that_matches_nobody_says_so(client, coordinator):
    response = client.get("/users/", query_string={"q": "Kowalczykówna"})
    assert response.status_code == 200
    assert result_names(response.get_data(as_text=True)) == []


def test_a_search_longer_than_100_characters_is_refused_with_the_error_shown(client, coordinator):
    response = client.get("/users/", query_string={"q": "ż" * 101})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'<p class="error-message" id="q-error">[^<]*100', html)
    assert "ż" * 101 in html  # the search text is kept in the field
    assert client.get("/users/", query_string={"q": "ż" * 100}).status_code == 200


def test_the_too_long_search_error_in_english(client, english_coordinator):
    html = client.get("/users/", query_string={"q": "x" * 101}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Use at most 100 characters." in html


def test_an_htmx_search_that_is_too_long_says_why_in_the_results(client, english_coordinator):
    response = client.htmx("GET", "/users/?q=" + "x" * 101)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html
    assert '<p class="error-message" role="alert">' in html
    assert "Use at most 100 characters." in html
    assert result_names(html) == []  # not everybody, as if there were no search


def test_an_htmx_search_returns_only_the_results_fragment(client, coordinator, people):
    response = client.htmx("GET", "/users/?q=nowak")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="user-results">')
    assert result_names(html) == ["Anna Nowak"]
    assert "HX-Request" in response.headers["Vary"]


def test_a_plain_search_returns_the_full_page(client, coordinator):
    response = client.get("/users/?q=nowak")
    html = response.get_data(as_text=True)
    assert "<html" in html and '<div id="user-results">' in html
    assert "HX-Request" in response.headers["Vary"]


def test_a_boosted_request_gets_the_full_page(client, coordinator):
    response = client.htmx("GET", "/users/", headers={"HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_deleted_accounts_are_not_listed(app, client, coordinator, people):
    mark_deleted(app, people["expert"])
    html = client.get("/users/").get_data(as_text=True)
    assert "Ewa Wiśniewska" not in html and people["expert"].email not in html
    assert client.get("/users/?q=wiśniewska").get_data(as_text=True).count("<tr>") == 0


def test_the_list_costs_the_same_number_of_queries_for_5_or_200_people(app, client, coordinator, count_queries):
    add_people(app, 1)  # 4 + 1 = 5 people
    client.get("/users/")  # warm up: first-request work is not counted
    with count_queries() as few:
        assert client.get("/users/").status_code == 200
    add_people(app, 195, prefix="Więcej")  # 200 people
    with count_queries() as many:
        html = client.get("/users/").get_data(as_text=True)
    assert len(result_names(html)) == 25
    assert len(few) == len(many), "\n".join(many)
    assert len(many) <= 6


# --- granting and revoking roles -----------------------------------------

def test_a_coordinator_makes_a_resident_an_ambassador(app, client, coordinator, people):
    resident = people["resident"]
    response = client.post(f"/users/{resident.id}/roles/ambassador/grant")
    assert response.status_code == 303
    assert response.headers["Location"] == "/users/"
    _user, roles = user_in_db(app, resident.id)
    assert roles == {Role.AMBASSADOR}
    assert audit_events(app, "role.granted")[-1] == (coordinator.id, resident.id, {"role": "ambassador"})
    page = client.get("/users/").get_data(as_text=True)
    assert 'class="flash flash-success"' in page


def test_after_granting_the_coordinator_returns_to_their_search(client, coordinator, people):
    response = client.post(f"/users/{people['resident'].id}/roles/expert/grant", data={"q": "Zieliński"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/users/?q=Zieli%C5%84ski"


def test_granting_a_role_someone_has_changes_nothing(app, client, coordinator, people):
    expert = people["expert"]
    before = len(audit_events(app, "role.granted"))
    assert client.post(f"/users/{expert.id}/roles/expert/grant").status_code == 303
    assert user_in_db(app, expert.id)[1] == {Role.EXPERT}
    assert len(audit_events(app, "role.granted")) == before


def test_an_htmx_grant_returns_the_roles_and_an_out_of_band_flash(app, client, coordinator, people):
    resident = people["resident"]
    response = client.htmx("POST", f"/users/{resident.id}/roles/ambassador/grant")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert f'<div class="roles" id="roles-{resident.id}"' in html
    assert f'action="/users/{resident.id}/roles/ambassador/revoke"' in html
    assert re.search(r'<div id="flash" hx-swap-oob="[^"]+">\s*<p class="flash flash-success">Jan Zieliński\b', html)
    assert user_in_db(app, resident.id)[1] == {Role.AMBASSADOR}


def test_a_coordinator_revokes_a_role(app, client, coordinator, people):
    ambassador = people["ambassador"]
    response = client.post(f"/users/{ambassador.id}/roles/ambassador/revoke")
    assert response.status_code == 303
    assert user_in_db(app, ambassador.id)[1] == set()
    assert audit_events(app, "role.revoked")[-1] == (coordinator.id, ambassador.id, {"role": "ambassador"})


def test_an_htmx_revoke_returns_the_roles_with_a_grant_button(app, client, coordinator, people):
    expert = people["expert"]
    response = client.htmx("POST", f"/users/{expert.id}/roles/expert/revoke")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'action="/users/{expert.id}/roles/expert/grant"' in html
    assert "hx-swap-oob" in html


def test_a_coordinator_cannot_revoke_their_own_coordinator_role(app, client, coordinator):
    response = client.post(f"/users/{coordinator.id}/roles/coordinator/revoke")
    assert response.status_code == 403
    assert user_in_db(app, coordinator.id)[1] == {Role.COORDINATOR}
    assert audit_events(app, "role.revoked") == []


def test_a_coordinator_may_drop_their_other_roles(app, client, coordinator):
    assert client.post(f"/users/{coordinator.id}/roles/expert/grant").status_code == 303
    assert client.post(f"/users/{coordinator.id}/roles/expert/revoke").status_code == 303
    assert user_in_db(app, coordinator.id)[1] == {Role.COORDINATOR}


def test_another_coordinator_can_revoke_a_coordinator_role(app, client, make_user, login, people):
    second = make_user("Maria Lewandowska", "druga@example.org", roles=[Role.COORDINATOR])
    login(client, second)
    first = people["coordinator"]
    response = client.post(f"/users/{first.id}/roles/coordinator/revoke")
    assert response.status_code == 303
    assert user_in_db(app, first.id)[1] == set()
    assert audit_events(app, "role.revoked")[-1] == (second.id, first.id, {"role": "coordinator"})


def test_granting_a_role_to_a_deleted_account_is_refused(app, client, coordinator, people):
    mark_deleted(app, people["resident"])
    granted_before = audit_events(app, "role.granted")
    response = client.post(f"/users/{people['resident'].id}/roles/ambassador/grant")
    assert response.status_code == 403
    assert user_in_db(app, people["resident"].id)[1] == set()
    assert audit_events(app, "role.granted") == granted_before
    assert client.post(f"/users/{people['resident'].id}/roles/ambassador/revoke").status_code == 403


def test_an_unknown_user_is_not_found(client, coordinator):
    assert client.post("/users/999999/roles/ambassador/grant").status_code == 404
    assert client.post("/users/999999/roles/ambassador/revoke").status_code == 404


@pytest.mark.parametrize("url", ["/users/{id}/roles/resident/grant", "/users/{id}/roles/admin/grant",
                                 "/users/{id}/roles/Coordinator/revoke", "/users/{id}/roles/ambassador/promote"])
def test_an_unknown_role_or_action_is_not_found(client, coordinator, people, url):
    assert client.post(url.format(id=people["resident"].id)).status_code == 404


def test_a_role_change_without_the_csrf_token_is_refused(app, client, coordinator, people):
    response = client.post(f"/users/{people['resident'].id}/roles/coordinator/grant", csrf=False)
    assert response.status_code == 400
    assert user_in_db(app, people["resident"].id)[1] == set()


def test_role_changes_only_accept_post(client, coordinator, people):
    assert client.get(f"/users/{people['resident'].id}/roles/ambassador/grant").status_code == 405


# --- who may see the list ------------------------------------------------

@pytest.mark.parametrize("who", ["resident", "ambassador", "expert"])
def test_only_coordinators_see_the_list_or_change_roles(app, client, login, people, who):
    login(client, people[who])
    assert client.get("/users/").status_code == 403
    target = people["resident"]
    assert client.post(f"/users/{target.id}/roles/coordinator/grant").status_code == 403
    assert client.post(f"/users/{people['ambassador'].id}/roles/ambassador/revoke").status_code == 403
    assert user_in_db(app, target.id)[1] == set()
    assert 'href="/users/"' not in client.get("/").get_data(as_text=True)


def test_coordinators_find_the_list_in_the_navigation(client, coordinator):
    assert '<li><a href="/users/">' in client.get("/").get_data(as_text=True)


def test_the_list_is_called_users_and_roles_in_english(client, english_coordinator):
    html = client.get("/users/").get_data(as_text=True)
    assert '<a href="/users/" aria-current="page">Users and roles</a>' in html
    assert "<h1>Users and roles</h1>" in html


def test_a_visitor_is_sent_to_log_in_first(client, people):
    response = client.get("/users/?q=nowak")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/users/?q%3Dnowak"
    response = client.post(f"/users/{people['resident'].id}/roles/coordinator/grant")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"  # a POST-only address is no place to come back to


def test_a_visitor_returns_to_the_list_after_logging_in(client, people):
    location = client.get("/users/").headers["Location"]
    response = client.post(location, data={"email": people["coordinator"].email, "password": "correct horse battery"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/users/"
