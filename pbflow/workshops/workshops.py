"""Expert workshops: scheduling, cancelling, marking held, inviting authors, their answers, conclusions.

The rules (one place, so the form and the service say the same):
- coordinators and experts of a verifying unit organise workshops; an expert may only put their own
  units into one (units already on a workshop stay when an expert edits it);
- a workshop starts in the future, on or after the first day of the edition's workshops stage, and ends
  after it starts (at most 12 hours later); it has a place, an online link, or both; capacity >= 1 and
  never below the seats already confirmed;
- inviting a proposal of the edition (not submitted, withdrawn or merged) invites each of its authors
  once per workshop and tells them (notification "workshop_invitation");
- an invited author confirms (taking a seat by ONE conditional UPDATE on confirmed_seats, so capacity
  holds whatever the timing) or declines (a confirmed seat is given back);
- cancelling tells everyone invited (notification "workshop_cancelled"); after it started the
  workshop can be marked held, and then the conclusions per proposal are written.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update

from pbflow.accounts.models import User
from pbflow.core import audit, keyset
from pbflow.core.clock import WARSAW
from pbflow.core.database import utcnow
from pbflow.core.notifications import notify, register
from pbflow.extensions import db
from pbflow.feedback.models import Routing, RoutingStatus, VerifyingUnit
from pbflow.proposals import models as proposal_models
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals import search
from pbflow.workshops import policy
from pbflow.workshops.models import (
    WORKSHOP_TEXT_MAX,
    InviteStatus,
    Workshop,
    WorkshopInvite,
    WorkshopProposal,
    WorkshopStatus,
    WorkshopUnit,
)

THEME_MAX = 200
REASON_MAX = 1000
CAPACITY_MAX = 500
LONGEST_WORKSHOP = timedelta(hours=12)
PAGE_SIZE = 20
SEARCH_LIMIT = 20
UPCOMING, PAST = "upcoming", "past"

register("workshop_invitation",
         message=_l("You are invited to the expert workshop “%(title)s” on %(when)s for your proposal "
                    "“%(proposal)s”. Please confirm or decline on the workshop's page."),
         subject=_l("Invitation to the expert workshop “%(title)s”"))
register("workshop_cancelled",
         message=_l("The expert workshop “%(title)s” on %(when)s is cancelled: %(reason)s"),
         subject=_l("Cancelled: the expert workshop “%(title)s”"))


class WorkshopError(Exception):
    """A rule said no; the message is shown. `field` names the form field, `status` the HTTP status."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass
class WorkshopDetails:
    theme: str
    description: str
    unit_ids: list
    starts_at: datetime  # naive UTC
    ends_at: datetime
    place: str | None
    online_url: str | None
    capacity: int


def warsaw_text(moment):
    """A stored moment as Kraków time for notification texts (kept in the data, so one fixed format)."""
    return moment.replace(tzinfo=UTC).astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")


def _live():
    return proposal_models.Proposal.status.notin_([s.value for s in proposal_policy.FINAL])


# --- reading ---------------------------------------------------------------------------

