"""Co-authors and visibility: the lead invites a neighbour by e-mail, the neighbour accepts and co-writes;
the lead hands over, removes, chooses who sees the draft and publishes it."""

import hashlib
import re
from datetime import timedelta

import flask_babel
import pytest
from sqlalchemy import select, update

from pbflow.core.database import utcnow
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.proposals import invitations, transitions
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalInvitation
from tests.conftest import log_in

LINK = re.compile(r"http://localhost(/proposals/invitations/([A-Za-z0-9_-]+))")


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def lead(make_user):
    return make_user("Zofia Dąbrowska", "zofia@example.org", locale="pl")


@pytest.fixture
def neighbour(make_user):
    return make_user("Marek Lewandowski", "marek@example.org", locale="en")


@pytest.fixture
def proposal(edition, make_proposal, lead):
    return make_proposal(edition, author=lead, title="Plac zabaw przy Zielonej")


def signed_in(app, user):
    client = app.test_client()
    log_in(client, user)
    return client


def invite(client, proposal, email, **kwargs):
    return client.post(f"/proposals/{proposal.id}/authors", data={"email": email}, **kwargs)


def sent_link(to):
    mail = [m for m in outbox() if m.to == to][-1]
    path, token = LINK.search(mail.body).groups()
    return mail, path, token


def authors(app, proposal):
    with app.app_context():
        return dict(db.session.execute(select(ProposalAuthor.user_id, ProposalAuthor.role)
                                       .where(ProposalAuthor.proposal_id == proposal.id)).all())


def verbs(app, proposal):
    with app.app_context():
        return db.session.scalars(select(AuditEvent.verb).where(
            AuditEvent.object_type == "proposals", AuditEvent.object_id == proposal.id).order_by(AuditEvent.id)).all()


def invited(app, proposal, client, email):
    """The lead has invited `email`; returns the invitation link's path."""
    assert invite(client, proposal, email).status_code == 303
    with app.app_context():
        return sent_link(email)[1]


# --- inviting and accepting -----------------------------------------------------------

def test_the_lead_invites_a_neighbour_who_accepts_is_named_and_can_edit(app, english, proposal, lead, neighbour):
    client = signed_in(app, lead)
    page = client.get(f"/proposals/{proposal.id}/authors")
    assert page.status_code == 200 and "Invite a co-author" in page.get_data(as_text=True)

    response = invite(client, proposal, "Marek@Example.org")
    assert response.status_code == 303 and response.headers["Location"] == f"/proposals/{proposal.id}/authors"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The invitation has been sent to Marek@Example.org." in html and "Waiting for an answer" in html

    with app.app_context():
        mail, path, token = sent_link("Marek@Example.org")
        stored = db.session.scalar(select(ProposalInvitation))
        # Only the hash is kept: the database alone gives no working link.
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in {str(value) for value in stored.__dict__.values()}
        assert stored.email_key == "marek@example.org" and stored.status == "pending"
    # Marek has an account in English, so the mail is in English though Zofia uses Polish.
    assert "Zofia Dąbrowska invites you" in mail.subject
    assert "Plac zabaw przy Zielonej" in mail.body and "30 days" in mail.body

    # Not named before accepting.
    assert "Marek Lewandowski" not in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)

    visitor = app.test_client()
    to_login = visitor.get(path)
    assert to_login.status_code == 302 and to_login.headers["Location"] == f"/login?next={path}"
    back = visitor.post(to_login.headers["Location"], data={"email": neighbour.email, "password": "correct horse battery"})
    assert back.headers["Location"] == path
    html = visitor.get(path).get_data(as_text=True)
    assert "Plac zabaw przy Zielonej" in html and "Zofia Dąbrowska" in html
    assert "agree to be named as a co-author" in html

    accepted = visitor.post(f"{path}/accept")
    assert accepted.status_code == 303 and accepted.headers["Location"] == f"/proposals/{proposal.id}"
    page = visitor.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "you are now a co-author" in page
    assert re.search(r"Marek Lewandowski\s*<span class=\"tag\">Co-author</span>", page)
    assert re.search(r"Zofia Dąbrowska\s*<span class=\"tag\">Lead author</span>", page)
    assert authors(app, proposal) == {lead.id: "lead", neighbour.id: "co_author"}
    assert verbs(app, proposal)[-2:] == ["proposal.author_invited", "proposal.author_joined"]

    with app.app_context():
        stored = db.session.scalar(select(ProposalInvitation))
        assert (stored.status, stored.user_id) == ("accepted", neighbour.id) and stored.responded_at
        author = db.session.get(ProposalAuthor, (proposal.id, neighbour.id))
        assert author.consent_at is not None
        current = db.session.get(Proposal, proposal.id)
        content = proposals.Content.of(proposals.get_version(current))
        content.summary += " Z fontanną."
        from pbflow.accounts.models import User
        version = proposals.save_version(db.session.get(User, neighbour.id), current, content, current.current_version)
        assert version.created_by_id == neighbour.id

    # The link has done its work.
    again = visitor.get(path)
    assert again.status_code == 410 and "already been accepted" in again.get_data(as_text=True)


