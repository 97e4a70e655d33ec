"""A signed-in resident applies to be an ambassador, sees the status, withdraws, applies again."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from pbflow.accounts.models import Role
from pbflow.ambassadors.models import AmbassadorApplication
from pbflow.core import clock
from pbflow.editions.models import Edition
from pbflow.extensions import db
from tests.web.ambassador_helpers import (
    application_form,
    applications_of,
    audit_verbs,
    stored_application,
    text_of,
)


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def resident(client, login, make_user):
    """An English-speaking resident, so messages can be checked before the Polish catalogue has them."""
    user = make_user("Jan Kowal", "jan.kowal@example.org", locale="en")
    login(client, user)
    return user


@pytest.fixture
def area(make_area, districts):
    return make_area(districts[2], "Osiedle Prądnik Czerwony Północ")


def apply(client, data, htmx=False):
    return client.htmx("POST", "/ambassadors/apply", data=data) if htmx else client.post("/ambassadors/apply", data=data)


# --- the form --------------------------------------------------------------------------

def test_the_form_lists_districts_and_areas_grouped_by_district(client, edition, resident, area, make_area, districts):
    make_area(districts[0], "Kleparz")
    html = client.get("/ambassadors/apply").get_data(as_text=True)
    assert '<select id="district" name="district"' in html or 'id="district"' in html
    assert '<optgroup label="I Stare Miasto">' in html and '<optgroup label="III Prądnik Czerwony">' in html
    assert "Kleparz" in html and "Osiedle Prądnik Czerwony Północ" in html
    assert '<option value="new">' in html
    assert 'hx-get="/ambassadors/apply/areas"' in html and 'hx-target="#area-field"' in html
    assert "Wspólne Projekty 2026" in html


def test_changing_the_district_reloads_only_its_areas(client, edition, resident, area, make_area, districts):
    make_area(districts[0], "Kleparz")
    response = client.htmx("GET", f"/ambassadors/apply/areas?district={area.district_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="area-field"')
    assert "Osiedle Prądnik Czerwony Północ" in html and "Kleparz" not in html and "<optgroup" not in html


def test_the_area_choices_without_javascript_are_the_whole_form(client, edition, resident, area):
    response = client.get(f"/ambassadors/apply/areas?district={area.district_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html and 'id="application-form"' in html
    assert f'<option selected value="{area.district_id}">' in html or f'value="{area.district_id}" selected' in html


# --- applying ------------------------------------------------------------------------------

def test_applying_for_an_existing_area(app, client, edition, resident, area):
    response = apply(client, application_form(area))
    assert response.status_code == 303
    assert response.headers["Location"] == "/ambassadors/my-application"
    [application] = applications_of(app, resident)
    assert (application.status, application.area_id, application.phone) == ("submitted", area.id, "+48 600 100 200")
    assert application.publish_consent is True
    assert audit_verbs(app, "ambassador_applications", application.id) == ["application.submitted"]

    page = text_of(client.get("/ambassadors/my-application").get_data(as_text=True))
    assert "Waiting for a decision" in page and "Osiedle Prądnik Czerwony Północ" in page
    assert "Your application has been sent" in page
    assert "Withdraw the application" in page


def test_applying_for_a_new_area(app, client, edition, resident, districts):
    data = application_form(district=districts[8], proposed_area_name="Osiedle Kliny",
                            proposed_area_description="Ulice Zawiła i Borkowska.")
    response = apply(client, data)
    assert response.status_code == 303
    [application] = applications_of(app, resident)
    assert application.area_id is None and application.district_id == districts[8].id
    assert (application.proposed_area_name, application.proposed_area_description) == (
        "Osiedle Kliny", "Ulice Zawiła i Borkowska.")
    page = text_of(client.get("/ambassadors/my-application").get_data(as_text=True))
    assert "Osiedle Kliny" in page and "a new area you proposed" in page


def test_a_new_area_needs_a_name(app, client, edition, resident, districts):
    response = apply(client, application_form(district=districts[8], proposed_area_name=""))
    assert response.status_code == 422
    assert "Give the new area a name." in response.get_data(as_text=True)
    assert applications_of(app, resident) == []


def test_a_new_area_named_like_an_existing_one_points_to_the_list(app, client, edition, resident, area):
    data = application_form(district=area.district, proposed_area_name="  osiedle PRĄDNIK czerwony północ ")
    response = apply(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already has an area with this name" in html
    assert applications_of(app, resident) == []


def test_an_area_of_another_district_is_refused(app, client, edition, resident, area, districts):
    response = apply(client, application_form(area, district=districts[0]))
    assert response.status_code == 422
    assert "not in the chosen district" in response.get_data(as_text=True)


def test_missing_and_too_short_answers_keep_the_input(app, client, edition, resident, area):
    response = apply(client, application_form(area, motivation="Za krótko", area_knowledge="", publish_consent=None,
                                              phone="600 100 200 ąę"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html
    assert "Write between 20 and 2000 characters." in html
    assert "Tell us what you know about the area." in html
    assert "your consent is needed" in html
    assert "Enter a phone number like" in html
    assert "Za krótko</textarea>" in html and 'value="600 100 200 ąę"' in html
    assert applications_of(app, resident) == []


@pytest.mark.parametrize("phone", ["+48 600 100 200", "600-100-200", "600100200", "(12) 616 12 34", ""])
def test_phone_numbers_in_the_usual_polish_forms_are_accepted(app, client, edition, resident, area, phone):
    assert apply(client, application_form(area, phone=phone)).status_code == 303
    assert applications_of(app, resident)[0].phone == (phone or None)


@pytest.mark.parametrize("phone", ["12345", "600 100 200 300 400 500", "tel. 600100200", "600+100+200"])
def test_phone_numbers_that_cannot_be_right_are_refused(app, client, edition, resident, area, phone):
    assert apply(client, application_form(area, phone=phone)).status_code == 422


def test_applying_twice_is_refused_with_a_clear_message(app, client, edition, resident, area):
    assert apply(client, application_form(area)).status_code == 303
    response = apply(client, application_form(area))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "You have already applied in this edition." in text_of(html)
    assert 'href="/ambassadors/my-application"' in html
    assert len(applications_of(app, resident)) == 1


def test_the_form_sends_an_applicant_to_their_application(client, edition, resident, area):
    apply(client, application_form(area))
    response = client.get("/ambassadors/apply")
    assert response.status_code == 303 and response.headers["Location"] == "/ambassadors/my-application"


def test_after_withdrawing_applying_again_works(app, client, edition, resident, area):
    apply(client, application_form(area))
    [first] = applications_of(app, resident)
    response = client.post(f"/ambassadors/applications/{first.id}/withdraw")
    assert response.status_code == 303 and response.headers["Location"] == "/ambassadors/my-application"
    assert stored_application(app, first.id).status == "withdrawn"
    assert audit_verbs(app, "ambassador_applications", first.id) == ["application.submitted", "application.withdrawn"]
    page = text_of(client.get("/ambassadors/my-application").get_data(as_text=True))
    assert "Withdrawn" in page and "Apply to be an ambassador" in page

    assert apply(client, application_form(area)).status_code == 303
    assert [a.status for a in applications_of(app, resident)] == ["withdrawn", "submitted"]


def test_withdrawing_with_htmx_swaps_the_status_in_place(app, client, edition, resident, area):
    apply(client, application_form(area))
    [application] = applications_of(app, resident)
    response = client.htmx("POST", f"/ambassadors/applications/{application.id}/withdraw")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="application-status"')
    assert "Withdrawn" in html and 'hx-swap-oob="innerHTML"' in html


def test_a_decided_application_cannot_be_withdrawn(app, client, edition, resident, make_ambassador):
    application = make_ambassador(edition, user=resident)
    response = client.post(f"/ambassadors/applications/{application.id}/withdraw")
    assert response.status_code == 409
    assert "already been decided" in response.get_data(as_text=True)
    htmx = client.htmx("POST", f"/ambassadors/applications/{application.id}/withdraw")
    assert htmx.status_code == 409 and "<html" not in htmx.get_data(as_text=True)
    assert "already been decided" in htmx.get_data(as_text=True)
    assert stored_application(app, application.id).status == "approved"


def test_nobody_withdraws_someone_elses_application(app, client, edition, resident, make_ambassador, people, login):
    from pbflow.ambassadors.models import ApplicationStatus

    application = make_ambassador(edition, status=ApplicationStatus.SUBMITTED)
    assert client.post(f"/ambassadors/applications/{application.id}/withdraw").status_code == 403
    coordinator = people["coordinator"]
    other = client.application.test_client()
    login(other, coordinator)
    assert other.post(f"/ambassadors/applications/{application.id}/withdraw").status_code == 403
    assert stored_application(app, application.id).status == "submitted"
    assert client.post("/ambassadors/applications/999999/withdraw").status_code == 404


def test_a_rejected_application_shows_the_reason(app, client, edition, resident, make_ambassador):
    from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus
    from pbflow.extensions import db

    application = make_ambassador(edition, user=resident, status=ApplicationStatus.REJECTED)
    with app.app_context():
        db.session.get(AmbassadorApplication, application.id).decision_reason = "Obszar ma już <b>ambasadora</b>."
        db.session.commit()
    html = client.get("/ambassadors/my-application").get_data(as_text=True)
    assert "Rejected" in html and "Obszar ma już &lt;b&gt;ambasadora&lt;/b&gt;." in html
    assert "Withdraw the application" not in html


# --- the recruitment window ---------------------------------------------------------------

@pytest.mark.parametrize("shift, words", [(timedelta(days=-30), "Come back on"), (timedelta(days=30), "has ended")])
def test_outside_recruitment_the_page_says_when_and_refuses(app, client, edition, resident, area, monkeypatch,
                                                            shift, words):
    day = clock.today() + shift
    monkeypatch.setattr(clock, "today", lambda: day)
    page = client.get("/ambassadors/apply")
    html = text_of(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Applications for ambassadors are closed" in html and words in html
    assert "Recruitment of ambassadors for Wspólne Projekty 2026 runs from" in html
    response = apply(client, application_form(area))
    assert response.status_code == 409
    assert "Recruitment of ambassadors" in response.get_data(as_text=True)
    assert applications_of(app, resident) == []


def test_without_an_edition_the_page_says_so(client, resident, districts):
    html = client.get("/ambassadors/apply").get_data(as_text=True)
    assert "There is no participatory-budget edition running at the moment." in html
    assert client.get("/ambassadors/my-application").status_code == 200


def test_visitors_are_sent_to_log_in(client, edition):
    response = client.get("/ambassadors/apply")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


# --- navigation -----------------------------------------------------------------------------

def test_the_menu_offers_applying_then_the_application(client, edition, resident, area):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/ambassadors/apply"' in home and 'href="/ambassadors/my-application"' not in home
    apply(client, application_form(area))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/ambassadors/apply"' not in home and 'href="/ambassadors/my-application"' in home
    assert 'href="/ambassadors/applications/"' not in home


def menu_of(client):
    home = client.get("/").get_data(as_text=True)
    return 'href="/ambassadors/apply"' in home, 'href="/ambassadors/my-application"' in home


def test_the_menu_follows_the_newest_application_and_the_recruitment_dates(app, client, edition, resident, area):
    apply(client, application_form(area))
    first = applications_of(app, resident)[0]
    client.post(f"/ambassadors/applications/{first.id}/withdraw")
    assert menu_of(client) == (True, True)  # withdrawn: apply again, or read the old one
    apply(client, application_form(area))
    second = [a for a in applications_of(app, resident) if a.id != first.id][0]
    with app.app_context():
        db.session.execute(update(AmbassadorApplication).where(AmbassadorApplication.id == second.id)
                           .values(status="approved"))
        db.session.commit()
    assert menu_of(client) == (False, False)  # approved: the dashboard instead
    with app.app_context():
        db.session.execute(update(Edition).where(Edition.id == edition.id).values(
            recruitment_closes=clock.today() - timedelta(days=1)))
        db.session.execute(delete(AmbassadorApplication).where(AmbassadorApplication.user_id == resident.id))
        db.session.commit()
    assert menu_of(client) == (False, False)  # recruitment over, no application


def test_the_menu_shows_coordinators_the_applications(client, login, people, edition):
    login(client, people["coordinator"])
    home = client.get("/").get_data(as_text=True)
    assert 'href="/ambassadors/applications/"' in home and 'href="/ambassadors/"' in home


def test_people_with_the_role_see_their_dashboard_in_the_menu(client, login, make_user, edition):
    login(client, make_user(roles=[Role.AMBASSADOR]))
    assert 'href="/ambassadors/dashboard"' in client.get("/").get_data(as_text=True)
