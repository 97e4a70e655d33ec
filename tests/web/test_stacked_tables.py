"""On a phone pbflow.css stacks tables and hides their header row, so each data cell names its column
(<td data-label="…">); and a page's ids are unique, so every label points at its own field. One table per
template is checked here, on the demo data; tests/browser/test_crawl.py checks every page as it is shown."""

import re
from collections import Counter

import pytest

from pbflow import demo
from pbflow.accounts.models import User
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.feedback.models import Routing
from pbflow.meetings.models import Meeting
from pbflow.proposals.models import AuthorRole, Proposal, ProposalAuthor

COORDINATOR, RESIDENT = "koordynator@example.org", "mieszkaniec@example.org"


@pytest.fixture
def seeded(app, english):
    with app.app_context():
        demo.seed()
    return app


def _log_in(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 303
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _missing_labels(html, labels):
    return [label for label in labels if f'data-label="{label}"' not in html]


def _duplicate_ids(html):
    """Ids used more than once, hidden inputs aside (each form's own csrf_token is no field a label names)."""
    shown = [tag for tag in re.findall(r"<[a-z][^>]*>", html) if 'type="hidden"' not in tag]
    return sorted(i for i, n in Counter(m for tag in shown for m in re.findall(r'\sid="([^"]+)"', tag)).items() if n > 1)


def _ids(app):
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.is_current))
        versioned = db.session.scalar(db.select(Proposal.id).where(Proposal.current_version >= 2).order_by(Proposal.id))
        resident_lead = db.session.scalars(
            db.select(ProposalAuthor.proposal_id).join(User, User.id == ProposalAuthor.user_id)
            .where(ProposalAuthor.role == AuthorRole.LEAD.value, User.email == RESIDENT)
            .order_by(ProposalAuthor.proposal_id)).all()
        return {"edition": edition.id, "versioned": versioned, "resident_lead": resident_lead,
                "routing": db.session.scalar(db.select(Routing.id).order_by(Routing.id)),
                "meetings": db.session.scalars(db.select(Meeting.id).order_by(Meeting.id)).all()}


def test_every_stacked_table_names_its_columns(seeded):
    ids = _ids(seeded)
    p = ids["versioned"]
    coordinator_pages = {
        "/ambassadors/applications/": ["District and area", "Sent", "Decision"],
        "/districts/": ["Areas"],
        "/editions/": ["Year", "Open today", "Final submission deadline"],
        f"/editions/{ids['edition']}": ["Pool", "Cost cap per project"],
        "/materials/": ["Kind", "For whom", "Link or file"],
        "/results/": ["Years", "Projects put to the vote", "Funded"],
        f"/training/progress?edition={ids['edition']}": ["Area", "Done"],
        "/users/": ["E-mail address", "Registered", "Roles"],
        "/proposals/all": ["Authors", "Status", "Last change", "Total cost"],
        f"/proposals/{p}": ["Quantity", "Unit price", "Amount"],  # the cost table, shared by print, versions, workspace
        f"/proposals/{p}/history": ["Saved by", "When", "Change note", "Total cost", "Compare from", "Compare to"],
        f"/proposals/{p}/compare?a=1&b=2": ["Change", "Quantity", "Unit price", "Amount", "Difference"],
        f"/routings/{ids['routing']}": ["Quantity", "Unit price", "Amount"],
        "/results/benchmarks?title=plac+zabaw": ["Where", "Year", "Cost", "Outcome"],
    }
    coordinator = _log_in(seeded, COORDINATOR)
    missing = {url: m for url, labels in coordinator_pages.items() if (m := _missing_labels(_page(coordinator, url), labels))}
    resident = _log_in(seeded, RESIDENT)
    lead = ids["resident_lead"][0]
    for url, labels in {"/proposals/mine": ["Your role", "Status", "Last change", "Total cost"],
                        f"/proposals/{lead}/authors": ["Role", "Named since"]}.items():
        if m := _missing_labels(_page(resident, url), labels):
            missing[url] = m
    assert missing == {}


def test_the_compare_radios_are_named_on_a_phone_by_their_cell(seeded):
    """The radio's label is hidden; the cell shows the column's name and the label is stretched over the cell."""
    p = _ids(seeded)["versioned"]
    html = _page(_log_in(seeded, COORDINATOR), f"/proposals/{p}/history")
    assert re.search(r'<td class="pick" data-label="Compare from"><input type="radio" name="a" value="1" id="a-1"', html)
    assert '<label for="b-1"><span class="visually-hidden">Compare to version 1</span></label>' in html


def test_the_meeting_page_and_the_support_list_have_unique_ids(seeded):
    ids = _ids(seeded)
    coordinator = _log_in(seeded, COORDINATOR)
    minutes_forms = 0
    for meeting in ids["meetings"]:
        html = _page(coordinator, f"/meetings/{meeting}")
        assert _duplicate_ids(html) == [], meeting
        if 'name="minutes"' in html:
            minutes_forms += 1
            assert '<section id="minutes-section"' in html and re.search(r'<textarea[^>]*\sid="minutes"', html)
    assert minutes_forms, "some demo meeting is under way, its minutes form shown"

    resident = _log_in(seeded, RESIDENT)
    html = _page(resident, f"/proposals/{ids['resident_lead'][0]}/supporters")
    assert _duplicate_ids(html) == []
    assert re.search(r'<input[^>]*\sid="consent" name="consent"', html)
    assert re.search(r'<input[^>]*\sid="scan-consent" name="consent"', html)  # the same name, posted as before
    assert 'for="scan-consent"' in html


def test_saving_the_minutes_without_htmx_returns_to_their_section(seeded):
    meeting = next(m for m in _ids(seeded)["meetings"]
                   if 'name="minutes"' in _page(_log_in(seeded, COORDINATOR), f"/meetings/{m}"))
    response = _log_in(seeded, COORDINATOR).post(f"/meetings/{meeting}/minutes", data={"minutes": "Ustalenia"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/meetings/{meeting}#minutes-section")