def load(workshop_id, for_update=False):
    query = select(Workshop).where(Workshop.id == workshop_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def unit_ids(workshop):
    return list(db.session.scalars(select(WorkshopUnit.unit_id).where(
        WorkshopUnit.workshop_id == workshop.id)))


def all_units():
    return db.session.scalars(select(VerifyingUnit).order_by(VerifyingUnit.name).limit(500)).all()


def units_of(workshop):
    return db.session.scalars(select(VerifyingUnit).join(WorkshopUnit, WorkshopUnit.unit_id == VerifyingUnit.id)
                              .where(WorkshopUnit.workshop_id == workshop.id).order_by(VerifyingUnit.name)).all()


def discussed(workshop):
    """[(WorkshopProposal, proposal_models.Proposal)] in title order."""
    return db.session.execute(
        select(WorkshopProposal, proposal_models.Proposal).join(proposal_models.Proposal, proposal_models.Proposal.id == WorkshopProposal.proposal_id)
        .where(WorkshopProposal.workshop_id == workshop.id).order_by(proposal_models.Proposal.title, proposal_models.Proposal.id)).all()


def invites(workshop):
    """[(WorkshopInvite, User)] in the order they were sent."""
    return db.session.execute(
        select(WorkshopInvite, User).join(User, User.id == WorkshopInvite.user_id)
        .where(WorkshopInvite.workshop_id == workshop.id).order_by(WorkshopInvite.id).limit(1000)).all()


def invite_counts(workshop):
    counts = dict(db.session.execute(select(WorkshopInvite.status, func.count()).where(
        WorkshopInvite.workshop_id == workshop.id).group_by(WorkshopInvite.status)).all())
    return {s.value: counts.get(s.value, 0) for s in InviteStatus}


def my_invite(workshop, user):
    if not policy.signed_in(user):
        return None
    return db.session.scalar(select(WorkshopInvite).where(WorkshopInvite.workshop_id == workshop.id,
                                                          WorkshopInvite.user_id == user.id))


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def page(edition_id, when=UPCOMING, cursor=None, size=PAGE_SIZE, now=None):
    """A keyset page of the edition's workshops over (starts_at, id); raises ValueError for a bad cursor."""
    now = now or utcnow()
    query = select(Workshop).where(Workshop.edition_id == edition_id)
    after = parse_cursor(cursor)
    if when == PAST:
        query = query.where(Workshop.ends_at <= now).order_by(Workshop.starts_at.desc(), Workshop.id.desc())
        if after:
            query = query.where(keyset.after((Workshop.starts_at, Workshop.id), after, descending=True))
    else:
        query = query.where(Workshop.ends_at > now).order_by(Workshop.starts_at, Workshop.id)
        if after:
            query = query.where(keyset.after((Workshop.starts_at, Workshop.id), after))
    rows = db.session.scalars(query.limit(size + 1)).all()
    items = rows[:size]
    return Page(items, cursor_of(items[-1]) if len(rows) > size else None)


def cursor_of(row):
    return f"{row.starts_at:%Y%m%d%H%M%S}-{row.id}"


def parse_cursor(text):
    if not text:
        return None
    moment, _sep, id_ = text.partition("-")
    try:
        if len(moment) != 14 or not id_.isascii() or not id_.isdigit() or len(id_) > 10:
            raise ValueError(text)
        return datetime.strptime(moment, "%Y%m%d%H%M%S"), int(id_)
    except ValueError:
        raise ValueError(text) from None


def find_proposals(user, edition_id, words, limit=SEARCH_LIMIT):
    """Live proposals of the edition matching the words, that this person may choose from: the best of the
    newest matches (search.LIST_MATCHES, as the lists search)."""
    proposal = proposal_models.Proposal

    def choosable(query):
        query = query.where(proposal.edition_id == edition_id, _live())
        if not policy.can_see_all_proposals(user):
            query = query.where(or_(proposal.is_public.is_(True), exists().where(
                Routing.proposal_id == proposal.id, Routing.unit_id.in_(policy.unit_ids_of(user) or [0]),
                Routing.status != RoutingStatus.CANCELLED.value)))
        return query

    found = search.matches(words, narrow=choosable)
    if found is None:
        return []
    query = select(proposal).join(found, found.c.id == proposal.id).order_by(found.c.rank, proposal.id)
    return db.session.scalars(query.limit(limit)).all()


def similar_proposals(proposal, limit=5, viewer=None):
    """Proposals like this one that the viewer may open (pbflow/feedback/similar.py)."""
    from pbflow.feedback import similar

    return list(similar.similar_to(proposal, limit, viewer=viewer))


# --- scheduling ------------------------------------------------------------------------

def _check(actor, edition, details, workshop=None, now=None):
    now = now or utcnow()
    if not details.theme.strip():
        raise WorkshopError(_("Give the workshop a theme."), "theme")
    if not details.place and not details.online_url:
        raise WorkshopError(_("Give a place, an online link, or both."), "place")
    known = {u.id for u in all_units()}
    chosen = set(details.unit_ids)
    if not chosen:
        raise WorkshopError(_("Choose at least one unit taking part."), "units")
    if chosen - known:
        raise WorkshopError(_("Choose the units from the list."), "units")
    already = set(unit_ids(workshop)) if workshop is not None else set()
    if chosen - already - policy.allowed_unit_ids(actor, known):
        raise WorkshopError(_("You can only add your own units to a workshop."), "units", status=403)
    time_changed = workshop is None or (workshop.starts_at, workshop.ends_at) != (details.starts_at, details.ends_at)
    if time_changed:
        if details.starts_at <= now:
            raise WorkshopError(_("The start must be in the future."), "starts_at")
        if details.ends_at <= details.starts_at:
            raise WorkshopError(_("The end must be after the start."), "ends_at")
        if details.ends_at - details.starts_at > LONGEST_WORKSHOP:
            raise WorkshopError(_("A workshop lasts at most 12 hours; for more, schedule several."), "ends_at")
        day = details.starts_at.replace(tzinfo=UTC).astimezone(WARSAW).date()
        if day < edition.workshops_open:
            raise WorkshopError(_("Workshops of %(edition)s take place from %(opens)s on.", edition=edition.name,
                                  opens=edition.workshops_open.strftime("%d.%m.%Y")), "starts_at")
    if not 1 <= details.capacity <= CAPACITY_MAX:
        raise WorkshopError(_("Give a number of places from 1 to %(max)d.", max=CAPACITY_MAX), "capacity")
    if workshop is not None and details.capacity < workshop.confirmed_seats:
        raise WorkshopError(_("%(num)d places are already confirmed, so the workshop needs at least that many.",
                              num=workshop.confirmed_seats), "capacity")


def _columns(details):
    return {"theme": details.theme.strip(), "description": details.description.strip(),
            "starts_at": details.starts_at, "ends_at": details.ends_at, "place": details.place or None,
            "online_url": details.online_url or None, "capacity": details.capacity}


def schedule(actor, edition, details):
    if not policy.can_organise(actor):
        raise WorkshopError(_("Only coordinators and experts organise workshops."), status=403)
    if edition is None:
        raise WorkshopError(_("There is no participatory-budget edition running at the moment."), status=409)
    _check(actor, edition, details)
    workshop = Workshop(edition_id=edition.id, organiser_id=actor.id, **_columns(details))
    db.session.add(workshop)
    db.session.flush()
    for unit_id in sorted(set(details.unit_ids)):
        db.session.add(WorkshopUnit(workshop_id=workshop.id, unit_id=unit_id))
    db.session.flush()
    audit.record(actor, "workshop.scheduled", workshop, starts_at=workshop.starts_at.isoformat(),
                 units=sorted(set(details.unit_ids)), capacity=workshop.capacity)
    return workshop


def update_workshop(actor, workshop, edition, details):
    if not policy.can_manage(actor, workshop):
        raise WorkshopError(_("Only the organiser and coordinators change a workshop."), status=403)
    if workshop.state is not WorkshopStatus.PLANNED:
        raise WorkshopError(_("Only a planned workshop can be changed; this one is “%(status)s”.",
                              status=workshop.state.title), status=409)
    _check(actor, edition, details, workshop)
    columns = _columns(details)
    changed = sorted(name for name, value in columns.items() if getattr(workshop, name) != value)
    for name, value in columns.items():
        setattr(workshop, name, value)
    before = set(unit_ids(workshop))
    after = set(details.unit_ids)
    for unit_id in after - before:
        db.session.add(WorkshopUnit(workshop_id=workshop.id, unit_id=unit_id))
    if before - after:
        db.session.execute(WorkshopUnit.__table__.delete().where(
            WorkshopUnit.workshop_id == workshop.id, WorkshopUnit.unit_id.in_(before - after)))
    workshop.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "workshop.changed", workshop, fields=changed, units=sorted(after))
    return workshop


