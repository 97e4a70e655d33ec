"""What a meeting records on the day: attendance, walk-ins, local needs, ideas, minutes; marking it held.

When each can be recorded:
- attendance (ticks, walk-ins, the count of unnamed walk-ins) from one hour before the start, while
  the meeting is planned; once it is marked held the attendance is frozen and read-only until a
  coordinator reopens the meeting;
- needs, ideas and minutes at any time while the meeting is planned or held (preparing the list of
  needs beforehand and tidying the minutes afterwards are both normal); never for a cancelled one;
- "held" from the start of the meeting on.

The frozen attendance (what monitoring counts): for an in-person meeting, the seats of the sign-ups
ticked as present (a plus-one counts two) + the named walk-ins + the number of unnamed walk-ins; for an
online discussion, the distinct people who posted an idea or a comment or supported an idea.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, union, update
from sqlalchemy.orm import joinedload, selectinload

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.i18n import local_datetime
from pbflow.extensions import db
from pbflow.meetings import ideas as ideas_module
from pbflow.meetings import policy
from pbflow.meetings.models import (
    Comment,
    Idea,
    IdeaRaiser,
    IdeaSupport,
    MeetingSignup,
    MeetingStatus,
    Need,
    SignupStatus,
    WalkIn,
)

ATTENDANCE_OPENS_BEFORE = timedelta(hours=1)
NEEDS_MAX = 100
IDEAS_MAX = 200
WALK_INS_MAX = 500


class RecordError(Exception):
    """A rule of recording said no; the message is shown. `status` is the HTTP status."""

    status = 409


# --- reading -------------------------------------------------------------------------

def needs(meeting):
    return db.session.scalars(select(Need).where(Need.meeting_id == meeting.id)
                              .order_by(Need.position, Need.id).limit(NEEDS_MAX)).all()


def ideas(meeting):
    """The ideas of an in-person meeting with who raised them (three queries at most)."""
    return db.session.scalars(
        select(Idea).where(Idea.meeting_id == meeting.id, Idea.hidden_at.is_(None))
        .options(selectinload(Idea.raisers).joinedload(IdeaRaiser.user))
        .order_by(Idea.id).limit(IDEAS_MAX)).all()


def confirmed_signups(meeting):
    """The confirmed sign-ups with their people, by name (bounded by the capacity)."""
    return db.session.scalars(
        select(MeetingSignup).join(User, User.id == MeetingSignup.user_id)
        .where(MeetingSignup.meeting_id == meeting.id, MeetingSignup.status == SignupStatus.CONFIRMED.value)
        .options(joinedload(MeetingSignup.user))
        .order_by(func.lower(User.name), MeetingSignup.id).limit(meeting.capacity)).all()


def walk_ins(meeting):
    return db.session.scalars(select(WalkIn).where(WalkIn.meeting_id == meeting.id)
                              .order_by(WalkIn.id).limit(WALK_INS_MAX)).all()


def counted_attendance(meeting):
    """The figure "held" freezes; see the module's docstring."""
    if meeting.is_online:
        people = union(
            select(Comment.author_id.label("uid")).where(Comment.meeting_id == meeting.id),
            select(Idea.created_by_id).where(Idea.meeting_id == meeting.id),
            select(IdeaSupport.user_id).join(Idea, Idea.id == IdeaSupport.idea_id).where(Idea.meeting_id == meeting.id),
        ).subquery()
        return db.session.scalar(select(func.count()).select_from(people).where(people.c.uid.is_not(None)))
    seats = db.session.scalar(select(func.coalesce(func.sum(MeetingSignup.seats), 0)).where(
        MeetingSignup.meeting_id == meeting.id, MeetingSignup.status == SignupStatus.CONFIRMED.value,
        MeetingSignup.attended.is_(True)))
    named = db.session.scalar(select(func.count()).where(WalkIn.meeting_id == meeting.id))
    return seats + named + meeting.walk_in_count


def attendance_closed(meeting, now=None):
    """Why attendance cannot be changed now ("" when it can)."""
    if meeting.state is MeetingStatus.CANCELLED:
        return _("This meeting was cancelled; nothing can be recorded for it.")
    if meeting.state is MeetingStatus.HELD:
        return _("The meeting is marked as held, so its attendance is final. A coordinator can reopen it.")
    opens = meeting.starts_at - ATTENDANCE_OPENS_BEFORE
    if (now or utcnow()) < opens:
        return _("Attendance can be recorded from one hour before the start, from %(when)s.",
                 when=local_datetime(opens, "short"))
    return ""


