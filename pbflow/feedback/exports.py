"""What Stage III keeps about a person, for their data download (RODO art. 15 and 20). What an
expert or author wrote stays after an account is deleted, signed "former participant"; their unit
memberships go with the account."""

from sqlalchemy import delete, select

from pbflow.accounts.exports import eraser, exporter
from pbflow.extensions import db
from pbflow.feedback.models import (
    AnswerSnippet,
    Feedback,
    InternalNote,
    PointAnswer,
    UnitMembership,
    VerifyingUnit,
)


def _iso(value):
    return value.isoformat() + "Z" if value else None


@exporter("verifying_units")
def _units(user):
    rows = db.session.execute(
        select(VerifyingUnit.name, UnitMembership.joined_at)
        .join(UnitMembership).where(UnitMembership.user_id == user.id)
    )
    return [{"unit": name, "joined_at": _iso(joined)} for name, joined in rows]


@eraser
def _leave_units(user):
    db.session.execute(delete(UnitMembership).where(UnitMembership.user_id == user.id))


@exporter("feedback_written")
def _feedback(user):
    rows = db.session.execute(
        select(Feedback.proposal_id, VerifyingUnit.name, Feedback.round, Feedback.status, Feedback.verdict,
               Feedback.published_at)
        .join(VerifyingUnit, VerifyingUnit.id == Feedback.unit_id)
        .where(Feedback.author_id == user.id).order_by(Feedback.id))
    return [{"proposal_id": pid, "unit": unit, "round": rnd, "status": status, "verdict": verdict,
             "published_at": _iso(at)} for pid, unit, rnd, status, verdict, at in rows]


@exporter("answers_to_feedback")
def _answers(user):
    rows = db.session.execute(select(PointAnswer.proposal_id, PointAnswer.kind, PointAnswer.body,
                                     PointAnswer.created_at)
                              .where(PointAnswer.author_id == user.id).order_by(PointAnswer.id))
    return [{"proposal_id": pid, "kind": kind, "text": body, "at": _iso(at)} for pid, kind, body, at in rows]


@exporter("internal_notes")
def _notes(user):
    rows = db.session.execute(select(InternalNote.proposal_id, InternalNote.body, InternalNote.created_at)
                              .where(InternalNote.author_id == user.id).order_by(InternalNote.id))
    return [{"proposal_id": pid, "text": body, "at": _iso(at)} for pid, body, at in rows]


@exporter("answer_snippets")
def _snippets(user):
    rows = db.session.execute(select(AnswerSnippet.title, AnswerSnippet.created_at)
                              .where(AnswerSnippet.created_by_id == user.id).order_by(AnswerSnippet.id))
    return [{"title": title, "at": _iso(at)} for title, at in rows]