def _invitees(workshop):
    return [user for _invite, user in invites(workshop)]


def cancel(actor, workshop, reason):
    if not policy.can_manage(actor, workshop):
        raise WorkshopError(_("Only the organiser and coordinators cancel a workshop."), status=403)
    if workshop.state is not WorkshopStatus.PLANNED:
        raise WorkshopError(_("Only a planned workshop can be cancelled; this one is “%(status)s”.",
                              status=workshop.state.title), status=409)
    reason = (reason or "").strip()
    if not reason:
        raise WorkshopError(_("Tell the invited authors why the workshop is cancelled."), "reason")
    workshop.status = WorkshopStatus.CANCELLED.value
    workshop.cancel_reason = reason[:REASON_MAX]
    workshop.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "workshop.cancelled", workshop, reason=workshop.cancel_reason)
    people = [p for p in _invitees(workshop) if p.id != actor.id]
    notify(people, "workshop_cancelled", url_for("workshops.show", workshop_id=workshop.id),
           title=workshop.theme, when=workshop.starts_at, reason=workshop.cancel_reason)
    return workshop


def mark_held(actor, workshop, now=None):
    if not policy.can_manage(actor, workshop):
        raise WorkshopError(_("Only the organiser and coordinators mark a workshop held."), status=403)
    if workshop.state is not WorkshopStatus.PLANNED:
        raise WorkshopError(_("Only a planned workshop can be marked held; this one is “%(status)s”.",
                              status=workshop.state.title), status=409)
    if (now or utcnow()) < workshop.starts_at:
        raise WorkshopError(_("A workshop can be marked held once it has started."), status=409)
    workshop.status = WorkshopStatus.HELD.value
    workshop.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "workshop.held", workshop)
    return workshop


