"""A unit's reusable answer snippets: experts keep them and insert them into feedback, then edit the text.

Titles are unique per unit whatever the case or spacing (title_key). The list is read a page at a
time by a keyset on (title_key, id); a unit keeps at most SNIPPETS_MAX so that the selects in the
feedback form stay short."""

from flask_babel import gettext as _
from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError

from pbflow.core import audit
from pbflow.editions.services import area_name_key
from pbflow.extensions import db
from pbflow.feedback.models import AnswerSnippet

PAGE_SIZE = 50
SNIPPETS_MAX = 200


class SnippetError(Exception):
    """`field` names the form field the message belongs to."""

    def __init__(self, message, field="title"):
        super().__init__(message)
        self.field = field


def title_key(title):
    return area_name_key(title)


def get(unit_id, snippet_id):
    return db.session.scalar(select(AnswerSnippet).where(AnswerSnippet.id == snippet_id,
                                                         AnswerSnippet.unit_id == unit_id))


def page(unit_id, after=None, size=PAGE_SIZE):
    """(snippets, key to continue after or None), ordered by title; `after` is (title_key, id)."""
    query = select(AnswerSnippet).where(AnswerSnippet.unit_id == unit_id)
    if after is not None:
        query = query.where(tuple_(AnswerSnippet.title_key, AnswerSnippet.id) > tuple_(*after))
    rows = db.session.scalars(query.order_by(AnswerSnippet.title_key, AnswerSnippet.id).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    return rows, ((rows[-1].title_key, rows[-1].id) if more else None)


def choices(unit_id):
    """[(id, title)] of every snippet of the unit, for the selects of the feedback form (one query)."""
    return db.session.execute(select(AnswerSnippet.id, AnswerSnippet.title).where(
        AnswerSnippet.unit_id == unit_id).order_by(AnswerSnippet.title_key).limit(SNIPPETS_MAX)).all()


def _check_title(unit_id, key, snippet_id=None):
    query = select(AnswerSnippet.id).where(AnswerSnippet.unit_id == unit_id, AnswerSnippet.title_key == key)
    if snippet_id is not None:
        query = query.where(AnswerSnippet.id != snippet_id)
    if db.session.scalar(query) is not None:
        raise SnippetError(_("This unit already has a snippet with this title. Choose another title."))


def _flush():
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # someone saved the same title a moment ago
        raise SnippetError(_("This unit already has a snippet with this title. Choose another title.")) from error


def create(actor, unit_id, title, body):
    key = title_key(title)
    _check_title(unit_id, key)
    count = db.session.scalar(select(func.count()).select_from(AnswerSnippet).where(
        AnswerSnippet.unit_id == unit_id))
    if count >= SNIPPETS_MAX:
        raise SnippetError(_("A unit can keep at most %(max)d snippets. Delete one you no longer use.",
                             max=SNIPPETS_MAX))
    snippet = AnswerSnippet(unit_id=unit_id, title=title, title_key=key, body=body, created_by_id=actor.id)
    db.session.add(snippet)
    _flush()
    audit.record(actor, "snippet.created", snippet, unit=unit_id, title=title)
    return snippet


def update(actor, snippet, title, body):
    key = title_key(title)
    _check_title(snippet.unit_id, key, snippet.id)
    snippet.title, snippet.title_key, snippet.body = title, key, body
    _flush()
    audit.record(actor, "snippet.edited", snippet, unit=snippet.unit_id, title=title)
    return snippet


def delete(actor, snippet):
    audit.record(actor, "snippet.deleted", snippet, unit=snippet.unit_id, title=snippet.title)
    db.session.delete(snippet)
    db.session.flush()