def test_the_mail_speaks_the_invitees_language_or_else_the_inviters(app, edition, make_proposal, make_user,
                                                                    monkeypatch):
    locales = []
    real_send = invitations.send_mail
    monkeypatch.setattr(invitations, "send_mail",
                        lambda *args: locales.append(str(flask_babel.get_locale())) or real_send(*args))
    inviter = make_user("Lead EN", "lead.en@example.org", locale="en")
    make_user("Sąsiadka", "sasiadka@example.org", locale="pl")
    proposal = make_proposal(edition, author=inviter)
    client = signed_in(app, inviter)
    invited(app, proposal, client, "sasiadka@example.org")
    invited(app, proposal, client, "bez.konta@example.org")
    assert locales == ["pl", "en"]


def test_the_invited_person_declines_and_is_not_named(app, english, proposal, lead, neighbour):
    path = invited(app, proposal, signed_in(app, lead), neighbour.email)
    client = signed_in(app, neighbour)
    response = client.post(f"{path}/decline")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert authors(app, proposal) == {lead.id: "lead"}
    assert verbs(app, proposal)[-1] == "proposal.invitation_declined"
    html = signed_in(app, lead).get(f"/proposals/{proposal.id}/authors").get_data(as_text=True)
    assert "Declined" in html
    assert client.post(f"{path}/accept").status_code == 410


def test_another_account_cannot_use_the_link(app, english, proposal, lead, neighbour, make_user):
    path = invited(app, proposal, signed_in(app, lead), neighbour.email)
    stranger = signed_in(app, make_user("Obcy", "obcy@example.org"))
    page = stranger.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "This invitation was sent to m•••@example.org" in html and "marek@example.org" not in html
    assert "Plac zabaw" not in html
    assert stranger.post(f"{path}/accept").status_code == 403
    assert authors(app, proposal) == {lead.id: "lead"}


