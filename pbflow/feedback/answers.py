"""Authors answer feedback points one by one; experts of the unit reply in the same thread.

A point that asks for a change (its result "needs change" or "does not meet") is answered with
"changed" (naming the newer version that makes the change), "not changed" (with the reason) or a
question back to the experts. The latest answer of the authors sets the point's `answer_status`;
an expert's reply never changes it, so a question stays a question until the authors answer again.
"""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.accounts.models import User
from pbflow.core import audit, notifications
from pbflow.extensions import db
from pbflow.feedback import policy
from pbflow.feedback.models import (
    FEEDBACK_TEXT_MAX,
    AnswerKind,
    AnswerStatus,
    Feedback,
    FeedbackPoint,
    FeedbackStatus,
    PointAnswer,
    UnitMembership,
)
from pbflow.proposals.models import ProposalAuthor

AUTHOR_KINDS = (AnswerKind.CHANGED, AnswerKind.NOT_CHANGED, AnswerKind.QUESTION)
NEEDS_TEXT = frozenset({AnswerKind.NOT_CHANGED, AnswerKind.QUESTION, AnswerKind.REPLY})
STATUS_AFTER = {AnswerKind.CHANGED: AnswerStatus.CHANGED, AnswerKind.NOT_CHANGED: AnswerStatus.NOT_CHANGED,
                AnswerKind.QUESTION: AnswerStatus.QUESTION}

notifications.register(
    "answer_posted",
    message=_l("The authors of “%(title)s” answered the point “%(point)s” of your unit's feedback."),
    subject=_l("An answer to your feedback: %(title)s"))
notifications.register(
    "expert_replied",
    message=_l("An expert replied under the point “%(point)s” of the feedback on “%(title)s”."),
    subject=_l("The experts replied: %(title)s"))


class AnswerError(Exception):
    """A rule said no; the message is shown. `status` is the HTTP status."""

    status = 422


class NotAllowed(AnswerError):
    status = 403


class NothingToAnswer(AnswerError):
    """The point asks for no change: it has no thread or form to come back to."""


def point_of(proposal, point_id):
    """The point of this proposal's published feedback, with its feedback, or None."""
    return db.session.scalar(
        select(FeedbackPoint).join(Feedback, Feedback.id == FeedbackPoint.feedback_id)
        .where(FeedbackPoint.id == point_id, FeedbackPoint.proposal_id == proposal.id,
               Feedback.proposal_id == proposal.id, Feedback.status == FeedbackStatus.PUBLISHED.value)
        .options(joinedload(FeedbackPoint.feedback)))


def thread_of(point):
    """The messages under a point, oldest first, with their authors (one query)."""
    return db.session.scalars(
        select(PointAnswer).where(PointAnswer.point_id == point.id)
        .options(joinedload(PointAnswer.author)).order_by(PointAnswer.id)).all()


def kinds_for(user, proposal, feedback):
    """The kinds of message this person may post under the feedback's points (authors, then experts)."""
    kinds = list(AUTHOR_KINDS) if policy.can_answer(user, proposal) else []
    if policy.can_reply_as_expert(user, feedback):
        kinds.append(AnswerKind.REPLY)
    return kinds


def versions_for(proposal, feedback):
    """The versions that can make a change the feedback asked for: newer than the one the experts read."""
    return list(range(feedback.version_number + 1, proposal.current_version + 1))


def _check(actor, proposal, point, kind, body, version_number):
    feedback = point.feedback
    if point.proposal_id != proposal.id or feedback.status != FeedbackStatus.PUBLISHED.value:
        raise NotAllowed(_("This point does not belong to this proposal."))
    if kind not in kinds_for(actor, proposal, feedback):
        raise NotAllowed(_("You cannot post this kind of answer under this point."))
    if not point.needs_answer:
        raise NothingToAnswer(_("This point asks for no change, so there is nothing to answer."))
    if kind is AnswerKind.CHANGED and version_number not in versions_for(proposal, feedback):
        raise AnswerError(_("Choose a version newer than version %(number)d, which the experts read. "
                            "Save your changes as a new version first.", number=feedback.version_number))
    if kind in NEEDS_TEXT and not body:
        raise AnswerError(_("Write your answer first."))
    if len(body) > FEEDBACK_TEXT_MAX:
        raise AnswerError(_("Use at most %(max)d characters.", max=FEEDBACK_TEXT_MAX))


def answer(actor, proposal, point, kind, body, version_number=None):
    """Post a message under a point; the authors' answers set its status. Returns the new PointAnswer."""
    kind = AnswerKind(kind)
    body = (body or "").strip()
    _check(actor, proposal, point, kind, body, version_number)
    message = PointAnswer(point_id=point.id, proposal_id=proposal.id, author_id=actor.id, kind=kind.value,
                          version_number=version_number if kind is AnswerKind.CHANGED else None, body=body)
    db.session.add(message)
    if kind in STATUS_AFTER:
        point.answer_status = STATUS_AFTER[kind].value
        point.answered_in_version = version_number if kind is AnswerKind.CHANGED else None
    db.session.flush()
    audit.record(actor, f"feedback_point.{kind.value}", point, answer_id=message.id,
                 proposal_id=proposal.id, version=message.version_number)
    url = url_for("proposals.show", proposal_id=proposal.id, _anchor=f"point-{point.id}")
    data = {"title": proposal.title, "point": point.criterion_title}
    if kind is AnswerKind.REPLY:
        notifications.notify(_others(actor, _authors(proposal)), "expert_replied", url, **data)
    else:
        notifications.notify(_others(actor, _experts(point.feedback.unit_id)), "answer_posted", url, **data)
    return message


def _others(actor, people):
    return [person for person in people if person.id != actor.id]


def _authors(proposal):
    return db.session.scalars(select(User).join(ProposalAuthor, ProposalAuthor.user_id == User.id)
                              .where(ProposalAuthor.proposal_id == proposal.id)).all()


def _experts(unit_id):
    return experts_of([unit_id])


def experts_of(unit_ids):
    """The experts of these units (one query)."""
    return db.session.scalars(select(User).join(UnitMembership, UnitMembership.user_id == User.id)
                              .where(UnitMembership.unit_id.in_(list(unit_ids))).order_by(User.id)).all()
