"""The figures pbflow computes from its own data, each one SQL expression over a scope and a period.

Every source is a scalar subquery, so a page asks for all its figures in one SELECT, whatever the
number of rows behind them. A source answers None when there is nothing to measure (a median of no
feedback), never a made-up 0."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, distinct, func, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from pbflow.accounts.models import User
from pbflow.ambassadors.models import (
    AmbassadorApplication,
    ApplicationStatus,
    TrainingItem,
    TrainingProgress,
)
from pbflow.core import clock
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.feedback.models import Feedback, FeedbackStatus
from pbflow.marathons.models import OfficialOutcome, Outcome, Submission
from pbflow.meetings.models import (
    Comment,
    Idea,
    IdeaSupport,
    Meeting,
    MeetingSignup,
    MeetingStatus,
    SignupStatus,
)
from pbflow.monitoring.models import Activity, ActivityKind, Unit
from pbflow.proposals.models import Proposal, ProposalAuthor


@dataclass(frozen=True)
class Scope:
    """The whole edition, one district, or one area."""

    edition_id: int
    district_id: int | None = None
    area_id: int | None = None


@dataclass(frozen=True)
class Period:
    """Kraków days, both ends included; None for an open end."""

    first_day: object = None
    last_day: object = None

    @property
    def starts(self):
        return clock.day_start_utc(self.first_day) if self.first_day else None

    @property
    def ends(self):  # exclusive
        return clock.day_start_utc(self.last_day + timedelta(days=1)) if self.last_day else None


def _during(column, period, days=False):
    start, end = (period.first_day, period.last_day) if days else (period.starts, period.ends)
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end if days else column < end)
    return conditions


def _in_scope(model, scope):
    conditions = [model.edition_id == scope.edition_id]
    if scope.area_id is not None:
        conditions.append(model.area_id == scope.area_id)
    elif scope.district_id is not None:
        conditions.append(model.district_id == scope.district_id)
    return conditions


class days_between(FunctionElement):  # noqa: N801 - an SQL function
    """Days (with fractions) from the second moment to the first, on either database."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}))"


