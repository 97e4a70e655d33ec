"""What the meetings part keeps about a person, for their data download (RODO art. 15 and 20),
and what deleting an account changes: places at planned meetings go to the waiting list; what the
person posted stays, signed "former participant"."""

from sqlalchemy import select

from pbflow.accounts.exports import eraser, exporter
from pbflow.extensions import db
from pbflow.meetings import signups
from pbflow.meetings.models import Comment, Idea, IdeaSupport, Meeting, MeetingSignup, MeetingStatus


def _iso(value):
    return value.isoformat() + "Z" if value else None


@exporter("meeting_sign_ups")
def _sign_ups(user):
    rows = db.session.execute(
        select(Meeting.title, Meeting.starts_at, MeetingSignup.status, MeetingSignup.seats, MeetingSignup.attended,
               MeetingSignup.created_at)
        .join(Meeting, Meeting.id == MeetingSignup.meeting_id)
        .where(MeetingSignup.user_id == user.id).order_by(MeetingSignup.id))
    return [{"meeting": title, "starts_at": _iso(starts), "status": status, "seats": seats, "attended": attended,
             "signed_up_at": _iso(at)} for title, starts, status, seats, attended, at in rows]


@exporter("meeting_ideas_and_comments")
def _posts(user):
    ideas = db.session.execute(select(Idea.meeting_id, Idea.title, Idea.created_at)
                               .where(Idea.created_by_id == user.id).order_by(Idea.id))
    comments = db.session.execute(select(Comment.meeting_id, Comment.body, Comment.created_at)
                                  .where(Comment.author_id == user.id).order_by(Comment.id))
    supports = db.session.scalars(select(IdeaSupport.idea_id).where(IdeaSupport.user_id == user.id))
    return {"ideas": [{"meeting_id": m, "title": t, "at": _iso(at)} for m, t, at in ideas],
            "comments": [{"meeting_id": m, "text": body, "at": _iso(at)} for m, body, at in comments],
            "supported_idea_ids": list(supports)}


@eraser
def _give_up_places(user):
    """Planned meetings get the places back (the waiting list moves up, as when a person cancels)."""
    live = db.session.execute(
        select(Meeting.id, MeetingSignup.id).join(Meeting, Meeting.id == MeetingSignup.meeting_id)
        .where(MeetingSignup.user_id == user.id, MeetingSignup.status.in_(signups.LIVE),
               Meeting.status == MeetingStatus.PLANNED.value)).all()
    for meeting_id, signup_id in live:
        meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).with_for_update(of=Meeting))
        signups.cancel(user, meeting, db.session.get(MeetingSignup, signup_id))
