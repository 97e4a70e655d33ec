"""Online discussions: ideas, comments in threads, support for ideas, moderation.

An online meeting is a discussion page open from `starts_at` to `ends_at` (naive UTC). While it
is open, signed-in residents post ideas and comments and support ideas; before it opens nothing
can be posted, and after it ends (or once it is cancelled or marked held) it is read-only.
Moderators hide a post with a reason at any time, also after the end.

Threads have one level of replies: a reply to a reply attaches to the thread's first comment
(`parent_id` always names a root), so a thread is a root comment with a flat list of replies.

`Idea.support_count` follows the IdeaSupport rows by conditional UPDATEs in the same transaction;
the primary key (idea, person) keeps one support per person per idea when two requests race.

The page shows every idea (at most IDEAS_MAX per discussion, most supported first) and the newest
THREADS_PER_PAGE threads; earlier threads are paged by a keyset cursor (the id of the oldest
thread shown), never OFFSET. Every read is a fixed number of queries whatever the size.
"""

import enum
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.i18n import local_datetime
from pbflow.extensions import db
from pbflow.meetings import policy
from pbflow.meetings.forms.discussion import FormsOnPage
from pbflow.meetings.models import Comment, Idea, IdeaSupport, MeetingStatus

THREADS_PER_PAGE = 100
REPLIES_MAX = 50  # per thread, so a page of threads stays bounded
IDEAS_MAX = 200  # per discussion: all of them are shown on the page
POSTS_PER_WINDOW = 30  # per person, comments and ideas together
POST_WINDOW = timedelta(minutes=10)


class DiscussionError(Exception):
    """A rule of the discussion said no; the message is shown. `status` is the HTTP status."""

    status = 409


class NotAllowed(DiscussionError):
    status = 403


class TooManyPosts(DiscussionError):
    status = 429


class Phase(enum.StrEnum):
    NOT_YET = "not_yet"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def phase(meeting, now=None):
    """Where the discussion stands now: not open yet, open, closed (ended or held), cancelled."""
    if meeting.state is MeetingStatus.CANCELLED:
        return Phase.CANCELLED
    now = now or utcnow()
    if meeting.state is MeetingStatus.HELD or now >= meeting.ends_at:
        return Phase.CLOSED
    return Phase.OPEN if now >= meeting.starts_at else Phase.NOT_YET


def check_open(meeting):
    """Raise DiscussionError with the reason when nothing may be posted now."""
    if not meeting.is_online:
        raise DiscussionError(_("This meeting is held in person; it has no online discussion."))
    now_phase = phase(meeting)
    if now_phase is Phase.NOT_YET:
        raise DiscussionError(_("The discussion opens on %(when)s; nothing can be posted before then.",
                                when=local_datetime(meeting.starts_at, "short")))
    if now_phase is Phase.CLOSED:
        raise DiscussionError(_("The discussion has ended; it can be read but no longer changed."))
    if now_phase is Phase.CANCELLED:
        raise DiscussionError(_("The meeting has been cancelled; its discussion can be read but not changed."))


