"""Drafting and editing a proposal: the form, its costs and counts, the preview, and no lost edits."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from pbflow.core import clock
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.proposals.models import Proposal, ProposalVersion


@pytest.fixture
def edition(make_edition, english):
    return make_edition(open_stage="meetings")


@pytest.fixture
def resident(client, login, make_user):
    user = make_user("Zofia Żak", "zofia@example.org")
    login(client, user)
    return user


def form(districts, **overrides):
    data = {
        "scope": "district", "district": str(districts[7].id), "area": "",
        "title": "Zielony skwer przy Kapelance",
        "summary": "Nasadzenia drzew i krzewów, ławki i stojaki na rowery na zaniedbanym skwerze przy Kapelance.",
        "description": "## Co zrobimy\n\nPosadzimy **drzewa** i ustawimy ławki.",
        "location": "Skwer przy ul. Kapelanka 10", "latitude": "", "longitude": "",
        "beneficiaries": "Mieszkańcy Dębnik, szczególnie seniorzy",
        "lines-0-item": "Drzewa", "lines-0-quantity": "12", "lines-0-unit_price": "1 250,50",
        "lines-1-item": "Ławki", "lines-1-quantity": "4", "lines-1-unit_price": "3 000",
        "lines-2-item": "", "lines-2-quantity": "", "lines-2-unit_price": "",
        "yearly_upkeep": "2 000",
    }
    data.update(overrides)
    return data


def edit_form(client, proposal_id):
    """What the edit page holds: its fields as a browser would post them, lock included."""
    html = client.get(f"/proposals/{proposal_id}/edit").get_data(as_text=True)
    return html, dict(fields_of(html))


def fields_of(html):
    """(name, value) of the text inputs, hidden inputs, textareas and chosen options of the proposal form."""
    form_html = html[html.index('id="proposal-form"'):]
    form_html = form_html[:form_html.index("</form>")]
    import html as html_lib

    for match in re.finditer(r"<input([^>]*)>", form_html):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
        if "name" not in attrs or attrs.get("type") in {"submit"}:
            continue
        if attrs.get("type") == "radio" and " checked" not in match.group(1):
            continue
        yield attrs["name"], html_lib.unescape(attrs.get("value", ""))
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form_html, re.S):
        yield match.group(1), html_lib.unescape(match.group(2)).removeprefix("\n")
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form_html, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', match.group(2))
        yield match.group(1), (chosen.group(1) or chosen.group(2) or "") if chosen else ""


def proposal_id_of(response):
    return int(re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1))


def proposal_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Proposal.id)))


def versions(app, proposal_id):
    with app.app_context():
        rows = db.session.scalars(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id)
                                  .order_by(ProposalVersion.number)).all()
        return [(v.number, v.created_by_id, v.title, v.description, v.cost_lines, v.change_note) for v in rows]


# --- starting a draft -------------------------------------------------------------------

def test_a_resident_starts_a_draft(app, client, edition, resident, districts):
    page = client.get("/proposals/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Write a proposal" in html and "XIII Podgórze" in html and edition.name in html
    assert "0 of 60 characters." in html  # the edition's title limit

    response = client.post("/proposals/new", data=form(districts))
    assert response.status_code == 303
    proposal_id = int(response.headers["Location"].rsplit("/", 1)[1])
    (number, author, title, _description, lines, _note), = versions(app, proposal_id)
    assert (number, author, title) == (1, resident.id, "Zielony skwer przy Kapelance")
    assert lines == [{"item": "Drzewa", "quantity": "12", "unit_price": 1_250_50, "amount": 15_006_00},
                     {"item": "Ławki", "quantity": "4", "unit_price": 3_000_00, "amount": 12_000_00}]

    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your draft has been saved as version 1." in shown
    assert "Zielony skwer przy Kapelance" in shown and "PLN27,006" in shown
    assert "<strong>drzewa</strong>" in shown
    assert f'href="/proposals/{proposal_id}/edit"' in shown


def test_the_form_is_in_polish_by_default(app, make_edition, client, login, make_user):
    make_edition(open_stage="meetings")
    login(client, make_user())
    response = client.get("/proposals/new")
    assert response.status_code == 200 and '<html lang="pl">' in response.get_data(as_text=True)


def test_signed_in_people_see_where_to_write_a_proposal(client, edition, resident):
    assert 'href="/proposals/new"' in client.get("/").get_data(as_text=True)


def test_visitors_are_sent_to_log_in(app, edition):
    response = app.test_client().get("/proposals/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_a_current_edition_the_page_says_so(client, resident, english):
    response = client.get("/proposals/new")
    assert response.status_code == 200
    assert "There is no participatory-budget edition open" in response.get_data(as_text=True)


def test_after_the_deadline_no_new_proposal_can_be_started(app, client, make_edition, resident, districts, english):
    make_edition(open_stage="marathons", submission_deadline=clock.today() - timedelta(days=1))
    assert "can no longer be started" in client.get("/proposals/new").get_data(as_text=True)
    response = client.post("/proposals/new", data=form(districts))
    assert response.status_code == 409
    assert proposal_count(app) == 0


# --- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": ""}, "Give the proposal a title."),
    ({"title": "   "}, "Give the proposal a title."),
    ({"title": "T" * 10_000}, "Use at most 200 characters."),
    ({"lines-1-quantity": "-2"}, "The quantity cannot be negative."),
    ({"lines-1-quantity": "kilka"}, "Enter a quantity as a number, for example 3 or 2,5."),
    ({"lines-1-quantity": ""}, "Enter a quantity."),
    ({"lines-1-unit_price": "-3000"}, "The amount cannot be negative."),
    ({"lines-1-unit_price": "dużo"}, "Enter an amount in złoty, for example 250 000 or 1 250,50."),
    ({"lines-1-item": ""}, "Say what this line pays for."),
    ({"lines-0-quantity": "1000000", "lines-0-unit_price": "9 999 999 999"},
     "The total is far above any participatory budget."),
    ({"scope": "district", "district": ""}, "Choose the district of a district project."),
    ({"district": "9999"}, "Choose the district from the list."),
    ({"latitude": "91", "longitude": "19,93"}, "Enter a number between -90 and 90."),
    ({"latitude": "pięćdziesiąt", "longitude": "19,93"}, "Enter degrees as a number"),
    ({"latitude": "50,06"}, "Give both the latitude and the longitude, or neither."),
    ({"yearly_upkeep": "-100"}, "The amount cannot be negative."),
    ({"description": "x" * 50_001}, "Use at most 50000 characters."),
])
def test_bad_input_is_refused_with_a_message_and_the_text_kept(app, client, edition, resident, districts,
                                                                overrides, message):
    data = form(districts, **overrides)
    response = client.post("/proposals/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'class="error-summary"' in html
    assert data["summary"] in html and "Skwer przy ul. Kapelanka 10" in html
    for key in ("title", "lines-1-quantity", "lines-1-unit_price", "latitude"):
        if data[key].strip():
            assert f'value="{data[key]}"' in html or f">{data[key]}<" in html
    assert proposal_count(app) == 0


def test_a_comma_decimal_and_spaces_in_amounts_are_accepted(app, client, edition, resident, districts):
    response = client.post("/proposals/new", data=form(
        districts, **{"lines-0-quantity": "2,5", "lines-0-unit_price": "1 250,50", "lines-1-item": "",
                      "lines-1-quantity": "", "lines-1-unit_price": "", "latitude": "50,0465",
                      "longitude": "19,9271", "yearly_upkeep": "1 250,50 zł"}))
    assert response.status_code == 303
    with app.app_context():
        version = db.session.scalar(select(ProposalVersion))
        assert version.cost_lines == [{"item": "Drzewa", "quantity": "2.5", "unit_price": 1_250_50, "amount": 3_126_25}]
        assert version.total_cost == 3_126_25 and version.yearly_upkeep == 1_250_50
        assert version.latitude == Decimal("50.046500") and version.longitude == Decimal("19.927100")


def test_an_area_of_another_district_is_refused(app, client, edition, resident, districts, make_area):
    elsewhere = make_area(districts[0], "Stare Miasto Północ")
    response = client.post("/proposals/new", data=form(districts, area=str(elsewhere.id)))
    assert response.status_code == 422
    assert "This area is not in the chosen district." in response.get_data(as_text=True)


def test_an_area_of_the_chosen_district_is_kept(app, client, edition, resident, districts, make_area):
    area = make_area(districts[7], "Osiedle Podwawelskie")
    assert client.post("/proposals/new", data=form(districts, area=str(area.id))).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Proposal.area_id)) == area.id


def test_the_areas_follow_the_chosen_district(client, edition, resident, districts, make_area):
    make_area(districts[7], "Osiedle Podwawelskie")
    make_area(districts[0], "Kazimierz")
    response = client.htmx("GET", f"/proposals/areas?district={districts[7].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="area-field"')
    assert "Osiedle Podwawelskie" in html and "Kazimierz" not in html


@pytest.mark.parametrize("district", ["99999999999999999999", "2147483648", "²", "-1"])
def test_a_district_number_that_is_no_database_id_is_an_invalid_choice(app, client, edition, resident, districts,
                                                                      district):
    areas = client.htmx("GET", f"/proposals/areas?district={district}")
    assert areas.status_code == 200 and '<div id="area-field"' in areas.get_data(as_text=True)
    response = client.post("/proposals/new", data=form(districts, district=district))
    assert response.status_code == 422
    assert "Choose the district from the list." in response.get_data(as_text=True)
    assert proposal_count(app) == 0


# --- Markdown is rendered inert ----------------------------------------------------------

HOSTILE = ("Zwykły tekst.\n\n<script>alert('x')</script>\n\n[kliknij](javascript:alert(1))\n\n"
           "<img src=x onerror=alert(2)>\n\n<a href=\"https://example.org\" onclick=\"alert(3)\">link</a>\n\n"
           "<iframe src=\"https://evil.example\"></iframe>")


def assert_inert(html):
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "<iframe" not in html and "<img" not in html


def test_hostile_markdown_is_inert_on_the_proposal_page(app, client, edition, resident, districts):
    response = client.post("/proposals/new", data=form(districts, description=HOSTILE))
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zwykły tekst." in html
    assert_inert(html)


def test_the_preview_renders_sanitised_markdown_with_htmx(client, edition, resident):
    response = client.htmx("POST", "/proposals/preview", data={"description": "**Ważne**\n\n" + HOSTILE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "<strong>Ważne</strong>" in html and "Preview of the description" in html
    assert_inert(html)


def test_the_preview_without_javascript_shows_the_form_again_without_saving(app, client, edition, resident,
                                                                         districts):
    response = client.post("/proposals/new", data=form(districts, description="**Ważne**\n\n" + HOSTILE,
                                                      preview="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    preview = html[html.index('id="description-preview"'):]
    assert "<strong>Ważne</strong>" in preview
    assert_inert(preview[:preview.index("</div>\n")] if "</div>\n" in preview else preview)
    assert "&lt;script&gt;alert" in html  # the text itself stays in the textarea, escaped
    assert proposal_count(app) == 0


# --- cost lines without JavaScript and with htmx ------------------------------------------

def test_adding_a_line_without_javascript_shows_the_form_with_one_more_row(app, client, edition, resident,
                                                                         districts):
    response = client.post("/proposals/new", data=form(districts, add_line="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert 'name="lines-3-item"' in html and 'name="lines-4-item"' not in html
    assert 'value="Drzewa"' in html and 'value="1 250,50"' in html
    assert proposal_count(app) == 0


def test_removing_a_line_without_javascript_keeps_the_others(app, client, edition, resident, districts):
    response = client.post("/proposals/new", data=form(districts, remove_line="0"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Drzewa"' not in html and 'id="lines-0-item" name="lines-0-item" value="Ławki"' in html
    assert 'name="lines-2-item"' not in html
    assert proposal_count(app) == 0


def test_adding_a_line_with_htmx_returns_only_the_cost_editor(client, edition, resident, districts):
    response = client.htmx("POST", "/proposals/new", data=form(districts, add_line="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="costs-editor">')
    assert 'name="lines-3-item"' in html and 'data-focus-on-swap' in html


def test_the_live_check_shows_line_amounts_the_total_and_the_cap(client, edition, resident, districts):
    response = client.htmx("POST", "/proposals/new/check", data=form(districts))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "PLN27,006" in html  # the total
    assert "Cap for a project in this district" in html and "PLN400,000" in html  # 40 % of 1 000 000 zł
    assert '<output id="line-0-amount" hx-swap-oob="true">PLN15,006</output>' in html
    assert '<output id="line-2-amount" hx-swap-oob="true">—</output>' in html
    assert "Within the cap." in html
    assert 'id="title-count" hx-swap-oob="true"' in html


def test_the_live_check_names_a_line_with_a_negative_price_at_once(client, edition, resident, districts):
    data = form(districts, **{"lines-1-unit_price": "-3 000", "lines-2-item": "Kosze"})  # line 3 still being typed
    html = client.htmx("POST", "/proposals/new/check", data=data).get_data(as_text=True)
    assert "Within the cap." not in html
    assert "The total leaves out lines with mistakes:" in html
    assert '<a href="#lines-1-unit_price">Unit price (PLN), line 2</a>: The amount cannot be negative.' in html
    assert "line 3" not in html  # nothing typed in its quantity and price yet: no message
    assert '<output id="line-1-amount" hx-swap-oob="true">—</output>' in html


def test_a_failed_save_names_a_bad_line_beside_its_fields_not_twice(client, edition, resident, districts):
    response = client.post("/proposals/new", data=form(districts, **{"lines-1-unit_price": "-3 000"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="lines-1-unit_price-error">The amount cannot be negative.' in html
    assert "The total leaves out lines with mistakes:" not in html


def test_messages_about_the_whole_estimate_share_one_labelled_region(client, edition, resident, districts):
    rows = {f"lines-{n}-{name}": value for n in range(61)
            for name, value in (("item", f"Pozycja {n}"), ("quantity", "1000000"), ("unit_price", "1 000 000"))}
    response = client.post("/proposals/new", data=form(districts, **rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A cost estimate can have at most 60 lines." in html and "far above any participatory budget" in html
    assert html.count('id="cost-lines-error"') == 1  # ids are unique, however many messages


def test_the_live_check_flags_a_total_over_the_cap_at_once(client, edition, resident, districts):
    data = form(districts, **{"lines-0-quantity": "1", "lines-0-unit_price": "500 000"})
    html = client.htmx("POST", "/proposals/new/check", data=data).get_data(as_text=True)
    assert "The total is PLN112,000 above the cap." in html
    assert 'class="error-message cap-over"' in html


def test_switching_to_a_city_wide_project_recomputes_the_cap(client, edition, resident, districts):
    data = form(districts, **{"lines-0-quantity": "1", "lines-0-unit_price": "500 000"})
    html = client.htmx("POST", "/proposals/new/check", data={**data, "scope": "citywide"}).get_data(as_text=True)
    assert "Cap for a city-wide project" in html and "PLN2,000,000" in html  # 20 % of 10 000 000 zł
    assert "above the cap" not in html


def test_the_cap_needs_a_district(client, edition, resident, districts):
    html = client.htmx("POST", "/proposals/new/check", data=form(districts, district="")).get_data(as_text=True)
    assert "Choose the district to see the cap." in html


def test_a_draft_over_the_cap_is_saved_and_flagged(app, client, edition, resident, districts):
    response = client.post("/proposals/new", data=form(districts, **{"lines-0-unit_price": "50 000"}))
    assert response.status_code == 303
    assert "above the cap" in client.get(response.headers["Location"]).get_data(as_text=True)


# --- character counts against the edition's limits --------------------------------------

def test_counts_flag_what_the_official_platform_would_refuse_but_the_draft_saves(app, client, edition, resident,
                                                                               districts):
    data = form(districts, title="Plac zabaw " + "z" * 60, summary="Za krótko.")
    html = client.htmx("POST", "/proposals/new/check", data=data).get_data(as_text=True)
    assert "71 of 60 characters." in html and "Too long for the official platform" in html
    assert "10 characters; the official form needs 60 to 250." in html and "Too short" in html
    assert client.post("/proposals/new", data=data).status_code == 303


def test_counts_follow_the_editions_own_limits(app, client, make_edition, resident, districts, english):
    make_edition(open_stage="meetings", title_max_chars=80, summary_min_chars=10, summary_max_chars=400)
    html = client.get("/proposals/new").get_data(as_text=True)
    assert "0 of 80 characters." in html and "the official form needs 10 to 400" in html


# --- editing, co-authors, permissions ------------------------------------------------------

def test_a_co_author_edits_and_version_2_is_kept_with_the_note(app, client, login, edition, make_user,
                                                             make_proposal):
    lead, co_author = make_user("Jan Zieliński"), make_user("Ewa Mazur")
    proposal = make_proposal(edition, author=lead, co_authors=[co_author])
    login(client, co_author)
    html, data = edit_form(client, proposal.id)
    assert "You are editing version 1." in html
    assert data["lock"] == "1" and data["title"] == "Plac zabaw przy Zielonej"
    assert data["lines-0-item"] == "Urządzenia zabawowe" and data["lines-1-quantity"] == "120,5"
    response = client.post(f"/proposals/{proposal.id}/edit",
                           data={**data, "title": "Plac zabaw i zieleń przy Zielonej", "change_note": "Nowy tytuł"})
    assert response.status_code == 303
    assert "Version 2 has been saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    (_n1, by1, title1, *_), (n2, by2, title2, _d, lines2, note2) = versions(app, proposal.id)
    assert (by1, title1) == (lead.id, "Plac zabaw przy Zielonej")
    assert (n2, by2, title2, note2) == (2, co_author.id, "Plac zabaw i zieleń przy Zielonej", "Nowy tytuł")
    assert [line["amount"] for line in lines2] == [100_000_00, 42_175_00]


def test_html_the_description_cannot_show_is_removed_and_named_on_save(app, client, edition, resident, districts):
    description = ("## Co zrobimy\n\nPosadzimy **drzewa**<script>alert('x')</script> i ustawimy "
                   "<b>ławki</b>.\n\n<iframe src=\"https://example.org\"></iframe>Koniec, a < b.")
    response = client.post("/proposals/new", data=form(districts, description=description))
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("We removed HTML tags the description cannot show: &lt;b&gt;, &lt;iframe&gt;, &lt;script&gt;. "
            "The rest of the text is kept.") in html
    (_n, _by, _title, saved, _lines, _note), = versions(app, proposal_id_of(response))
    assert saved == "## Co zrobimy\n\nPosadzimy **drzewa** i ustawimy ławki.\n\nKoniec, a < b."


def test_an_edit_names_the_html_it_removed_too(app, client, login, edition, make_user, make_proposal):
    lead = make_user()
    proposal = make_proposal(edition, author=lead)
    login(client, lead)
    _html, data = edit_form(client, proposal.id)
    response = client.post(f"/proposals/{proposal.id}/edit",
                           data={**data, "description": data["description"] + "\n\n<marquee>Nowość!</marquee>"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We removed HTML tags the description cannot show: &lt;marquee&gt;." in html
    assert "Version 2 has been saved." in html
    assert versions(app, proposal.id)[-1][3].endswith("\n\nNowość!")
    # Only tags, nothing new besides: the author hears both that they went and that nothing changed.
    _html, data = edit_form(client, proposal.id)
    response = client.post(f"/proposals/{proposal.id}/edit", data={**data, "description": data["description"] + "<u></u>"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;u&gt;" in html and "Nothing has changed" in html


def test_a_description_without_html_says_nothing_about_it(client, edition, resident, districts):
    response = client.post("/proposals/new", data=form(districts))
    assert "We removed" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_saving_the_same_text_creates_no_version(app, client, login, edition, make_user, make_proposal):
    lead = make_user()
    proposal = make_proposal(edition, author=lead)
    login(client, lead)
    _html, data = edit_form(client, proposal.id)
    response = client.post(f"/proposals/{proposal.id}/edit", data=data)
    assert response.status_code == 303
    assert "Nothing has changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(versions(app, proposal.id)) == 1


def test_editing_someone_elses_proposal_is_forbidden(app, client, login, edition, make_user, make_proposal,
                                                    districts):
    proposal = make_proposal(edition, author=make_user())
    with app.app_context():
        db.session.get(Proposal, proposal.id).draft_visibility = "edition"
        db.session.commit()
    login(client, make_user("Obcy Człowiek"))
    assert client.get(f"/proposals/{proposal.id}").status_code == 200  # visible to the edition…
    assert f"/proposals/{proposal.id}/edit" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403  # …but not theirs to edit
    assert client.post(f"/proposals/{proposal.id}/edit", data=form(districts, lock="1")).status_code == 403
    assert client.htmx("POST", f"/proposals/{proposal.id}/check", data=form(districts)).status_code == 403
    assert len(versions(app, proposal.id)) == 1


def test_the_areas_ambassador_helps_edit_a_draft_of_the_area(app, client, login, edition, make_user, make_area,
                                                            make_ambassador, make_proposal, districts):
    area = make_area(districts[0], "Kazimierz")
    ambassador = make_ambassador(edition, area=area)
    proposal = make_proposal(edition, author=make_user(), area=area)
    with app.app_context():
        from pbflow.accounts.models import User

        helper = db.session.get(User, ambassador.user_id)
        db.session.expunge(helper)
    login(client, helper)
    _html, data = edit_form(client, proposal.id)
    response = client.post(f"/proposals/{proposal.id}/edit", data={**data, "location": "Plac Nowy 1"})
    assert response.status_code == 303
    assert versions(app, proposal.id)[-1][1] == helper.id


def test_a_private_draft_of_someone_else_is_forbidden_too(client, login, edition, make_user, make_proposal):
    proposal = make_proposal(edition, author=make_user())
    login(client, make_user())
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 403


def test_a_proposal_in_consultation_cannot_be_edited(app, client, login, edition, make_user, make_proposal,
                                                    districts):
    lead = make_user()
    proposal = make_proposal(edition, author=lead, status="in_consultation")
    login(client, lead)
    response = client.get(f"/proposals/{proposal.id}/edit")
    assert response.status_code == 303
    response = client.post(f"/proposals/{proposal.id}/edit", data=form(districts, lock="1", title="Mój nowy tytuł"))
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "cannot be edited in its current status" in html and 'value="Mój nowy tytuł"' in html


# --- no lost edits ------------------------------------------------------------------------

def test_a_stale_form_gets_the_conflict_page_and_resolving_it_saves_version_3(app, client, login, edition,
                                                                            make_user, make_proposal):
    lead, co_author = make_user("Jan Zieliński"), make_user("Ewa Mazur")
    proposal = make_proposal(edition, author=lead, co_authors=[co_author])
    other = app.test_client()
    login(other, lead)
    login(client, co_author)
    _html, lead_form = edit_form(other, proposal.id)
    _html, mine = edit_form(client, proposal.id)

    # The lead saves first.
    assert other.post(f"/proposals/{proposal.id}/edit", data={
        **lead_form, "title": "Plac zabaw dla całego osiedla", "lines-0-quantity": "5"}).status_code == 303

    # The co-author's save from the older form is refused with both texts shown.
    mine.update({"summary": "Mój nowy opis skrócony: bezpieczny plac zabaw z cieniem i ławkami dla opiekunów.",
                 "lines-2-item": "Ławki", "lines-2-quantity": "3", "lines-2-unit_price": "2 500,50",
                 "change_note": "Dodane ławki"})
    response = client.post(f"/proposals/{proposal.id}/edit", data=mine)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone saved a newer version while you were editing" in html
    assert "Jan Zieliński saved version 2" in html
    table = html[html.index('<table class="conflict">'):html.index("</table>")]
    assert "Plac zabaw dla całego osiedla" in table and "Plac zabaw przy Zielonej" in table  # theirs, mine
    assert "Mój nowy opis skrócony" in table
    assert "Ławki: 3 × PLN2,500.50 = PLN7,501.50" in table  # my new line
    assert "Urządzenia zabawowe: 5 × PLN25,000 = PLN125,000" in table  # their changed line
    assert "conflict-differs" in table

    # The form keeps the co-author's text, with the new counter.
    resubmit = dict(fields_of(html))
    assert resubmit["lock"] == "2"
    assert resubmit["title"] == "Plac zabaw przy Zielonej" and resubmit["lines-2-unit_price"] == "2 500,50"
    assert resubmit["change_note"] == "Dodane ławki"
    assert len(versions(app, proposal.id)) == 2  # nothing saved yet, nothing lost

    # Merging by hand: their title, my summary and new line.
    resubmit["title"] = "Plac zabaw dla całego osiedla"
    response = client.post(f"/proposals/{proposal.id}/edit", data=resubmit)
    assert response.status_code == 303
    v1, v2, v3 = versions(app, proposal.id)
    assert v2[1] == lead.id and v2[2] == "Plac zabaw dla całego osiedla"
    assert v3[0] == 3 and v3[1] == co_author.id and v3[2] == "Plac zabaw dla całego osiedla"
    assert [line["item"] for line in v3[4]] == ["Urządzenia zabawowe", "Nawierzchnia bezpieczna", "Ławki"]
    assert v3[5] == "Dodane ławki"
    assert v1[2] == "Plac zabaw przy Zielonej"  # the first version is untouched


def test_a_form_without_its_counter_is_treated_as_stale(app, client, login, edition, make_user, make_proposal):
    lead = make_user()
    proposal = make_proposal(edition, author=lead)
    login(client, lead)
    _html, data = edit_form(client, proposal.id)
    response = client.post(f"/proposals/{proposal.id}/edit", data={**data, "lock": "nonsense", "title": "Nowy"})
    assert response.status_code == 409
    assert dict(fields_of(response.get_data(as_text=True)))["lock"] == "1"


# --- query counts -----------------------------------------------------------------------

def test_the_edit_page_costs_the_same_whatever_the_number_of_cost_lines(app, client, login, edition, make_user,
                                                                       make_proposal, count_queries):
    lead = make_user()
    small = make_proposal(edition, author=lead, lines=[("Ławka", Decimal(1), 1_000_00)])
    large = make_proposal(edition, author=lead, lines=[(f"Pozycja {n}", Decimal(n), 100_00) for n in range(1, 60)])
    login(client, lead)
    client.get(f"/proposals/{small.id}/edit")
    counts = []
    for proposal in (small, large):
        with count_queries() as statements:
            assert client.get(f"/proposals/{proposal.id}/edit").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- the edition sets the official form's limits -------------------------------------------

def test_a_coordinator_sets_the_official_forms_limits(app, client, login, people, make_edition, english):
    edition = make_edition(open_stage="meetings")
    login(client, people["coordinator"])
    page = client.get(f"/editions/{edition.id}/edit").get_data(as_text=True)
    assert "Limits of the official form" in page and 'name="title_max_chars"' in page
    from tests.web.test_editions import FORM_2026

    with app.app_context():
        stored = db.session.get(Edition, edition.id)
        dates = {name: getattr(stored, name).isoformat() for name in FORM_2026 if name.endswith(
            ("opens", "closes", "open", "close", "deadline"))}
    data = {**FORM_2026, **dates, "name": edition.name, "year": str(edition.year), "title_max_chars": "80",
            "summary_min_chars": "40", "summary_max_chars": "300", "description_max_chars": "8000"}
    assert client.post(f"/editions/{edition.id}/edit", data=data).status_code == 303
    with app.app_context():
        stored = db.session.get(Edition, edition.id)
        assert (stored.title_max_chars, stored.summary_min_chars, stored.summary_max_chars,
                stored.description_max_chars) == (80, 40, 300, 8000)

    for overrides, message in [
        ({"summary_min_chars": "400", "summary_max_chars": "300"}, "cannot be longer than the longest summary"),
        ({"title_max_chars": "0"}, "between 1 and 200"),
        ({"description_max_chars": "-5"}, "between 1 and 50000"),
        ({"title_max_chars": "sixty"}, "Not a valid integer value."),
    ]:
        response = client.post(f"/editions/{edition.id}/edit", data={**data, **overrides})
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), overrides
