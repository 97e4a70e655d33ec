"""Stage III in Chromium: a coordinator routes a proposal to a unit; the unit's expert writes and publishes
feedback with one criterion failing; the author saves a new version and answers the point with it; the
expert sees what changed and publishes a second round saying it is ready. Then the Stage III pages are
checked by axe-core in both languages and for sideways scrolling on a 360 px phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.proposals.models import ProposalStatus
from tests.browser.test_meeting_journey import log_in, log_out, page_problems

pytestmark = pytest.mark.browser


def publish_feedback(page, failing=None):
    """Every criterion "Meets" except `failing` (position → note); a verdict to match; publish."""
    points = page.locator("fieldset.feedback-point")
    expect(points.first).to_be_visible()
    for position in range(points.count()):
        result = "needs_change" if failing and position in failing else "meets"
        with page.expect_response(lambda r: "/feedback/points/" in r.url):  # saved as it is chosen
            page.locator(f"#point-{position}-result-{result}").check()
        if result == "needs_change":
            page.locator(f"#point-{position}-note").fill(failing[position])
            page.locator(f"#point-{position}-correctable-yes").check()
        else:
            expect(page.locator(f"#point-{position}-correctable-yes")).not_to_be_attached()  # asked only on failing
    page.locator("#cost_assessment-realistic").check()
    page.locator("#verdict-needs_changes" if failing else "#verdict-ready").check()
    page.get_by_role("button", name="Publish the feedback").click()
    expect(page.locator(".flash-success")).to_contain_text("Your feedback is published")


def test_from_routing_to_a_second_round_that_says_ready(browser, live_server, make_edition, make_proposal, make_user,
                                                        make_unit, make_expert):
    edition = make_edition(open_stage="workshops", criteria=True)
    author = make_user("Jan Zieliński", "jan.z@example.org", locale="en")
    proposal = make_proposal(edition, author=author, title="Łąka kwietna przy Kobierzyńskiej",
                             description="Łąka kwietna z ławkami zamiast koszonego trawnika, drzewa i zieleń.",
                             status=ProposalStatus.IN_CONSULTATION)
    unit = make_unit(name="Biuro Łąk i Parków", responsibilities="łąki kwietne, drzewa, zieleń, parki")
    make_unit(name="Biuro Ulic", field="Drogi i ulice", responsibilities="drogi, chodniki, przejścia")
    make_expert(unit, user=make_user("Ewa Wiśniewska", "ewa.w@example.org", locale="en"))
    make_user("Anna Nowak", "anna.n@example.org", roles=["coordinator"], locale="en")
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()

    log_in(page, "anna.n@example.org")  # the coordinator routes it; the green unit is suggested
    page.goto(f"/proposals/{proposal.id}")
    page.get_by_role("link", name="Route to verifying units").click()
    expect(page.get_by_label("Biuro Łąk i Parków")).to_be_checked()
    expect(page.get_by_label("Biuro Ulic")).not_to_be_checked()
    for other in page.locator("input[name=units]").all():  # the person decides: only ours this time
        other.set_checked(False)
    page.get_by_label("Biuro Łąk i Parków").check()
    page.get_by_role("button", name="Send to the units ticked").click()
    expect(page.locator("table.routing-table")).to_contain_text("Biuro Łąk i Parków")
    log_out(page)

    log_in(page, "ewa.w@example.org")  # the expert finds it in the unit's inbox and fails one criterion
    page.goto("/inbox")
    page.get_by_role("link", name="Łąka kwietna przy Kobierzyńskiej").click()
    publish_feedback(page, failing={1: "Działka należy do spółdzielni: potrzebna jest jej zgoda."})
    log_out(page)

    log_in(page, "jan.z@example.org")  # the author revises and answers the point with the new version
    page.goto(f"/proposals/{proposal.id}/edit")
    page.locator("#location").fill("Trawnik przy ul. Kobierzyńskiej 43 (zgoda spółdzielni w załączniku)")
    page.locator("#change_note").fill("Zgoda spółdzielni")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.locator(".proposal")).to_contain_text("Being revised")
    point = page.locator(".feedback-point-answer, [id$='-thread']").first
    point.locator("summary").click()
    point.get_by_label("Changed: a newer version").check()
    point.locator("select").select_option("2")
    point.locator("textarea").fill("Dołączyliśmy zgodę spółdzielni.")
    point.get_by_role("button", name="Post the answer").click()
    expect(page.locator("#main")).to_contain_text("version 2")
    page.get_by_role("button", name="Send the revised proposal to the experts").click()
    expect(page.locator("#next-steps")).to_contain_text("In consultation")
    log_out(page)

    log_in(page, "ewa.w@example.org")  # round 2: what changed since version 1, then ready
    page.goto("/inbox")
    page.get_by_role("link", name="Łąka kwietna przy Kobierzyńskiej").click()
    expect(page.locator("h1")).to_contain_text("Łąka kwietna")
    workspace = page.url
    page.get_by_role("link", name="See what changed since version 1").click()
    expect(page.locator("#main")).to_contain_text("zgoda spółdzielni")
    page.goto(workspace)
    publish_feedback(page)
    page.goto(f"/proposals/{proposal.id}")
    expect(page.locator("#next-steps")).to_contain_text("Feedback received")
    context.close()


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_stage_three_pages_meet_wcag_21_aa_and_fit_a_phone(browser, live_server, app, make_edition, make_proposal,
                                                           make_user, make_unit, make_expert, make_routing,
                                                           make_feedback, locale):
    from pbflow.workshops.models import ConsultationSlot, Workshop, WorkshopUnit

    edition = make_edition(open_stage="workshops", criteria=True)
    author = make_user("Jan Zieliński", f"jan-{locale}@example.org", locale=locale)
    proposal = make_proposal(edition, author=author, status=ProposalStatus.FEEDBACK_RECEIVED)
    waiting = make_proposal(edition, title="Siłownia plenerowa", status=ProposalStatus.IN_CONSULTATION)
    unit = make_unit(name="Zarząd Zieleni Miejskiej")
    expert = make_expert(unit, user=make_user("Ewa Wiśniewska", f"ewa-{locale}@example.org", locale=locale))
    make_feedback(make_routing(proposal, unit), author=expert, results={1: "needs_change"})
    routing = make_routing(waiting, unit)
    make_user("Anna Nowak", f"anna-{locale}@example.org", roles=["coordinator"], locale=locale)
    with app.app_context():
        starts = (utcnow() + timedelta(days=40)).replace(minute=0, second=0, microsecond=0)
        workshop = Workshop(edition_id=edition.id, theme="Zieleń na osiedlach", starts_at=starts,
                            ends_at=starts + timedelta(hours=2), place="CAS Ruczaj", capacity=20)
        db.session.add(workshop)
        db.session.flush()
        db.session.add(WorkshopUnit(workshop_id=workshop.id, unit_id=unit.id))
        db.session.add(ConsultationSlot(edition_id=edition.id, unit_id=unit.id, expert_id=expert.id,
                                        starts_at=starts, ends_at=starts + timedelta(minutes=30), place="ZZM"))
        db.session.commit()
        workshop_id = workshop.id
    pages = {
        f"anna-{locale}@example.org": ["/units/", f"/units/{unit.id}", "/units/new", "/routing/board",
                            f"/proposals/{waiting.id}/routing", f"/proposals/{proposal.id}", "/notifications/",
                            "/workshops/", f"/workshops/{workshop_id}", "/workshops/new", "/consultations/"],
        f"ewa-{locale}@example.org": ["/inbox", f"/units/{unit.id}/inbox", f"/routings/{routing.id}", f"/units/{unit.id}/snippets",
                          "/consultations/new", "/consultations/mine"],
        f"jan-{locale}@example.org": [f"/proposals/{proposal.id}", "/consultations/", "/notifications/"],
    }
    found = page_problems(browser, live_server, pages)
    assert found == {}