def page_context(meeting, user, context):
    """The public record for everyone, the recording tools for managers, in a fixed number of queries."""
    may_manage = context.get("may_manage", False)
    result = {"needs": needs(meeting), "record_ideas": [] if meeting.is_online else ideas(meeting),
              "attendance_closed": attendance_closed(meeting), "ATTENDANCE_OPENS_BEFORE": ATTENDANCE_OPENS_BEFORE}
    result.update(ideas_module.draft_context(meeting, user, may_manage))
    if may_manage and meeting.state is not MeetingStatus.CANCELLED:
        from pbflow.meetings.forms import day as forms

        attendees = [] if meeting.is_online else confirmed_signups(meeting)
        result.update(
            attendees=attendees, walk_ins=[] if meeting.is_online else walk_ins(meeting),
            may_reopen=policy.can_reopen(user, meeting), held_refused=held_refused(meeting),
            walk_in_form=forms.WalkInForm(formdata=None), need_form=forms.NeedForm(formdata=None),
            count_form=forms.WalkInCountForm(formdata=None, walk_in_count=meeting.walk_in_count),
            idea_form=forms.IdeaForm(formdata=None),
            minutes_form=forms.MinutesForm(formdata=None, minutes=meeting.minutes))
    return result


# --- writing: attendance ----------------------------------------------------------------

def _check_attendance(meeting):
    reason = attendance_closed(meeting)
    if reason:
        raise RecordError(reason)


def _check_recording(meeting):
    if meeting.state is MeetingStatus.CANCELLED:
        raise RecordError(_("This meeting was cancelled; nothing can be recorded for it."))


def set_attendance(actor, meeting, present_ids):
    """Tick exactly these confirmed sign-ups as present (and the others as not)."""
    _check_attendance(meeting)
    present_ids = {int(i) for i in present_ids}
    live = (MeetingSignup.meeting_id == meeting.id, MeetingSignup.status == SignupStatus.CONFIRMED.value)
    db.session.execute(update(MeetingSignup).where(*live, MeetingSignup.id.in_(present_ids))
                       .values(attended=True).execution_options(synchronize_session=False))
    db.session.execute(update(MeetingSignup).where(*live, MeetingSignup.id.not_in(present_ids))
                       .values(attended=False).execution_options(synchronize_session=False))
    present = db.session.scalar(select(func.count()).where(*live, MeetingSignup.attended.is_(True)))
    audit.record(actor, "meeting.attendance_recorded", meeting, present=present)
    return present


def add_walk_in(actor, meeting, name):
    _check_attendance(meeting)
    if db.session.scalar(select(func.count()).where(WalkIn.meeting_id == meeting.id)) >= WALK_INS_MAX:
        raise RecordError(_("At most %(count)d walk-ins can be named; add the others as a number.", count=WALK_INS_MAX))
    walk_in = WalkIn(meeting_id=meeting.id, name=name, created_at=utcnow())
    db.session.add(walk_in)
    db.session.flush()
    audit.record(actor, "meeting.walk_in_added", meeting, walk_in_id=walk_in.id)
    return walk_in


def remove_walk_in(actor, meeting, walk_in_id):
    _check_attendance(meeting)
    gone = db.session.execute(delete(WalkIn).where(WalkIn.id == walk_in_id, WalkIn.meeting_id == meeting.id)
                              .execution_options(synchronize_session=False)).rowcount
    if gone != 1:
        raise RecordError(_("This walk-in has already been removed."))
    audit.record(actor, "meeting.walk_in_removed", meeting, walk_in_id=walk_in_id)


def set_walk_in_count(actor, meeting, count):
    _check_attendance(meeting)
    before = meeting.walk_in_count
    meeting.walk_in_count = count
    audit.record(actor, "meeting.walk_in_count_set", meeting, before=before, after=count)


# --- writing: needs ----------------------------------------------------------------------

def _need(meeting, need_id):
    need = db.session.scalar(select(Need).where(Need.id == need_id, Need.meeting_id == meeting.id))
    if need is None:
        raise RecordError(_("This need has already been removed."))
    return need


def add_need(actor, meeting, text):
    _check_recording(meeting)
    count, last = db.session.execute(select(func.count(), func.max(Need.position))
                                     .where(Need.meeting_id == meeting.id)).one()
    if count >= NEEDS_MAX:
        raise RecordError(_("A meeting can record at most %(count)d needs.", count=NEEDS_MAX))
    need = Need(meeting_id=meeting.id, position=(last or 0) + 1, text=text, created_by_id=actor.id,
                created_at=utcnow())
    db.session.add(need)
    db.session.flush()
    audit.record(actor, "meeting.need_added", meeting, need_id=need.id)
    return need