def test_unknown_cancelled_and_expired_links(app, english, proposal, lead, neighbour):
    client = signed_in(app, neighbour)
    assert client.get("/proposals/invitations/no-such-token").status_code == 404

    lead_client = signed_in(app, lead)
    path = invited(app, proposal, lead_client, neighbour.email)
    with app.app_context():
        invitation_id = db.session.scalar(select(ProposalInvitation.id))
    cancelled = lead_client.post(f"/proposals/{proposal.id}/invitations/{invitation_id}/cancel")
    assert cancelled.status_code == 303
    assert verbs(app, proposal)[-1] == "proposal.invitation_cancelled"
    page = client.get(path)
    assert page.status_code == 410 and "cancelled this invitation" in page.get_data(as_text=True)
    assert lead_client.post(f"/proposals/{proposal.id}/invitations/{invitation_id}/cancel").status_code == 409

    path = invited(app, proposal, lead_client, neighbour.email)
    with app.app_context():
        db.session.execute(update(ProposalInvitation).where(ProposalInvitation.status == "pending")
                           .values(created_at=utcnow() - timedelta(days=31)))
        db.session.commit()
    page = client.get(path)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert client.post(f"{path}/accept").status_code == 410
    # An expired invitation does not block a fresh one.
    assert "Expired without an answer" in lead_client.get(f"/proposals/{proposal.id}/authors").get_data(as_text=True)
    fresh = invited(app, proposal, lead_client, neighbour.email)
    assert client.post(f"{fresh}/accept").status_code == 303


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter your e-mail address."),
    ("marek-at-example.org", "Enter an e-mail address like name@example.pl."),
    ("x" * 250 + "@example.org", "Use at most 254 characters."),
    ("ZOFIA@example.org", "zofia@example.org is already an author of this proposal."),
    ("Pending@Example.org", "pending@example.org has already been invited and has not answered yet."),
])
def test_bad_and_duplicate_addresses_are_refused(app, english, proposal, lead, email, message):
    client = signed_in(app, lead)
    invited(app, proposal, client, "pending@example.org")
    with app.app_context():
        sent = len(outbox())
    response = invite(client, proposal, email)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and "<html" in html
    fragment = client.htmx("POST", f"/proposals/{proposal.id}/authors", data={"email": email})
    assert fragment.status_code == 422 and message in fragment.get_data(as_text=True)
    assert fragment.get_data(as_text=True).lstrip().startswith('<form id="invite-form"')
    with app.app_context():
        assert len(outbox()) == sent
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(ProposalInvitation)) == 1


def test_pending_invitations_are_capped(app, english, proposal, lead, monkeypatch):
    monkeypatch.setattr(invitations, "MAX_PENDING", 2)
    client = signed_in(app, lead)
    invited(app, proposal, client, "a@example.org")
    invited(app, proposal, client, "b@example.org")
    response = invite(client, proposal, "c@example.org")
    assert response.status_code == 422 and "Cancel some of them" in response.get_data(as_text=True)


