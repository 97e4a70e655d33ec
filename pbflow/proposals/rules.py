"""What the rest of the proposals package builds on: its errors, the version in force, the edition,
the cap and what the official form would refuse. Services, transitions and invitations all import
this module and it imports none of them, so they form no cycle."""

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from pbflow.editions import services as editions
from pbflow.editions.models import Edition, Scope
from pbflow.extensions import db
from pbflow.proposals import costs, hooks
from pbflow.proposals.models import InvitationStatus, ProposalInvitation, ProposalVersion


class ProposalError(Exception):
    """A rule about proposals was broken; the message is shown to the user."""


class NotAllowed(ProposalError):
    pass


class NothingChanged(ProposalError):
    pass


class StaleProposal(ProposalError):
    """Someone saved a newer version since this form was opened."""

    def __init__(self, proposal, current):
        super().__init__(_("Someone else saved a newer version of this proposal while you were editing it."))
        self.proposal = proposal
        self.current = current  # the newer ProposalVersion


# --- reading -----------------------------------------------------------------------

VERSIONS_REMEMBERED = 256  # a page needs a few; a command that reads thousands starts afresh at this many


def get_version(proposal, number=None):
    """A version of the proposal, the one in force by default. A version never changes once saved, so one
    this session has read already is taken from it (by its id, checked): a proposal page needs the version
    in force for its text, its checklist and its next steps, and read it three times."""
    number = number if number is not None else proposal.current_version
    known = _versions_read().get((proposal.id, number))
    if known is not None:
        version = db.session.get(ProposalVersion, known)
        if version is not None and (version.proposal_id, version.number) == (proposal.id, number):
            return version
    return remember_version(db.session.scalar(version_query(proposal, number)))


def version_query(proposal, number=None):
    """SELECT of one version of the proposal, the one in force by default."""
    return select(ProposalVersion).where(
        ProposalVersion.proposal_id == proposal.id,
        ProposalVersion.number == (number if number is not None else proposal.current_version))


def _versions_read():
    return db.session.info.setdefault("proposal_version_ids", {})


def remember_version(version):
    """Note a version read (for get_version); returns it."""
    if version is not None:
        read = _versions_read()
        if len(read) >= VERSIONS_REMEMBERED:
            read.clear()
        read[(version.proposal_id, version.number)] = version.id
    return version


def edition_of(proposal):
    return db.session.get(Edition, proposal.edition_id)


def cap_check(edition, scope, district_id, total):
    """The total against the edition's cap for this scope and district (no cap without a district)."""
    if Scope(scope) is Scope.DISTRICT and district_id is None:
        return costs.CapCheck(total, None)
    return costs.CapCheck(total, editions.cost_cap(edition, scope, district_id))


# Built once: the proposal page counts them for its checklist and again for "mark as ready".
_PENDING_INVITATIONS = select(func.count()).where(ProposalInvitation.proposal_id == bindparam("proposal"),
                                                  ProposalInvitation.status == InvitationStatus.PENDING.value)


def pending_invitations(proposal):
    """How many invited co-authors have not answered yet."""
    return db.session.scalar(_PENDING_INVITATIONS, {"proposal": proposal.id})


def form_problems(edition, version):
    """What the official form would refuse in this version's texts: required fields and lengths."""
    problems = []
    title, summary = version.title.strip(), version.summary.strip()
    if len(title) > edition.title_max_chars:
        problems.append(_("The title has %(count)d characters; the official form accepts at most %(max)d.",
                          count=len(title), max=edition.title_max_chars))
    if not edition.summary_min_chars <= len(summary) <= edition.summary_max_chars:
        problems.append(_("The summary has %(count)d characters; the official form needs %(min)d to %(max)d.",
                          count=len(summary), min=edition.summary_min_chars, max=edition.summary_max_chars))
    if not version.description.strip():
        problems.append(_("The description is empty."))
    elif len(version.description) > edition.description_max_chars:
        problems.append(_("The description has %(count)d characters; the official form accepts at most %(max)d.",
                          count=len(version.description), max=edition.description_max_chars))
    if not version.location.strip():
        problems.append(_("Say where the project would be carried out."))
    if not version.cost_lines:
        problems.append(_("Add at least one line to the cost estimate."))
    return problems


def cap_problems(edition, version):
    if cap_check(edition, version.scope, version.district_id, version.total_cost).over:
        return [_("The total cost is above the cap for this kind of project.")]
    return []


def co_author_problems(proposal):
    if pending_invitations(proposal):
        return [_("Some invited co-authors have not answered yet: wait for them or cancel the invitations.")]
    return []


def readiness_problems(proposal, version=None):
    """What the official platform would refuse, or the rules forbid, in plain words."""
    edition = edition_of(proposal)
    version = version or get_version(proposal)
    problems = [*form_problems(edition, version), *cap_problems(edition, version), *co_author_problems(proposal)]
    for check in hooks.READINESS:  # what later stages need (Stage IV: supporters, answered feedback…)
        problems.extend(check(proposal, version))
    return problems
