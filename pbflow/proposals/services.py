"""Drafting and revising proposals: every content change is a new immutable version.

Saves are guarded by an optimistic lock: the form carries the number of the
version it was opened from, and the UPDATE that moves `current_version` on names
that number in its WHERE clause, inside the same transaction that writes the new
version. A second editor working from an older version updates no row and gets
StaleProposal (and the unique version number per proposal backs this up).
"""

from dataclasses import dataclass, field, fields
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import update

from pbflow.core import audit, clock
from pbflow.core.database import utcnow
from pbflow.editions.models import (  # noqa: F401  (the hard limits: callers know them by services)
    DESCRIPTION_HARD_MAX,
    SUMMARY_HARD_MAX,
    TITLE_HARD_MAX,
    Area,
    Scope,
)
from pbflow.extensions import db
from pbflow.proposals import costs, policy, transitions
from pbflow.proposals.models import (
    AuthorRole,
    Proposal,
    ProposalAuthor,
    ProposalStatus,
    ProposalVersion,
)
from pbflow.proposals.rules import (  # noqa: F401  (the names callers know services by)
    NotAllowed,
    NothingChanged,
    ProposalError,
    StaleProposal,
    cap_check,
    edition_of,
    get_version,
    readiness_problems,
)

# Hard limits, whatever the edition (TITLE_, SUMMARY_, DESCRIPTION_HARD_MAX from editions.models, whose form limits
# they bound): beyond these the text cannot be a proposal.
LOCATION_MAX = 1000
BENEFICIARIES_MAX = 2000
CHANGE_NOTE_MAX = 500


@dataclass
class Content:
    """What a version holds, as plain values (money in grosze)."""

    scope: str
    district_id: int | None
    area_id: int | None
    title: str
    summary: str = ""
    description: str = ""
    location: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    beneficiaries: str = ""
    cost_lines: list = field(default_factory=list)  # [costs.CostLine]
    yearly_upkeep: int = 0

    @property
    def total_cost(self):
        return costs.total(self.cost_lines)

    def snapshot(self):
        """Comparable values: two saves with equal snapshots change nothing."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["cost_lines"] = [line.as_json() for line in self.cost_lines]
        for name in ("latitude", "longitude"):
            if values[name] is not None:
                values[name] = Decimal(values[name]).quantize(Decimal("0.000001"))
        return values

    @classmethod
    def of(cls, version):
        return cls(
            scope=version.scope, district_id=version.district_id, area_id=version.area_id,
            title=version.title, summary=version.summary, description=version.description,
            location=version.location, latitude=version.latitude, longitude=version.longitude,
            beneficiaries=version.beneficiaries,
            cost_lines=[costs.CostLine.from_json(line) for line in version.cost_lines or []],
            yearly_upkeep=version.yearly_upkeep)


# --- writing -----------------------------------------------------------------------

def _check_content(edition, content):
    if Scope(content.scope) is Scope.DISTRICT and content.district_id is None:
        raise ProposalError(_("Choose the district of a district project."))
    if content.area_id is not None:
        area = db.session.get(Area, content.area_id)
        if area is None or area.district_id != content.district_id:
            raise ProposalError(_("This area is not in the chosen district."))
    if not content.title.strip():
        raise ProposalError(_("Give the proposal a title."))
    if len(content.cost_lines) > costs.MAX_LINES:
        raise ProposalError(_("A cost estimate can have at most %(count)d lines.", count=costs.MAX_LINES))
    costs.check_total(content.total_cost)
    if clock.today() > edition.submission_deadline:
        raise ProposalError(_("The submission deadline of %(edition)s has passed.", edition=edition.name))


def _version_values(content):
    values = content.snapshot()
    values["total_cost"] = content.total_cost
    return values


def start_draft(actor, edition, content, change_note=""):
    """A resident starts a proposal and becomes its lead author; version 1 holds the first text."""
    if not policy.can_start(actor):
        raise NotAllowed(_("Sign in to start a proposal."))
    _check_content(edition, content)
    values = _version_values(content)
    proposal = Proposal(
        edition_id=edition.id, scope=content.scope, district_id=content.district_id, area_id=content.area_id,
        status=ProposalStatus.DRAFT.value, current_version=1, created_by_id=actor.id,
        title=values["title"], summary=values["summary"], description=values["description"],
        total_cost=values["total_cost"], yearly_upkeep=values["yearly_upkeep"])
    db.session.add(proposal)
    db.session.flush()
    db.session.add(ProposalAuthor(proposal_id=proposal.id, user_id=actor.id, role=AuthorRole.LEAD.value))
    db.session.add(ProposalVersion(proposal_id=proposal.id, number=1, created_by_id=actor.id,
                                   change_note=change_note.strip(), **values))
    audit.record(actor, "proposal.started", proposal, title=proposal.title, scope=proposal.scope)
    db.session.flush()
    return proposal


def save_version(actor, proposal, content, expected_lock, change_note=""):
    """Save the editor's content as a new version if nobody saved since `expected_lock`.

    Raises StaleProposal (with the newer version) or NothingChanged; the view keeps the editor's text.
    """
    if not policy.can_edit(actor, proposal):
        raise NotAllowed(_("You cannot edit this proposal in its current status."))
    edition = edition_of(proposal)
    _check_content(edition, content)
    current = get_version(proposal)
    if proposal.current_version != expected_lock:
        raise StaleProposal(proposal, current)
    if current is not None and Content.of(current).snapshot() == content.snapshot():
        raise NothingChanged(_("Nothing has changed since the last version, so no new version was saved."))
    values = _version_values(content)
    number = proposal.current_version + 1
    # The lock check and the version write share one transaction: a concurrent save matches no row,
    # and so does a proposal that a concurrent transition has just taken out of editing.
    result = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.current_version == expected_lock,
               Proposal.status.in_([state.value for state in policy.EDITABLE]))
        .values(current_version=number, updated_at=utcnow(),
                scope=content.scope, district_id=content.district_id, area_id=content.area_id,
                title=values["title"], summary=values["summary"], description=values["description"],
                total_cost=values["total_cost"], yearly_upkeep=values["yearly_upkeep"])
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # another transaction committed a version or a transition meanwhile
        db.session.refresh(proposal)
        if proposal.state not in policy.EDITABLE:
            raise NotAllowed(_("This proposal has just moved on (it is now “%(status)s”) and cannot be edited now.",
                               status=proposal.state.title))
        raise StaleProposal(proposal, get_version(proposal))
    version = ProposalVersion(proposal_id=proposal.id, number=number, created_by_id=actor.id,
                              change_note=change_note.strip()[:CHANGE_NOTE_MAX], **values)
    db.session.add(version)
    db.session.flush()
    db.session.refresh(proposal)
    changes = {"number": number, "total_cost": values["total_cost"]}
    if current is not None and current.scope != content.scope:
        changes["scope"] = [current.scope, content.scope]
    audit.record(actor, "proposal.revised", proposal, **changes)
    if proposal.state is ProposalStatus.FEEDBACK_RECEIVED:
        transitions.start_revising(actor, proposal)
    return version


def add_author(proposal, user, role=AuthorRole.CO_AUTHOR):
    db.session.add(ProposalAuthor(proposal_id=proposal.id, user_id=user.id, role=AuthorRole(role).value))