def edit_need(actor, meeting, need_id, text):
    _check_recording(meeting)
    need = _need(meeting, need_id)
    need.text = text
    audit.record(actor, "meeting.need_edited", meeting, need_id=need.id)
    return need


def remove_need(actor, meeting, need_id):
    _check_recording(meeting)
    db.session.delete(_need(meeting, need_id))
    audit.record(actor, "meeting.need_removed", meeting, need_id=need_id)


def move_need(actor, meeting, need_id, direction):
    """Move a need one place up or down; the list is renumbered 1..n in its new order."""
    _check_recording(meeting)
    ordered = list(needs(meeting))
    need = _need(meeting, need_id)
    index = next(i for i, n in enumerate(ordered) if n.id == need.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            item.position = position
        audit.record(actor, "meeting.need_moved", meeting, need_id=need.id, direction=direction)
    return need


# --- writing: ideas and minutes -----------------------------------------------------------

def add_idea(actor, meeting, title, description="", raised_by_names="", raiser_ids=()):
    """An idea raised at the meeting; `raiser_ids` must be people with a confirmed sign-up."""
    _check_recording(meeting)
    if db.session.scalar(select(func.count()).where(Idea.meeting_id == meeting.id)) >= IDEAS_MAX:
        raise RecordError(_("A meeting can record at most %(count)d ideas.", count=IDEAS_MAX))
    wanted = {int(i) for i in raiser_ids}
    known = set(db.session.scalars(select(MeetingSignup.user_id).where(
        MeetingSignup.meeting_id == meeting.id, MeetingSignup.status == SignupStatus.CONFIRMED.value,
        MeetingSignup.user_id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise RecordError(_("Only people signed up for this meeting can be ticked as having raised an idea."))
    idea = Idea(meeting_id=meeting.id, title=title, description=description or "",
                raised_by_names=raised_by_names or "", created_by_id=actor.id)
    idea.raisers = [IdeaRaiser(user_id=user_id) for user_id in sorted(known)]
    db.session.add(idea)
    db.session.flush()
    audit.record(actor, "meeting.idea_recorded", meeting, idea_id=idea.id, raisers=sorted(known))
    return idea


def remove_idea(actor, meeting, idea_id):
    _check_recording(meeting)
    idea = db.session.scalar(select(Idea).where(Idea.id == idea_id, Idea.meeting_id == meeting.id))
    if idea is None:
        raise RecordError(_("This idea has already been removed."))
    if idea.proposal_id is not None:
        raise RecordError(_("This idea has become a draft proposal, so it stays in the record."))
    db.session.delete(idea)
    audit.record(actor, "meeting.idea_removed", meeting, idea_id=idea_id)


def save_minutes(actor, meeting, minutes):
    _check_recording(meeting)
    meeting.minutes = minutes or ""
    audit.record(actor, "meeting.minutes_saved", meeting, length=len(meeting.minutes))


# --- held and reopened ----------------------------------------------------------------------

def held_refused(meeting, now=None):
    """Why the meeting cannot be marked held now ("" when it can)."""
    if meeting.state is MeetingStatus.CANCELLED:
        return _("This meeting was cancelled; nothing can be recorded for it.")
    if meeting.state is MeetingStatus.HELD:
        return _("This meeting is already marked as held.")
    if (now or utcnow()) < meeting.starts_at:
        return _("A meeting can be marked as held once it has started, from %(when)s.",
                 when=local_datetime(meeting.starts_at, "short"))
    return ""


def mark_held(actor, meeting):
    """Freeze the attendance figure and mark the meeting held."""
    reason = held_refused(meeting)
    if reason:
        raise RecordError(reason)
    meeting.attendance = counted_attendance(meeting)
    meeting.status = MeetingStatus.HELD.value
    meeting.held_at = utcnow()
    audit.record(actor, "meeting.held", meeting, attendance=meeting.attendance)
    return meeting.attendance


def reopen(actor, meeting):
    """A coordinator reopens a held meeting: the frozen figure is cleared, attendance can change again."""
    if not policy.can_reopen(actor, meeting):
        raise RecordError(_("Only a coordinator can reopen a meeting that is marked as held."))
    before = meeting.attendance
    meeting.status = MeetingStatus.PLANNED.value
    meeting.attendance = None
    meeting.held_at = None
    audit.record(actor, "meeting.reopened", meeting, attendance_before=before)