def _check_rate(actor):
    since = utcnow() - POST_WINDOW
    posts = union_all(
        select(Comment.id).where(Comment.author_id == actor.id, Comment.created_at >= since),
        select(Idea.id).where(Idea.created_by_id == actor.id, Idea.created_at >= since)).subquery()
    if db.session.scalar(select(func.count()).select_from(posts)) >= POSTS_PER_WINDOW:
        raise TooManyPosts(_("You have posted %(count)d times in the last %(minutes)d minutes. "
                             "Please wait a few minutes before posting again.",
                             count=POSTS_PER_WINDOW, minutes=POST_WINDOW.seconds // 60))


def _check_can_post(actor, meeting):
    check_open(meeting)
    _check_rate(actor)


# --- reading ---------------------------------------------------------------------------

def idea_in(meeting, idea_id):
    """The idea of this meeting's discussion, or None (also for another meeting's idea)."""
    return db.session.scalar(select(Idea).where(Idea.id == idea_id, Idea.meeting_id == meeting.id)
                             .options(joinedload(Idea.created_by), joinedload(Idea.proposal)))


def comment_in(meeting, comment_id):
    """The comment of this meeting's discussion with its author, or None."""
    return db.session.scalar(select(Comment).where(Comment.id == comment_id, Comment.meeting_id == meeting.id)
                             .options(joinedload(Comment.author)))


def supports(user, idea_ids):
    """The ids among `idea_ids` that `user` supports, in one query."""
    if not policy.signed_in(user) or not idea_ids:
        return set()
    return set(db.session.scalars(select(IdeaSupport.idea_id).where(
        IdeaSupport.user_id == user.id, IdeaSupport.idea_id.in_(list(idea_ids)))))


def ideas_of(meeting):
    """Every idea of the discussion, most supported first, with who posted it and its draft."""
    return db.session.scalars(
        select(Idea).where(Idea.meeting_id == meeting.id)
        .options(joinedload(Idea.created_by), joinedload(Idea.proposal), selectinload(Idea.raisers))
        .order_by(Idea.support_count.desc(), Idea.id).limit(IDEAS_MAX)).all()


@dataclass
class Thread:
    root: Comment
    replies: list = field(default_factory=list)


@dataclass
class ThreadPage:
    threads: list  # oldest first
    earlier: int | None  # cursor for the page of earlier threads, None when there are none


def threads_of(meeting, before=None):
    """The newest THREADS_PER_PAGE threads (older than the thread `before` when given), oldest first.

    Two queries whatever the size: the roots with their authors, then their replies with theirs."""
    query = select(Comment).where(Comment.meeting_id == meeting.id, Comment.parent_id.is_(None))
    if before is not None:
        query = query.where(Comment.id < before)
    roots = db.session.scalars(query.options(joinedload(Comment.author))
                               .order_by(Comment.id.desc()).limit(THREADS_PER_PAGE + 1)).all()
    earlier = roots[THREADS_PER_PAGE - 1].id if len(roots) > THREADS_PER_PAGE else None
    roots = list(reversed(roots[:THREADS_PER_PAGE]))
    threads = {root.id: Thread(root) for root in roots}
    if threads:
        replies = db.session.scalars(
            select(Comment).where(Comment.meeting_id == meeting.id, Comment.parent_id.in_(list(threads)))
            .options(joinedload(Comment.author)).order_by(Comment.id)).all()
        for reply in replies:
            threads[reply.parent_id].replies.append(reply)
    return ThreadPage(list(threads.values()), earlier)


def on_first_page(meeting, root_id):
    """Whether the thread shows on the meeting page itself (among the newest), reading at most a page of ids."""
    newer = (select(Comment.id).where(Comment.meeting_id == meeting.id, Comment.parent_id.is_(None),
                                      Comment.id > root_id).limit(THREADS_PER_PAGE).subquery())
    return db.session.scalar(select(func.count()).select_from(newer)) < THREADS_PER_PAGE


def page_context(meeting, user, context):
    """What the meeting page needs from this part: nothing for a meeting held in person."""
    if not meeting.is_online:
        return {}
    ideas = ideas_of(meeting)
    page = threads_of(meeting)
    by_idea = {}
    for thread in page.threads:
        by_idea.setdefault(thread.root.idea_id, []).append(thread)
    return {
        "discussion_phase": phase(meeting), "Phase": Phase, "ideas": ideas, "thread_page": page,
        "threads_by_idea": by_idea, "supported": supports(user, [i.id for i in ideas]),
        "may_post": policy.can_post(user), "may_see_hidden": policy.can_see_hidden(user, meeting),
        "discussion_forms": FormsOnPage(),
    }


# --- posting -----------------------------------------------------------------------------

def _add_comment(actor, meeting, body, idea_id=None, parent_id=None):
    comment = Comment(meeting_id=meeting.id, idea_id=idea_id, parent_id=parent_id, author_id=actor.id, body=body,
                      created_at=utcnow())
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "meeting.comment_posted", comment, meeting_id=meeting.id,
                 idea_id=comment.idea_id, parent_id=comment.parent_id)
    return comment


def post_comment(actor, meeting, body, idea=None):
    """Start a thread on the discussion, or on one of its ideas."""
    _check_can_post(actor, meeting)
    if idea is not None and idea.meeting_id != meeting.id:
        raise DiscussionError(_("This idea belongs to another discussion."))
    return _add_comment(actor, meeting, body, idea_id=idea.id if idea else None)


def post_reply(actor, meeting, to, body):
    """Reply in a thread; a reply to a reply joins the thread of its first comment."""
    _check_can_post(actor, meeting)
    if to.meeting_id != meeting.id:
        raise DiscussionError(_("This comment belongs to another discussion."))
    root = to if to.parent_id is None else db.session.get(Comment, to.parent_id)
    replies = db.session.scalar(select(func.count()).where(Comment.parent_id == root.id))
    if replies >= REPLIES_MAX:
        raise DiscussionError(_("This thread already has %(count)d replies; please start a new thread.",
                                count=REPLIES_MAX))
    return _add_comment(actor, meeting, body, idea_id=root.idea_id, parent_id=root.id)


def post_idea(actor, meeting, title, description):
    """Post an idea; it can later become a draft proposal."""
    _check_can_post(actor, meeting)
    if db.session.scalar(select(func.count()).where(Idea.meeting_id == meeting.id)) >= IDEAS_MAX:
        raise DiscussionError(_("This discussion already has %(count)d ideas, as many as it can take. "
                                "Comment on one of them instead.", count=IDEAS_MAX))
    idea = Idea(meeting_id=meeting.id, title=title, description=description or "", created_by_id=actor.id)
    db.session.add(idea)
    db.session.flush()
    audit.record(actor, "meeting.idea_posted", idea, meeting_id=meeting.id, title=title)
    return idea


# --- support -----------------------------------------------------------------------------

def support(actor, meeting, idea):
    """Back an idea once; the count moves in the same transaction as the row that proves it."""
    check_open(meeting)
    if idea.hidden_at is not None:
        raise DiscussionError(_("This idea has been hidden by the moderator and cannot be supported."))
    if db.session.get(IdeaSupport, (idea.id, actor.id)) is not None:
        raise DiscussionError(_("You already support this idea."))
    try:
        with db.session.begin_nested():
            db.session.add(IdeaSupport(idea_id=idea.id, user_id=actor.id, created_at=utcnow()))
    except IntegrityError:  # the same person's second request won the race
        raise DiscussionError(_("You already support this idea.")) from None
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(support_count=Idea.support_count + 1))
    audit.record(actor, "meeting.idea_supported", idea, meeting_id=meeting.id)
    db.session.refresh(idea, ["support_count"])