def test_a_lead_sends_only_so_many_invitations_an_hour(app, english, edition, make_proposal, proposal, lead,
                                                      make_user):
    app.config["INVITATIONS_PER_HOUR"] = 3
    client = signed_in(app, lead)
    invited(app, proposal, client, "a@example.org")
    invited(app, proposal, client, "b@example.org")
    with app.app_context():
        invitation_id = db.session.scalar(select(ProposalInvitation.id).where(ProposalInvitation.email_key == "b@example.org"))
    client.post(f"/proposals/{proposal.id}/invitations/{invitation_id}/cancel")  # a sent e-mail counts all the same
    invited(app, proposal, client, "c@example.org")
    other = make_proposal(edition, author=lead, title="Ławki przy stawie")  # on any proposal
    with app.app_context():
        sent = len(outbox())
    response = invite(client, other, "d@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You have sent 3 invitations in the last hour. Wait an hour before inviting more people." in html
    assert 'value="d@example.org"' in html  # the address typed is kept
    with app.app_context():
        assert len(outbox()) == sent
        assert db.session.scalar(select(db.func.count()).select_from(ProposalInvitation)) == 3
    # Another lead is not held back by this one.
    someone = make_user("Anna Nowak", "anna.nowak@example.org")
    theirs = make_proposal(edition, author=someone, title="Rowery miejskie")
    invited(app, theirs, signed_in(app, someone), "d@example.org")


def test_a_parallel_duplicate_hits_the_unique_index_and_gets_a_message(app, english, proposal, lead, monkeypatch):
    client = signed_in(app, lead)
    invited(app, proposal, client, "marek@example.org")
    monkeypatch.setattr(invitations, "is_expired", lambda _invitation: True)  # the check lets it through…
    monkeypatch.setattr(invitations, "_close", lambda *args, **kwargs: None)  # …and nothing makes way
    response = invite(client, proposal, "marek@example.org")
    assert response.status_code == 422 and "has already been invited" in response.get_data(as_text=True)


def test_readiness_lists_pending_invitations(app, proposal, lead):
    invited(app, proposal, signed_in(app, lead), "marek@example.org")
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
        app.extensions["babel"].locale_selector = lambda: "en"
        problems = proposals.readiness_problems(db.session.get(Proposal, proposal.id))
    assert any("invited co-authors have not answered" in p for p in problems)


# --- co-authors, the lead ----------------------------------------------------------------

@pytest.fixture
def co_written(edition, make_proposal, lead, neighbour):
    return make_proposal(edition, author=lead, co_authors=[neighbour])


def test_a_co_author_cannot_invite_hand_over_or_remove(app, co_written, lead, neighbour, make_user):
    other = make_user()
    client = signed_in(app, neighbour)
    assert client.get(f"/proposals/{co_written.id}/authors").status_code == 200
    assert invite(client, co_written, "x@example.org").status_code == 403
    assert client.post(f"/proposals/{co_written.id}/authors/{neighbour.id}/lead").status_code == 403
    assert client.post(f"/proposals/{co_written.id}/authors/{lead.id}/remove").status_code == 403
    assert client.post(f"/proposals/{co_written.id}/visibility", data={"draft_visibility": "edition"}).status_code == 403
    assert client.post(f"/proposals/{co_written.id}/publish").status_code == 403
    assert signed_in(app, other).get(f"/proposals/{co_written.id}/authors").status_code == 403
    assert authors(app, co_written) == {lead.id: "lead", neighbour.id: "co_author"}


def test_only_the_lead_sees_the_invited_addresses_in_full(app, english, co_written, lead, neighbour, make_user,
                                                          people):
    invitee = make_user("Anna Nowak", "anna.nowak@example.org")
    lead_client = signed_in(app, lead)
    path = invited(app, co_written, lead_client, invitee.email)
    assert signed_in(app, invitee).post(f"{path}/decline").status_code == 303
    invited(app, co_written, lead_client, "czeka.na.odpowiedz@example.org")

    html = lead_client.get(f"/proposals/{co_written.id}/authors").get_data(as_text=True)
    assert "anna.nowak@example.org" in html and "czeka.na.odpowiedz@example.org" in html
    for person in (neighbour, people["coordinator"]):  # a co-author, a coordinator
        response = signed_in(app, person).get(f"/proposals/{co_written.id}/authors")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Declined" in html
        assert "a•••@example.org" in html and "c•••@example.org" in html
        assert "anna.nowak@" not in html and "czeka.na.odpowiedz@" not in html


def test_the_lead_hands_over_and_can_no_longer_withdraw(app, english, co_written, lead, neighbour):
    client = signed_in(app, lead)
    response = client.post(f"/proposals/{co_written.id}/authors/{neighbour.id}/lead")
    assert response.status_code == 303
    assert "Marek Lewandowski is now the lead author" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert authors(app, co_written) == {lead.id: "co_author", neighbour.id: "lead"}
    assert verbs(app, co_written)[-1] == "proposal.lead_handed_over"
    # The former lead is a co-author now: no more managing.
    assert client.post(f"/proposals/{co_written.id}/authors/{lead.id}/lead").status_code == 403
    from pbflow.accounts.models import User
    with app.app_context():
        current = db.session.get(Proposal, co_written.id)
        with pytest.raises(transitions.TransitionNotAllowed):
            transitions.withdraw(db.session.get(User, lead.id), current)
        transitions.withdraw(db.session.get(User, neighbour.id), current)
        assert current.status == "withdrawn"


def test_the_lead_removes_a_co_author_and_a_co_author_may_leave(app, english, edition, make_proposal, lead,
                                                                 neighbour, make_user):
    third = make_user("Ola Kamińska")
    proposal = make_proposal(edition, author=lead, co_authors=[neighbour, third])
    lead_client = signed_in(app, lead)
    assert lead_client.post(f"/proposals/{proposal.id}/authors/{third.id}/remove").status_code == 303
    left = signed_in(app, neighbour).post(f"/proposals/{proposal.id}/authors/{neighbour.id}/remove")
    assert left.status_code == 303
    assert authors(app, proposal) == {lead.id: "lead"}
    assert verbs(app, proposal)[-2:] == ["proposal.author_removed", "proposal.author_removed"]
    refused = lead_client.post(f"/proposals/{proposal.id}/authors/{lead.id}/remove")
    assert refused.status_code == 409 and "Hand over the lead" in refused.get_data(as_text=True)
    assert authors(app, proposal) == {lead.id: "lead"}


# --- visibility ----------------------------------------------------------------------

def test_who_sees_a_draft_is_the_leads_choice(app, english, edition, make_proposal, make_area, make_ambassador,
                                              lead, make_user):
    area = make_area()
    ambassador = make_ambassador(edition, area=area)
    proposal = make_proposal(edition, author=lead, area=area)
    url = f"/proposals/{proposal.id}"
    stranger = signed_in(app, make_user("Sąsiad z innej dzielnicy"))
    visitor = app.test_client()
    assert stranger.get(url).status_code == 403
    assert visitor.get(url).status_code == 302
    assert signed_in(app, _user(app, ambassador.user_id)).get(url).status_code == 200

    client = signed_in(app, lead)
    response = client.post(f"{url}/visibility", data={"draft_visibility": "edition"})
    assert response.status_code == 303
    assert "every signed-in resident can read it now" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert stranger.get(url).status_code == 200
    assert visitor.get(url).status_code == 302

    assert client.post(f"{url}/visibility", data={"draft_visibility": "everyone"}).status_code == 422
    assert client.post(f"{url}/publish").status_code == 303
    assert visitor.get(url).status_code == 200
    assert verbs(app, proposal)[-2:] == ["proposal.visibility_changed", "proposal.published"]
    with app.app_context():
        assert db.session.get(Proposal, proposal.id).published_at is not None

    assert client.post(f"{url}/unpublish").status_code == 303
    assert visitor.get(url).status_code == 302
    with app.app_context():
        db.session.execute(update(Proposal).values(status="submitted", is_public=True))
        db.session.commit()
    refused = client.post(f"{url}/unpublish")
    assert refused.status_code == 409 and "stays public" in refused.get_data(as_text=True)


def _user(app, user_id):
    from pbflow.accounts.models import User
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_the_proposal_page_links_authors_to_the_authors_page(app, english, co_written, lead, neighbour, make_user):
    link = f'href="/proposals/{co_written.id}/authors"'
    assert link in signed_in(app, neighbour).get(f"/proposals/{co_written.id}").get_data(as_text=True)
    with app.app_context():
        db.session.execute(update(Proposal).values(is_public=True))
        db.session.commit()
    assert link not in signed_in(app, make_user()).get(f"/proposals/{co_written.id}").get_data(as_text=True)


# --- fixed queries ----------------------------------------------------------------------

def test_the_authors_page_runs_a_fixed_number_of_queries(app, edition, make_proposal, make_user, lead, count_queries):
    small = make_proposal(edition, author=lead, co_authors=[make_user()])
    large = make_proposal(edition, author=lead, co_authors=[make_user() for _ in range(6)])
    client = signed_in(app, lead)
    invited(app, small, client, "one@example.org")
    for n in range(8):
        invited(app, large, client, f"many{n}@example.org")
    counts = []
    for proposal in (small, large):
        with count_queries() as statements:
            assert client.get(f"/proposals/{proposal.id}/authors").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
