"""Who may do what in Stage III: units, routings, feedback, answers. The one place these questions are answered.

Experts see only proposals routed to their unit; authors answer but never edit feedback;
experts never edit proposals (proposals.policy.can_edit knows nothing of them)."""

import contextlib

from sqlalchemy import exists, select

from pbflow.accounts.models import Role
from pbflow.extensions import db
from pbflow.feedback.models import FeedbackStatus, Routing, RoutingStatus, UnitMembership
from pbflow.proposals import hooks
from pbflow.proposals import policy as proposal_policy

signed_in = proposal_policy.signed_in
is_coordinator = proposal_policy.is_coordinator


def unit_ids_of(user):
    """The units this person is an expert of (one query; cached on the user object for the request)."""
    if not signed_in(user):
        return frozenset()
    cached = getattr(user, "_pbflow_unit_ids", None)
    if cached is None:
        cached = frozenset(db.session.scalars(select(UnitMembership.unit_id).where(
            UnitMembership.user_id == user.id)))
        with contextlib.suppress(AttributeError):  # an object that takes no attributes: ask again next time
            user._pbflow_unit_ids = cached
    return cached


def is_unit_expert(user, unit_id):
    return signed_in(user) and user.has_role(Role.EXPERT) and unit_id in unit_ids_of(user)


def can_manage_units(user):
    """Units, their experts and invitations: coordinators."""
    return is_coordinator(user)


def can_see_unit_members(user, unit_id):
    """Who the experts of a unit are: coordinators and the unit's own experts (names stay off the public page)."""
    return is_coordinator(user) or is_unit_expert(user, unit_id)


def can_see_inbox(user, unit_id):
    return is_coordinator(user) or is_unit_expert(user, unit_id)


def can_route(user):
    return is_coordinator(user)


@hooks.viewer
def is_routed_expert(user, proposal):
    """An expert of a unit this proposal is routed to (and not taken off)."""
    if not (signed_in(user) and user.has_role(Role.EXPERT)):
        return False
    units = unit_ids_of(user)
    if not units:
        return False
    return db.session.scalar(select(exists().where(
        Routing.proposal_id == proposal.id, Routing.unit_id.in_(units),
        Routing.status != RoutingStatus.CANCELLED.value)))


def can_write_feedback(user, routing):
    """Experts of the routed unit, while the routing awaits this round's feedback."""
    return routing.state is RoutingStatus.PENDING and is_unit_expert(user, routing.unit_id)


def can_see_feedback(user, feedback, proposal):
    """Published feedback: whoever may see the proposal. A draft: the unit's experts and coordinators."""
    if feedback.status == FeedbackStatus.PUBLISHED.value:
        return proposal_policy.can_view(user, proposal)
    return is_coordinator(user) or is_unit_expert(user, feedback.unit_id)


def can_keep_notes(user, unit_id):
    """Internal notes of a unit on a proposal: its experts (and coordinators read and write them)."""
    return is_coordinator(user) or is_unit_expert(user, unit_id)


def can_answer(user, proposal):
    """Authors answer feedback points; the proposal must still be open to changes."""
    return (proposal_policy.is_author(user, proposal)
            and proposal.state not in proposal_policy.FINAL)


def can_reply_as_expert(user, feedback):
    return is_unit_expert(user, feedback.unit_id)


# --- Part 3: the expert's workspace, snippets, marking feedback as received -------------------

def can_open_workspace(user, routing):
    """The workspace of a routing: coordinators, and the routed unit's experts while it is not cancelled."""
    if is_coordinator(user):
        return True
    return routing.state is not RoutingStatus.CANCELLED and is_unit_expert(user, routing.unit_id)


def can_use_snippets(user, unit_id):
    """A unit's answer snippets: its experts write and use them; coordinators help."""
    return is_coordinator(user) or is_unit_expert(user, unit_id)


def may_mark_feedback_received(user, proposal, routings):
    """Coordinators may decide early; an expert only for a unit the proposal is routed to, once
    no routed unit still owes feedback. `routings`: the proposal's (unit_id, status) pairs."""
    if is_coordinator(user):
        return True
    live = [(unit_id, status) for unit_id, status in routings if status != RoutingStatus.CANCELLED.value]
    mine = unit_ids_of(user)
    return (signed_in(user) and user.has_role(Role.EXPERT) and any(unit_id in mine for unit_id, _ in live)
            and all(status != RoutingStatus.PENDING.value for _, status in live))


def can_see_similar(user, proposal):
    """Similar proposals on the proposal page: coordinators, experts it is routed to, its authors."""
    return (is_coordinator(user) or proposal_policy.is_author(user, proposal)
            or bool(is_routed_expert(user, proposal)))