def unsupport(actor, meeting, idea):
    """Withdraw one's support; the count falls only when a support row was really removed."""
    check_open(meeting)
    removed = db.session.execute(delete(IdeaSupport).where(
        IdeaSupport.idea_id == idea.id, IdeaSupport.user_id == actor.id)).rowcount
    if not removed:
        raise DiscussionError(_("You do not support this idea."))
    db.session.execute(update(Idea).where(Idea.id == idea.id, Idea.support_count > 0)
                       .values(support_count=Idea.support_count - 1))
    audit.record(actor, "meeting.idea_unsupported", idea, meeting_id=meeting.id)
    db.session.refresh(idea, ["support_count"])


# --- moderation --------------------------------------------------------------------------

def _noun(post):
    return "comment" if isinstance(post, Comment) else "idea"


def hide(actor, meeting, post, reason):
    """Hide a comment or an idea with a reason; the text stays for moderators and coordinators."""
    if not policy.can_manage(actor, meeting):
        raise NotAllowed(_("Only the area's ambassador and coordinators moderate the discussion."))
    if post.hidden_at is not None:
        raise DiscussionError(_("This post is already hidden."))
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), actor.id, reason
    audit.record(actor, f"meeting.{_noun(post)}_hidden", post, meeting_id=meeting.id, reason=reason)


def unhide(actor, meeting, post):
    """Show a hidden post again; the audit trail keeps why it had been hidden."""
    if not policy.can_manage(actor, meeting):
        raise NotAllowed(_("Only the area's ambassador and coordinators moderate the discussion."))
    if post.hidden_at is None:
        raise DiscussionError(_("This post is not hidden."))
    audit.record(actor, f"meeting.{_noun(post)}_unhidden", post, meeting_id=meeting.id,
                 reason_was=post.hidden_reason)
    post.hidden_at, post.hidden_by_id, post.hidden_reason = None, None, ""
