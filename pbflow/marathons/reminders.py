"""The reminder e-mail a day before a marathon time, sent by cron (`flask send-marathon-reminders`).

As for meetings (pbflow/meetings/reminders.py): each active booking is reminded at most once, even when
two runs overlap: a run claims a booking with one conditional UPDATE (`reminded_at IS NULL`) and mails
only the ones it claimed; claims are committed before the mails go out. A moved booking is reminded
again for its new time (moving clears reminded_at). The authors of the proposal get the reminder.
"""

from contextlib import nullcontext
from datetime import timedelta

import click
from flask import current_app, has_request_context, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.i18n import local_datetime
from pbflow.core.mail import send_mail
from pbflow.core.web.urls import external_url
from pbflow.extensions import db
from pbflow.marathons import bookings
from pbflow.marathons.models import (
    BookingStatus,
    Marathon,
    MarathonBooking,
    MarathonSlot,
    MarathonStatus,
)

AHEAD = timedelta(hours=24)
BATCH = 100


def due(now, limit=BATCH):
    """Ids of active bookings at planned marathons whose time starts within AHEAD, not reminded yet."""
    return db.session.scalars(
        select(MarathonBooking.id)
        .join(MarathonSlot, MarathonSlot.id == MarathonBooking.slot_id)
        .join(Marathon, Marathon.id == MarathonBooking.marathon_id)
        .where(MarathonBooking.status == BookingStatus.ACTIVE.value, MarathonBooking.reminded_at.is_(None),
               Marathon.status == MarathonStatus.PLANNED.value,
               MarathonSlot.starts_at > now, MarathonSlot.starts_at <= now + AHEAD)
        .order_by(MarathonSlot.starts_at, MarathonBooking.id).limit(limit)).all()


def claim(booking_id, now):
    """True when this run is the one that reminds this booking."""
    return db.session.execute(
        update(MarathonBooking).where(MarathonBooking.id == booking_id, MarathonBooking.reminded_at.is_(None),
                                      MarathonBooking.status == BookingStatus.ACTIVE.value)
        .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount == 1


def send_reminders(now=None):
    """Remind every booking due; the number of e-mails sent."""
    now = now or utcnow()
    urls = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["BASE_URL"])
    sent = 0
    with urls:
        while True:
            candidates = due(now)
            if not candidates:
                return sent
            claimed = [booking_id for booking_id in candidates if claim(booking_id, now)]
            db.session.commit()
            for booking_id in claimed:
                sent += _remind(booking_id)
            db.session.commit()


def _remind(booking_id):
    booking = db.session.get(MarathonBooking, booking_id)
    slot = db.session.get(MarathonSlot, booking.slot_id)
    marathon = db.session.get(Marathon, booking.marathon_id)
    title, authors = bookings.authors_of(booking.proposal_id)
    url = external_url("marathons.show", marathon_id=marathon.id)
    ics_url = external_url("marathons.booking_ics", booking_id=booking.id)
    sent = 0
    for person in authors:
        if person.is_deleted or not person.email:
            continue
        with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("Reminder: the submission marathon, %(when)s", when=local_datetime(slot.starts_at, "short"))
            body = render_template("marathons/mail/booking_reminder.txt", person=person, marathon=marathon,
                                   slot=slot, proposal_title=title, place=bookings.place_text(marathon), url=url,
                                   ics_url=ics_url)
        send_mail(person.email, subject, body)
        sent += 1
    audit.record(None, "marathon.reminder_sent", booking, recipients=sent)
    return sent


@click.command("send-marathon-reminders")
@with_appcontext
def command():
    """Remind the authors with a place at a marathon time starting within 24 hours (cron runs this hourly)."""
    click.echo(f"Sent {send_reminders()} marathon reminders.")
