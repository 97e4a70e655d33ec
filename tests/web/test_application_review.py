"""The coordinator lists, reads, approves and rejects ambassador applications; the applicant is told."""

import re

import pytest
from sqlalchemy import select

from pbflow.accounts.models import Role, User
from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus
from pbflow.core import audit
from pbflow.core.mail import outbox
from pbflow.editions.models import Area
from pbflow.extensions import db
from tests.web.ambassador_helpers import add_ambassadors, audit_verbs, stored_application, text_of

SUBMITTED = ApplicationStatus.SUBMITTED


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def coordinator(client, login, make_user):
    user = make_user("Kate Brown", "kate@example.org", roles=[Role.COORDINATOR], locale="en")
    login(client, user)
    return user


@pytest.fixture
def submitted(edition, make_ambassador, make_user):
    applicant = make_user("Zofia Łukasik", "zofia@example.org", locale="pl")
    return make_ambassador(edition, user=applicant, status=SUBMITTED)


def row_names(html):
    return re.findall(r'<tr id="application-row-\d+">\s*<td><a href="[^"]+">([^<]*)</a>', html)


def user_roles(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).role_names


def new_area_application(app, edition, user, district, name):
    with app.app_context():
        application = AmbassadorApplication(
            edition_id=edition.id, user_id=user.id, district_id=district.id, proposed_area_name=name,
            proposed_area_description="Bloki przy ulicy Wielickiej.", motivation="Chcę działać dla sąsiadów z bloku.",
            area_knowledge="Znam to osiedle od dziecka, chodziłam tu do szkoły.", publish_consent=True)
        db.session.add(application)
        db.session.commit()
        return application.id


# --- the list ----------------------------------------------------------------------------------