# --- inviting and answering -------------------------------------------------------------

def invite(actor, workshop, proposal):
    """Put the proposal on the workshop and invite each of its authors once; returns how many were invited."""
    if not policy.can_invite(actor, workshop, unit_ids(workshop)):
        raise WorkshopError(_("Only the organiser, coordinators and the units' experts invite to a planned "
                              "workshop."), status=403)
    if proposal is None or proposal.edition_id != workshop.edition_id or proposal.state in proposal_policy.FINAL:
        raise WorkshopError(_("Choose a proposal of this edition that is still being worked on."), "proposal")
    if not policy.can_see_all_proposals(actor) and not proposal_policy.can_view(actor, proposal):
        raise WorkshopError(_("Choose a proposal of this edition that is still being worked on."), "proposal")
    if db.session.get(WorkshopProposal, (workshop.id, proposal.id)) is None:
        db.session.add(WorkshopProposal(workshop_id=workshop.id, proposal_id=proposal.id))
    authors = db.session.scalars(select(User).join(proposal_models.ProposalAuthor, proposal_models.ProposalAuthor.user_id == User.id)
                                 .where(proposal_models.ProposalAuthor.proposal_id == proposal.id).order_by(User.id)).all()
    already = set(db.session.scalars(select(WorkshopInvite.user_id).where(
        WorkshopInvite.workshop_id == workshop.id, WorkshopInvite.user_id.in_([a.id for a in authors] or [0]))))
    new = [a for a in authors if a.id not in already and not getattr(a, "is_deleted", False)]
    for person in new:
        db.session.add(WorkshopInvite(workshop_id=workshop.id, proposal_id=proposal.id, user_id=person.id,
                                      invited_by_id=actor.id))
    db.session.flush()
    audit.record(actor, "workshop.invited", workshop, proposal_id=proposal.id, user_ids=[p.id for p in new])
    notify(new, "workshop_invitation", url_for("workshops.show", workshop_id=workshop.id),
           title=workshop.theme, when=workshop.starts_at, proposal=proposal.title)
    return len(new)


