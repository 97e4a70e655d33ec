"""An idea from a meeting becomes a draft proposal, with the people who raised it invited as co-authors.

The draft is started through pbflow.proposals.services.start_draft, so the person who turns the idea
into a draft is its lead author and the proposals' own rules (deadline, district and area) apply.
Invitations go through pbflow.proposals.invitations.invite: the invited person sees them in "My
proposals" and by e-mail, and becomes a co-author only by accepting.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.web.urls import external_url
from pbflow.extensions import db
from pbflow.meetings import policy
from pbflow.meetings.models import Idea, IdeaRaiser
from pbflow.proposals import invitations, queries
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals import services as proposals
from pbflow.proposals.models import DraftVisibility, Proposal

TITLE_MAX = 200


class DraftError(Exception):
    """The idea cannot become a draft; the message is shown. `status` is the HTTP status."""

    status = 409


def draft_visible(user, proposal, may_manage):
    """May this viewer open the draft? proposals.policy.can_view without its per-row ambassador query:
    the draft's area is the meeting's, so its ambassadors are exactly the meeting's managers."""
    if may_manage or proposal.is_public:
        return True
    if not proposal_policy.signed_in(user):
        return False
    return (proposal_policy.is_coordinator(user) or proposal_policy.is_author(user, proposal)
            or proposal.draft_visibility == DraftVisibility.EDITION.value)


def draft_context(meeting, user, may_manage):
    """For each idea's "became a draft" line: the drafts (with authors) and who raised each idea."""
    drafts = db.session.scalars(
        select(Proposal).join(Idea, Idea.proposal_id == Proposal.id).where(Idea.meeting_id == meeting.id)
        .options(selectinload(Proposal.authors))).all()
    raisers = {}
    for idea_id, user_id in db.session.execute(
            select(IdeaRaiser.idea_id, IdeaRaiser.user_id).join(Idea, Idea.id == IdeaRaiser.idea_id)
            .where(Idea.meeting_id == meeting.id)):
        raisers.setdefault(idea_id, set()).add(user_id)
    return {"idea_drafts": {p.id: p for p in drafts},
            "visible_drafts": {p.id for p in drafts if draft_visible(user, p, may_manage)},
            "idea_raisers": raisers}


def load_idea(meeting, idea_id, for_update=False):
    query = (select(Idea).where(Idea.id == idea_id, Idea.meeting_id == meeting.id, Idea.hidden_at.is_(None))
             .options(selectinload(Idea.raisers).joinedload(IdeaRaiser.user)))
    if for_update:
        query = query.with_for_update(of=Idea)
    return db.session.scalar(query)


def raiser_ids(idea):
    return {r.user_id for r in idea.raisers}


def invitable(actor, idea):
    """The people who raised or posted the idea and can be invited: with an account and an address."""
    people = {r.user.id: r.user for r in idea.raisers}
    if idea.created_by_id is not None and idea.created_by_id not in people:
        author = db.session.get(User, idea.created_by_id)
        if author is not None:
            people[author.id] = author
    return sorted((p for p in people.values() if p.id != actor.id and p.email and not p.is_deleted),
                  key=lambda p: (p.name.lower(), p.id))


def _description(meeting, idea):
    link = external_url("meetings.show", meeting_id=meeting.id)
    origin = _("From the residents' meeting “%(title)s” (%(link)s).", title=meeting.title, link=link)
    return f"{idea.description.strip()}\n\n{origin}".strip()


def turn_into_draft(actor, meeting, idea, edition, invite_ids=()):
    """Start the draft, link it both ways, invite the chosen people; returns (proposal, invited people)."""
    if not policy.can_turn_into_draft(actor, meeting, idea, raiser_ids(idea)):
        if idea.proposal_id is not None:
            raise DraftError(_("This idea has already become a draft proposal."))
        raise DraftError(_("Only the area's ambassador, a coordinator or whoever raised the idea can do this."))
    content = proposals.Content(scope="district", district_id=meeting.district_id, area_id=meeting.area_id,
                                title=idea.title[:TITLE_MAX], description=_description(meeting, idea))
    proposal = proposals.start_draft(actor, edition, content,
                                     change_note=_("Started from an idea of a residents' meeting."))
    proposal.origin_meeting_id = meeting.id
    idea.proposal_id = proposal.id
    db.session.flush()
    audit.record(actor, "meeting.idea_drafted", meeting, idea_id=idea.id, proposal_id=proposal.id)
    chosen = {int(i) for i in invite_ids}
    people = [p for p in invitable(actor, idea) if p.id in chosen]
    if people:
        proposal = queries.proposal_page(proposal.id)  # invite() reads the authors with their people
        for person in people:
            invitations.invite(actor, proposal, person.email,
                               lambda token: external_url("proposal_authors.invitation", token=token))
    return proposal, people

