"""In-app notifications with an e-mail copy: one call tells a person, in their own language.

Dates and moments passed as `date`/`datetime` values are stored as ISO text and formatted
for each reader (Europe/Warsaw, their locale), never in the language of whoever acted.

Each domain registers its kinds (a message and a mail subject with %(name)s placeholders);
`notify()` adds a row per person to the current transaction and sends the e-mail. The
text is composed again when the list is shown, so it follows the reader's language."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import column, func, select, table, update

from pbflow.core.database import utcnow
from pbflow.core.i18n import local_date, local_datetime
from pbflow.core.mail import send_mail
from pbflow.core.models import Notification
from pbflow.extensions import db

PAGE_SIZE = 30


@dataclass(frozen=True)
class Kind:
    message: object  # lazy string with %(placeholders)s from the notification's data
    subject: object


KINDS = {}


def register(kind, message, subject):
    KINDS[kind] = Kind(message, subject)


def _stored(value):
    """Dates and moments are kept as ISO text and formatted when shown, in the reader's language."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _shown(value):
    if isinstance(value, dict) and "datetime" in value:
        return local_datetime(datetime.fromisoformat(value["datetime"]), "short")
    if isinstance(value, dict) and "date" in value:
        return local_date(date.fromisoformat(value["date"]))
    return value


def _values(data):
    return {key: _shown(value) for key, value in (data or {}).items()}


def text_of(notification):
    kind = KINDS.get(notification.kind)
    if kind is None:
        return str(_l("A notification"))
    try:
        return str(kind.message) % _values(notification.data)
    except (KeyError, TypeError, ValueError):
        return str(kind.message)


def _absolute(url):
    if url.startswith(("http://", "https://")):
        return url
    return current_app.config["BASE_URL"].rstrip("/") + url


def notify(recipients, kind, url, mail=True, **data):
    """Tell each person (User objects; the acting person is left out by callers who wish)."""
    if kind not in KINDS:
        raise KeyError(f"notification kind {kind!r} is not registered")
    data = {key: _stored(value) for key, value in data.items()}
    seen = set()
    for person in recipients:
        if person is None or person.id in seen or getattr(person, "is_deleted", False):
            continue
        seen.add(person.id)
        notification = Notification(user_id=person.id, kind=kind, data=data, url=url)
        db.session.add(notification)
        if mail and person.email:
            with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                body = "\n\n".join([text_of(notification), _absolute(url), str(_l(
                    "You get this e-mail because you take part in the participatory budget in pbflow. "
                    "All your notifications are on the Notifications page."))])
                send_mail(person.email, str(KINDS[kind].subject) % _values(data), body)
    db.session.flush()
    _add_unread(sorted(seen), 1)


# The users table's kept count (pbflow.accounts.models.User.unread_notifications), named here
# without importing accounts: core sits below every domain.
_users = table("users", column("id"), column("unread_notifications"))


def _add_unread(user_ids, change):
    if user_ids and change:
        db.session.execute(update(_users).where(_users.c.id.in_(user_ids)).values(
            unread_notifications=func.max(_users.c.unread_notifications + change, 0)
            if db.engine.dialect.name == "sqlite" else
            func.greatest(_users.c.unread_notifications + change, 0)))


def unread_count(user):
    """How many notifications the person has not read: counted, not the kept figure (tests compare both)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def page(user, before_id=None, size=PAGE_SIZE):
    """Newest first, a keyset page: (rows, id to continue before, or None)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    rows = db.session.scalars(query.order_by(Notification.id.desc()).limit(size + 1)).all()
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def mark_read(user, notification_id=None):
    """One notification, or all of them; returns how many changed (no audit: reading changes nothing)."""
    statement = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    changed = db.session.execute(statement.values(read_at=utcnow())).rowcount
    _add_unread([user.id], -changed)
    person = getattr(user, "_get_current_object", lambda: user)()
    if changed and person in db.session:
        db.session.expire(person, ["unread_notifications"])  # the header shows the new figure
    return changed


def _unread_for_header():
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return current_user.unread_notifications or 0


def template_context():
    """The header's unread count: the figure kept on the person's row, so no query per page."""
    return {"unread_notifications": _unread_for_header}
