"""A unit's internal notes on a proposal, with one level of replies; never shown to the authors.

A reply to a reply attaches to the thread's first note, so a thread is a root note and a flat list
of replies. The workspace shows the newest THREADS_PER_PAGE threads (newest last); earlier ones are
paged by a keyset (the id of the oldest thread shown). Two queries whatever the size."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.core import audit
from pbflow.extensions import db
from pbflow.feedback.models import FEEDBACK_TEXT_MAX, InternalNote

THREADS_PER_PAGE = 30


class NoteError(Exception):
    pass


@dataclass
class Thread:
    root: InternalNote
    replies: list


@dataclass
class ThreadPage:
    threads: list
    earlier: int | None  # the `before` for the page of earlier threads, or None


def note_in(proposal_id, unit_id, note_id):
    return db.session.scalar(select(InternalNote).where(
        InternalNote.id == note_id, InternalNote.proposal_id == proposal_id, InternalNote.unit_id == unit_id)
        .options(joinedload(InternalNote.author)))


def threads(proposal_id, unit_id, before=None, size=THREADS_PER_PAGE):
    """The newest `size` threads (older than `before`, if given), oldest first, with their replies."""
    query = select(InternalNote).where(InternalNote.proposal_id == proposal_id, InternalNote.unit_id == unit_id,
                                       InternalNote.parent_id.is_(None))
    if before is not None:
        query = query.where(InternalNote.id < before)
    roots = db.session.scalars(query.options(joinedload(InternalNote.author))
                               .order_by(InternalNote.id.desc()).limit(size + 1)).all()
    earlier = roots[size - 1].id if len(roots) > size else None
    roots = list(reversed(roots[:size]))
    replies = {root.id: [] for root in roots}
    if roots:
        for reply in db.session.scalars(select(InternalNote).where(InternalNote.parent_id.in_(list(replies)))
                                        .options(joinedload(InternalNote.author)).order_by(InternalNote.id)):
            replies[reply.parent_id].append(reply)
    return ThreadPage([Thread(root, replies[root.id]) for root in roots], earlier)


def add(actor, proposal_id, unit_id, body, parent=None):
    text = (body or "").strip()
    if not text:
        raise NoteError(_("Write your note first."))
    if len(text) > FEEDBACK_TEXT_MAX:
        raise NoteError(_("Use at most %(max)d characters.", max=FEEDBACK_TEXT_MAX))
    root_id = None
    if parent is not None:
        root_id = parent.parent_id or parent.id
    note = InternalNote(proposal_id=proposal_id, unit_id=unit_id, parent_id=root_id, author_id=actor.id, body=text)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "internal_note.added", note, proposal=proposal_id, unit=unit_id, parent=root_id)
    return note