def _answerable(workshop, invitation):
    if invitation is None:
        raise WorkshopError(_("You are not invited to this workshop."), status=403)
    if workshop.state is not WorkshopStatus.PLANNED:
        raise WorkshopError(_("This workshop is “%(status)s”, so invitations can no longer be answered.",
                              status=workshop.state.title), status=409)
    if utcnow() >= workshop.starts_at:
        raise WorkshopError(_("This workshop has already started."), status=409)


def confirm(actor, workshop, invitation):
    """Take a seat: the invitation changes and the seat is taken in one savepoint, or neither."""
    _answerable(workshop, invitation)
    if invitation.state is InviteStatus.CONFIRMED:
        return invitation
    with db.session.begin_nested():  # a refusal below rolls back the invitation's change too
        changed = db.session.execute(
            update(WorkshopInvite).where(WorkshopInvite.id == invitation.id,
                                         WorkshopInvite.status != InviteStatus.CONFIRMED.value)
            .values(status=InviteStatus.CONFIRMED.value, answered_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        if changed == 1:
            taken = db.session.execute(
                update(Workshop).where(Workshop.id == workshop.id, Workshop.status == WorkshopStatus.PLANNED.value,
                                       Workshop.confirmed_seats + 1 <= Workshop.capacity)
                .values(confirmed_seats=Workshop.confirmed_seats + 1)
                .execution_options(synchronize_session=False)).rowcount
            if taken != 1:
                raise WorkshopError(_("Sorry, the workshop is full: all %(num)d places are taken.",
                                      num=workshop.capacity), status=409)
    db.session.expire(invitation)
    db.session.expire(workshop, ["confirmed_seats"])
    audit.record(actor, "workshop.invite_confirmed", workshop, invite_id=invitation.id)
    return invitation


def decline(actor, workshop, invitation):
    _answerable(workshop, invitation)
    if invitation.state is InviteStatus.DECLINED:
        return invitation
    was_confirmed = db.session.execute(
        update(WorkshopInvite).where(WorkshopInvite.id == invitation.id,
                                     WorkshopInvite.status == InviteStatus.CONFIRMED.value)
        .values(status=InviteStatus.DECLINED.value, answered_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount == 1
    if was_confirmed:
        db.session.execute(update(Workshop).where(Workshop.id == workshop.id, Workshop.confirmed_seats > 0)
                           .values(confirmed_seats=Workshop.confirmed_seats - 1)
                           .execution_options(synchronize_session=False))
    else:
        db.session.execute(update(WorkshopInvite).where(WorkshopInvite.id == invitation.id)
                           .values(status=InviteStatus.DECLINED.value, answered_at=utcnow())
                           .execution_options(synchronize_session=False))
    db.session.expire(invitation)
    db.session.expire(workshop, ["confirmed_seats"])
    audit.record(actor, "workshop.invite_declined", workshop, invite_id=invitation.id, was_confirmed=was_confirmed)
    return invitation


def write_conclusions(actor, workshop, proposal_id, text):
    if not policy.can_write_conclusions(actor, workshop, unit_ids(workshop)):
        raise WorkshopError(_("Conclusions are written after the workshop is held, by its organiser, "
                              "coordinators and the units' experts."), status=403)
    row = db.session.get(WorkshopProposal, (workshop.id, proposal_id))
    if row is None:
        raise WorkshopError(_("This proposal was not discussed at the workshop."), status=404)
    text = (text or "").strip()
    if len(text) > WORKSHOP_TEXT_MAX:
        raise WorkshopError(_("Use at most %(max)d characters.", max=WORKSHOP_TEXT_MAX), "conclusions")
    row.conclusions = text
    row.conclusions_by_id = actor.id
    row.conclusions_at = utcnow()
    db.session.flush()
    audit.record(actor, "workshop.conclusions", workshop, proposal_id=proposal_id, length=len(text))
    return row