def test_the_list_shows_the_editions_applications_newest_first(app, client, coordinator, edition, make_ambassador,
                                                                 make_user):
    for name in ["Pierwsza Osoba", "Druga Osoba", "Trzecia Osoba"]:
        make_ambassador(edition, user=make_user(name), status=SUBMITTED)
    response = client.get("/ambassadors/applications/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert row_names(html) == ["Trzecia Osoba", "Druga Osoba", "Pierwsza Osoba"]
    assert "Waiting for a decision: 3" in text_of(html)


def test_filtering_by_status_and_district(app, client, coordinator, edition, make_ambassador, make_area, make_user,
                                          districts):
    make_ambassador(edition, make_area(districts[0]), make_user("Ada Stare"), status=SUBMITTED)
    make_ambassador(edition, make_area(districts[1]), make_user("Ola Grzegórzki"), status=SUBMITTED)
    make_ambassador(edition, make_area(districts[1]), make_user("Ela Zatwierdzona"), status=ApplicationStatus.APPROVED)

    html = client.get(f"/ambassadors/applications/?district={districts[1].id}").get_data(as_text=True)
    assert sorted(row_names(html)) == ["Ela Zatwierdzona", "Ola Grzegórzki"]
    html = client.get(f"/ambassadors/applications/?district={districts[1].id}&status=submitted").get_data(as_text=True)
    assert row_names(html) == ["Ola Grzegórzki"]
    html = client.get("/ambassadors/applications/?status=approved").get_data(as_text=True)
    assert row_names(html) == ["Ela Zatwierdzona"]


def test_an_htmx_filter_returns_only_the_results(client, coordinator, edition, submitted):
    response = client.htmx("GET", "/ambassadors/applications/?status=submitted")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="application-results">')
    assert row_names(html) == ["Zofia Łukasik"]


@pytest.mark.parametrize("query", ["status=maybe", "district=abc", "district=999"])
def test_a_filter_that_makes_no_sense_is_refused(client, coordinator, edition, query):
    response = client.get(f"/ambassadors/applications/?{query}")
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    htmx = client.htmx("GET", f"/ambassadors/applications/?{query}")
    assert htmx.status_code == 422 and 'role="alert"' in htmx.get_data(as_text=True)


def test_the_list_is_paginated_and_keeps_the_filters(app, client, coordinator, edition, districts):
    app.config["PAGE_SIZE"] = 3
    add_ambassadors(app, edition, districts[:1], 7, status="submitted")
    html = client.get(f"/ambassadors/applications/?status=submitted&district={districts[0].id}").get_data(as_text=True)
    assert len(row_names(html)) == 3
    assert "page=2" in html and "status=submitted" in html and f"district={districts[0].id}" in html
    last = client.get(f"/ambassadors/applications/?status=submitted&district={districts[0].id}&page=3")
    assert len(row_names(last.get_data(as_text=True))) == 1


def test_the_list_costs_the_same_queries_for_5_or_200_applications(app, client, coordinator, edition, districts,
                                                                   count_queries):
    add_ambassadors(app, edition, districts, 5, status="submitted")
    client.get("/ambassadors/applications/")
    with count_queries() as few:
        html = client.get("/ambassadors/applications/").get_data(as_text=True)
    assert len(row_names(html)) == 5
    add_ambassadors(app, edition, districts, 100, status="approved", prefix="Zatwierdzony")
    add_ambassadors(app, edition, districts, 95, status="rejected", prefix="Odrzucony")
    with count_queries() as many:
        html = client.get("/ambassadors/applications/").get_data(as_text=True)
    assert len(row_names(html)) == 25
    assert len(few) == len(many)


# --- one application ---------------------------------------------------------------------------

def test_the_details_show_the_answers_escaped(app, client, coordinator, edition, make_area, make_user):
    area, applicant = make_area(), make_user("Marek Nowicki")
    with app.app_context():
        application = AmbassadorApplication(
            edition_id=edition.id, user_id=applicant.id, district_id=area.district_id, area_id=area.id,
            motivation='<script>alert("x")</script> Chcę pomagać.', area_knowledge="Znam <b>każdy</b> zakątek.",
            phone="600 100 200", publish_consent=True)
        db.session.add(application)
        db.session.commit()
        application_id = application.id
    html = client.get(f"/ambassadors/applications/{application_id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Chcę pomagać." in html
    assert "Znam &lt;b&gt;każdy&lt;/b&gt; zakątek." in html
    assert "600 100 200" in html and applicant.email in html


def test_the_details_show_the_audit_trail_with_names_without_a_query_per_event(app, client, coordinator, edition,
                                                                                submitted, count_queries):
    def add_events(count):
        with app.app_context():
            actor = db.session.get(User, coordinator.id)
            application = db.session.get(AmbassadorApplication, submitted.id)
            for n in range(count):
                audit.record(actor if n % 2 else application.user, "application.note", application, n=n)
            db.session.commit()

    add_events(2)
    client.get(f"/ambassadors/applications/{submitted.id}")
    with count_queries() as few:
        html = client.get(f"/ambassadors/applications/{submitted.id}").get_data(as_text=True)
    assert "Kate Brown" in html and "Zofia Łukasik" in html
    add_events(30)
    with count_queries() as many:
        html = client.get(f"/ambassadors/applications/{submitted.id}").get_data(as_text=True)
    assert html.count("application.note") == 32
    assert len(few) == len(many)


# --- approving --------------------------------------------------------------------------------

def test_approving_without_javascript(app, client, coordinator, edition, submitted):
    next_url = "/ambassadors/applications/?status=submitted"
    response = client.post(f"/ambassadors/applications/{submitted.id}/approve", data={"next": next_url})
    assert response.status_code == 303 and response.headers["Location"] == next_url
    application = stored_application(app, submitted.id)
    assert (application.status, application.decided_by_id) == ("approved", coordinator.id)
    assert Role.AMBASSADOR in user_roles(app, submitted.user_id)
    assert audit_verbs(app, "ambassador_applications", submitted.id) == ["application.approved"]
    assert "is now the ambassador of the area" in client.get(next_url).get_data(as_text=True)


def test_the_applicant_is_told_in_their_own_language(app, client, coordinator, edition, submitted, make_ambassador,
                                                     make_user):
    english = make_ambassador(edition, user=make_user("Tom Smith", "tom@example.org", locale="en"), status=SUBMITTED)
    client.post(f"/ambassadors/applications/{submitted.id}/approve")
    client.post(f"/ambassadors/applications/{english.id}/reject", data={"reason": "We already have two ambassadors."})
    with app.app_context():
        polish, english_mail = outbox()
    assert polish.to == "zofia@example.org"
    assert "Zatwierdzone" in polish.subject and "Dzień dobry, Zofia Łukasik!" in polish.body
    assert "/ambassadors/my-application" in polish.body
    assert english_mail.to == "tom@example.org"
    assert "Rejected" in english_mail.subject and english_mail.body.startswith("Hello Tom Smith,")
    assert "We already have two ambassadors." in english_mail.body


def test_approving_with_htmx_swaps_the_decision_in_place(app, client, coordinator, edition, submitted):
    response = client.htmx("POST", f"/ambassadors/applications/{submitted.id}/approve")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div id="decision-{submitted.id}"')
    assert "Approved" in html and "Kate Brown" in html and 'hx-swap-oob="innerHTML"' in html
    assert "/approve" not in html


def test_approving_a_proposed_area_creates_it(app, client, coordinator, edition, make_user, districts):
    applicant = make_user()
    application_id = new_area_application(app, edition, applicant, districts[11], "Osiedle Złocień")
    html = client.get(f"/ambassadors/applications/{application_id}").get_data(as_text=True)
    assert "Approving adds this area to the district." in html
    assert client.post(f"/ambassadors/applications/{application_id}/approve").status_code == 303
    with app.app_context():
        area = db.session.scalar(select(Area).where(Area.name == "Osiedle Złocień"))
        assert area.district_id == districts[11].id and area.description == "Bloki przy ulicy Wielickiej."
        assert db.session.get(AmbassadorApplication, application_id).area_id == area.id


def test_a_proposal_matching_an_existing_area_is_linked_to_it(app, client, coordinator, edition, make_user, make_area,
                                                              districts):
    existing = make_area(districts[11], "Osiedle Złocień")
    application_id = new_area_application(app, edition, make_user(), districts[11], "osiedle złocień")
    html = client.get(f"/ambassadors/applications/{application_id}").get_data(as_text=True)
    assert "already has an area called Osiedle Złocień" in html
    client.post(f"/ambassadors/applications/{application_id}/approve")
    assert stored_application(app, application_id).area_id == existing.id


@pytest.mark.parametrize("status", [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
def test_deciding_an_already_decided_application_is_a_conflict(app, client, coordinator, edition, make_ambassador,
                                                              status):
    application = make_ambassador(edition, status=status)
    for verb, data in [("approve", {}), ("reject", {"reason": "Spóźnione."}), ("reject", {})]:
        response = client.post(f"/ambassadors/applications/{application.id}/{verb}", data=data)
        assert response.status_code == 409
        assert "<html" in response.get_data(as_text=True)
        htmx = client.htmx("POST", f"/ambassadors/applications/{application.id}/{verb}", data=data)
        html = htmx.get_data(as_text=True)
        assert htmx.status_code == 409 and "<html" not in html
        assert 'class="error-message" role="alert"' in html
        assert ("withdrawn" if status is ApplicationStatus.WITHDRAWN else "already been decided") in html
    assert stored_application(app, application.id).status == status.value
    assert audit_verbs(app, "ambassador_applications", application.id) == []
    with app.app_context():
        assert outbox() == []


# --- rejecting ---------------------------------------------------------------------------------

def test_rejecting_needs_a_reason(app, client, coordinator, edition, submitted):
    response = client.post(f"/ambassadors/applications/{submitted.id}/reject", data={"reason": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html
    assert "Give the reason for the rejection" in html
    htmx = client.htmx("POST", f"/ambassadors/applications/{submitted.id}/reject", data={"reason": ""})
    fragment = htmx.get_data(as_text=True)
    assert htmx.status_code == 422 and "<html" not in fragment
    assert "<details class=\"reject\" open>" in fragment and 'aria-invalid="true"' in fragment
    assert stored_application(app, submitted.id).status == "submitted"


def test_a_reason_longer_than_1000_characters_is_refused_and_kept(client, coordinator, edition, submitted):
    response = client.post(f"/ambassadors/applications/{submitted.id}/reject", data={"reason": "ź" * 1001})
    assert response.status_code == 422 and "ź" * 1001 in response.get_data(as_text=True)


def test_rejecting_with_a_reason(app, client, coordinator, edition, submitted):
    response = client.post(f"/ambassadors/applications/{submitted.id}/reject",
                           data={"reason": "Ten obszar ma już ambasadora."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ambassadors/applications/{submitted.id}"
    application = stored_application(app, submitted.id)
    assert (application.status, application.decision_reason) == ("rejected", "Ten obszar ma już ambasadora.")
    assert Role.AMBASSADOR not in user_roles(app, submitted.user_id)
    html = client.get(f"/ambassadors/applications/{submitted.id}").get_data(as_text=True)
    assert "Ten obszar ma już ambasadora." in html and "Kate Brown" in html
    with app.app_context():
        assert "Odrzucone" in outbox()[0].subject


def test_rejecting_with_htmx(client, coordinator, edition, submitted):
    response = client.htmx("POST", f"/ambassadors/applications/{submitted.id}/reject", data={"reason": "Brak miejsca."})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Rejected" in html and "Brak miejsca." in html and "has been rejected" in html


# --- who may ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["resident", "ambassador", "expert"])
def test_only_coordinators_review(app, people, login, edition, submitted, role):
    client = app.test_client()
    login(client, people[role])
    assert client.get("/ambassadors/applications/").status_code == 403
    assert client.get(f"/ambassadors/applications/{submitted.id}").status_code == 403
    assert client.post(f"/ambassadors/applications/{submitted.id}/approve").status_code == 403
    assert client.post(f"/ambassadors/applications/{submitted.id}/reject", data={"reason": "Nie."}).status_code == 403
    assert stored_application(app, submitted.id).status == "submitted"


def test_the_applicant_cannot_open_the_coordinators_page_of_their_application(app, login, edition, submitted):
    client = app.test_client()
    with app.app_context():
        applicant = db.session.get(User, submitted.user_id)
        db.session.expunge(applicant)
    login(client, applicant)
    assert client.get(f"/ambassadors/applications/{submitted.id}").status_code == 403


def test_a_coordinator_does_not_decide_their_own_application(app, client, coordinator, edition, make_ambassador):
    own = make_ambassador(edition, user=coordinator, status=SUBMITTED)
    html = client.get(f"/ambassadors/applications/{own.id}").get_data(as_text=True)
    assert "Another coordinator decides on your own application." in html
    assert client.post(f"/ambassadors/applications/{own.id}/approve").status_code == 403
    assert client.post("/ambassadors/applications/999999/approve").status_code == 404
