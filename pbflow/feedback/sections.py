"""The feedback section of the proposal page: every unit's published feedback, latest round first,
each point with its answer status and its thread, and the answer form for those who may answer.

Three queries whatever the number of rounds, points and answers: the feedback with its units, their
points, the points' messages with their authors. Drafts are never shown here."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from pbflow.extensions import db
from pbflow.feedback import answers
from pbflow.feedback.forms.answers import AnswerForm
from pbflow.feedback.models import (
    AnswerKind,
    AnswerStatus,
    CostAssessment,
    CriterionResult,
    Feedback,
    FeedbackPoint,
    FeedbackStatus,
    PointAnswer,
    Verdict,
)
from pbflow.proposals import hooks

TEMPLATE = "feedback/_feedback_section.html"


def published_feedback(proposal):
    """The proposal's published feedback, latest round first, with units, points and threads."""
    return db.session.scalars(
        select(Feedback).where(Feedback.proposal_id == proposal.id,
                               Feedback.status == FeedbackStatus.PUBLISHED.value)
        .options(joinedload(Feedback.unit),
                 selectinload(Feedback.points).selectinload(FeedbackPoint.answers)
                 .joinedload(PointAnswer.author))
        .order_by(Feedback.round.desc(), Feedback.published_at.desc(), Feedback.id.desc())).all()


@hooks.published_feedback_check
def has_published_feedback(proposal):
    return db.session.scalar(select(Feedback.id).where(
        Feedback.proposal_id == proposal.id, Feedback.status == FeedbackStatus.PUBLISHED.value).limit(1)) is not None


class AnswerForms:
    """Hands each point its answer form: a fresh one, or the one that just failed, with its input."""

    def __init__(self, proposal, failed_point_id=None, failed_form=None, error=None):
        self.proposal = proposal
        self.failed_point_id, self.failed_form, self.error_text = failed_point_id, failed_form, error

    def __call__(self, point, feedback, kinds):
        if not kinds:
            return None
        if point.id == self.failed_point_id and self.failed_form is not None:
            return self.failed_form
        return AnswerForm(formdata=None, prefix=f"point-{point.id}", kinds=kinds,
                          versions=answers.versions_for(self.proposal, feedback))

    def error(self, point):
        return self.error_text if point.id == self.failed_point_id else None


def titles():
    """The enums the templates turn stored values into titles with."""
    return {"Verdict": Verdict, "CostAssessment": CostAssessment, "CriterionResult": CriterionResult,
            "AnswerStatus": AnswerStatus, "AnswerKind": AnswerKind}


def thread_context(user, proposal, point, forms=None, focus_id=None):
    """What the thread fragment of one point needs (after an answer, or with a failed form)."""
    feedback = point.feedback
    kinds = answers.kinds_for(user, proposal, feedback)
    return {"proposal": proposal, "feedback": feedback, "point": point, "thread": answers.thread_of(point),
            "kinds": kinds, "answer_forms": forms or AnswerForms(proposal), "focus_id": focus_id, **titles()}


@hooks.page_section("feedback", TEMPLATE, order=20)
def feedback_section(user, proposal):
    found = published_feedback(proposal)
    if not found:
        return None
    return {"feedback_list": found, "answer_forms": AnswerForms(proposal),
            "kinds_by_feedback": {f.id: answers.kinds_for(user, proposal, f) for f in found}, **titles()}


def with_failed_form(sections, forms):
    """The page's sections with the feedback section handing out `forms` (one failed form, its input kept)."""
    for template, context in sections:
        if template == TEMPLATE:
            context["answer_forms"] = forms
    return sections