@compiles(days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"(EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})) / 86400.0)"


def _median(values):
    """The median of a one-column subquery, in SQL and in one pass: the middle row, or the mean of the two."""
    numbered = select(values.c.x, func.row_number().over(order_by=values.c.x).label("n"),
                      func.count().over().label("total")).subquery()
    middle = numbered.c.n.in_([(numbered.c.total + 1) // 2, (numbered.c.total + 2) // 2])
    return select(func.avg(numbered.c.x)).where(middle)


def _approved_ambassadors(scope, period):
    return (select(func.count()).select_from(AmbassadorApplication)
            .where(*_in_scope(AmbassadorApplication, scope),
                   AmbassadorApplication.status == ApplicationStatus.APPROVED.value,
                   *_during(AmbassadorApplication.decided_at, period)))


def _areas_covered(scope, period):
    return (select(func.count(distinct(AmbassadorApplication.area_id)))
            .where(*_in_scope(AmbassadorApplication, scope), AmbassadorApplication.area_id.is_not(None),
                   AmbassadorApplication.status == ApplicationStatus.APPROVED.value,
                   *_during(AmbassadorApplication.decided_at, period)))


def _training_completed(scope, period):
    statement = (select(func.count()).select_from(TrainingProgress)
                 .join(TrainingItem, TrainingItem.id == TrainingProgress.item_id)
                 .where(TrainingItem.edition_id == scope.edition_id, *_during(TrainingProgress.done_at, period)))
    if scope.district_id is not None or scope.area_id is not None:
        ambassadors = select(AmbassadorApplication.user_id).where(
            *_in_scope(AmbassadorApplication, scope),
            AmbassadorApplication.status == ApplicationStatus.APPROVED.value)
        statement = statement.where(TrainingProgress.user_id.in_(ambassadors))
    return statement


def _held_meetings(scope, period, what):
    return select(what).select_from(Meeting).where(
        *_in_scope(Meeting, scope), Meeting.status == MeetingStatus.HELD.value, *_during(Meeting.starts_at, period))


def _meetings_held(scope, period):
    return _held_meetings(scope, period, func.count())


def _meeting_participants(scope, period):
    return _held_meetings(scope, period, func.coalesce(func.sum(Meeting.attendance), 0))


def _drafts_created(scope, period):
    return select(func.count()).select_from(Proposal).where(*_in_scope(Proposal, scope),
                                                            *_during(Proposal.created_at, period))


def _took_step(action):
    def build(scope, period):
        return (select(func.count(distinct(AuditEvent.object_id)))
                .join(Proposal, Proposal.id == AuditEvent.object_id)
                .where(AuditEvent.verb == f"proposal.{action}", AuditEvent.object_type == "proposals",
                       *_during(AuditEvent.created_at, period), *_in_scope(Proposal, scope)))
    return build


def _published_feedback(scope, period, what):
    return (select(what).select_from(Feedback).join(Proposal, Proposal.id == Feedback.proposal_id)
            .where(Feedback.status == FeedbackStatus.PUBLISHED.value, *_during(Feedback.published_at, period),
                   *_in_scope(Proposal, scope)))


def _feedback_given(scope, period):
    return _published_feedback(scope, period, func.count())


def _proposals_with_feedback(scope, period):
    return _published_feedback(scope, period, func.count(distinct(Feedback.proposal_id)))


def _median_days_to_feedback(scope, period):
    started = func.coalesce(Feedback.round_started_at, Feedback.created_at)
    return _median(_published_feedback(scope, period, days_between(Feedback.published_at, started).label("x"))
                   .subquery())


def _submitted(scope, period, what, *extra):
    statement = (select(what).select_from(Submission).join(Proposal, Proposal.id == Submission.proposal_id)
                 .where(Submission.undone_at.is_(None), *_during(Submission.submitted_at, period),
                        *_in_scope(Proposal, scope)))
    for join_on in extra:
        statement = statement.join(*join_on)
    return statement


def _proposals_submitted(scope, period):
    return _submitted(scope, period, func.count(distinct(Submission.proposal_id)))


def _proposals_selected(scope, period):
    return _submitted(scope, period, func.count(distinct(Submission.proposal_id)),
                      (OfficialOutcome, and_(OfficialOutcome.proposal_id == Submission.proposal_id,
                                             OfficialOutcome.outcome == Outcome.SELECTED.value)))


def _share_selected(scope, period):
    selected = (OfficialOutcome, and_(OfficialOutcome.proposal_id == Submission.proposal_id,
                                      OfficialOutcome.outcome == Outcome.SELECTED.value))
    rows = _submitted(scope, period, Submission.proposal_id.label("proposal_id"),
                      ).outerjoin(*selected).add_columns(OfficialOutcome.proposal_id.label("selected")).subquery()
    return select(case((func.count() == 0, None),
                       else_=100.0 * func.count(rows.c.selected) / func.count())).select_from(rows)


def _involvement(scope, period):
    """Who took part, one SELECT of user ids per way of taking part."""
    return (
        select(ProposalAuthor.user_id.label("person")).join(Proposal, Proposal.id == ProposalAuthor.proposal_id)
        .where(*_in_scope(Proposal, scope), *_during(ProposalAuthor.consent_at, period)),
        select(MeetingSignup.user_id).join(Meeting, Meeting.id == MeetingSignup.meeting_id)
        .where(*_in_scope(Meeting, scope), MeetingSignup.status != SignupStatus.CANCELLED.value,
               *_during(MeetingSignup.created_at, period)),
        select(IdeaSupport.user_id).join(Idea, Idea.id == IdeaSupport.idea_id)
        .join(Meeting, Meeting.id == Idea.meeting_id)
        .where(*_in_scope(Meeting, scope), *_during(IdeaSupport.created_at, period)),
        select(Comment.author_id).join(Meeting, Meeting.id == Comment.meeting_id)
        .where(Comment.author_id.is_not(None), *_in_scope(Meeting, scope), *_during(Comment.created_at, period)),
        select(AmbassadorApplication.user_id).where(
            *_in_scope(AmbassadorApplication, scope), AmbassadorApplication.status == ApplicationStatus.APPROVED.value,
            *_during(AmbassadorApplication.decided_at, period)),
    )


def _residents_involved(scope, period):
    """Distinct people, counted from every way of taking part (UNION ALL, one count of distinct ids).
    SQLite de-duplicates a whole edition's rows (every proposal's authors) slowly; there, asking each
    account by index whether it took part is 2× faster at 100,000 proposals (and 6× slower on
    PostgreSQL, which hashes the union well), so only SQLite asks per account, and only for an edition."""
    ways = _involvement(scope, period)
    whole_edition = scope.district_id is None and scope.area_id is None
    if whole_edition and db.session.get_bind().dialect.name == "sqlite":
        took_part = [way.where(way.selected_columns[0] == User.id).exists() for way in ways]
        return select(func.count()).select_from(User).where(or_(*took_part))
    people = union_all(*ways).subquery()
    return select(func.count(distinct(people.c.person)))


def _activities(scope, period, what, kind=None):
    statement = select(what).select_from(Activity).where(*_in_scope(Activity, scope),
                                                         *_during(Activity.held_on, period, days=True))
    return statement.where(Activity.kind == kind) if kind else statement


def _activity_hours(kind):
    def build(scope, period):
        return _activities(scope, period, func.coalesce(func.sum(Activity.minutes), 0) / 60.0, kind)
    return build


def _activity_sessions(scope, period):
    return _activities(scope, period, func.count())


def _activity_participants(scope, period):
    return _activities(scope, period, func.coalesce(func.sum(Activity.participants), 0))


def _activity_newcomers(scope, period):
    return _activities(scope, period, func.coalesce(func.sum(Activity.new_participants), 0))


@dataclass(frozen=True)
class Source:
    key: str
    title: object  # lazy string
    unit: Unit
    build: object  # (Scope, Period) -> a one-value SELECT

    def expression(self, scope, period):
        return self.build(scope, period).scalar_subquery()


SOURCES = {source.key: source for source in (
    Source("ambassadors_approved", _l("Ambassadors approved"), Unit.PEOPLE, _approved_ambassadors),
    Source("areas_covered", _l("Areas with an approved ambassador"), Unit.AREAS, _areas_covered),
    Source("training_completed", _l("Training items completed by ambassadors"), Unit.ITEMS, _training_completed),
    Source("meetings_held", _l("Residents' meetings held"), Unit.MEETINGS, _meetings_held),
    Source("meeting_participants", _l("Participants at residents' meetings"), Unit.PEOPLE, _meeting_participants),
    Source("drafts_created", _l("Draft proposals created"), Unit.PROPOSALS, _drafts_created),
    Source("sent_to_consultation", _l("Proposals sent to consultation"), Unit.PROPOSALS,
           _took_step("send_to_consultation")),
    Source("feedback_given", _l("Expert opinions published"), Unit.OPINIONS, _feedback_given),
    Source("proposals_with_feedback", _l("Proposals that received expert feedback"), Unit.PROPOSALS,
           _proposals_with_feedback),
    Source("median_days_to_feedback", _l("Median days from sending to expert feedback"), Unit.DAYS,
           _median_days_to_feedback),
    Source("proposals_revised", _l("Proposals revised after feedback"), Unit.PROPOSALS, _took_step("mark_revised")),
    Source("proposals_ready", _l("Proposals marked ready to submit"), Unit.PROPOSALS, _took_step("mark_ready")),
    Source("proposals_submitted", _l("Proposals submitted to the official platform"), Unit.PROPOSALS,
           _proposals_submitted),
    Source("proposals_selected", _l("Submitted proposals selected for funding"), Unit.PROPOSALS,
           _proposals_selected),
    Source("share_selected", _l("Share of submitted proposals selected for funding"), Unit.PERCENT,
           _share_selected),
    Source("residents_involved", _l("Distinct residents involved"), Unit.PEOPLE, _residents_involved),
    Source("training_hours", _l("Training hours (recorded activities)"), Unit.HOURS,
           _activity_hours(ActivityKind.TRAINING.value)),
    Source("advice_hours", _l("Advice hours (recorded activities)"), Unit.HOURS,
           _activity_hours(ActivityKind.ADVICE.value)),
    Source("activity_sessions", _l("Sessions held (recorded activities)"), Unit.SESSIONS, _activity_sessions),
    Source("activity_participants", _l("Participants in recorded activities"), Unit.PEOPLE,
           _activity_participants),
    Source("activity_newcomers", _l("Participants new to PB in recorded activities"), Unit.PEOPLE,
           _activity_newcomers),
)}

# The pathway's funnel, stage by stage; `same_thing` marks a stage that counts what the one before it
# counts (proposals), so the drop between them means something.
FUNNEL = (
    ("ambassadors_approved", False),
    ("meetings_held", False),
    ("meeting_participants", False),
    ("drafts_created", False),
    ("sent_to_consultation", True),
    ("proposals_with_feedback", True),
    ("proposals_revised", True),
    ("proposals_ready", True),
    ("proposals_submitted", True),
    ("proposals_selected", True),
)
FUNNEL_TITLES = {
    "ambassadors_approved": _l("Ambassadors approved"),
    "meetings_held": _l("Meetings held"),
    "meeting_participants": _l("Participants at meetings"),
    "drafts_created": _l("Drafts created"),
    "sent_to_consultation": _l("Sent to consultation"),
    "proposals_with_feedback": _l("With expert feedback"),
    "proposals_revised": _l("Revised after feedback"),
    "proposals_ready": _l("Ready to submit"),
    "proposals_submitted": _l("Submitted to the platform"),
    "proposals_selected": _l("Selected for funding"),
}


def as_number(value):
    """SQL answers int, float or Decimal (PostgreSQL's avg); the pages want int or float."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)
