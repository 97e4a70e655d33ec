"""A person's notifications: the list, newest first, and marking them read."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from pbflow.core import notifications
from pbflow.core.models import Notification
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import signed_in
from pbflow.core.web.urls import database_id, safe_next
from pbflow.extensions import db

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _own(notification_id):
    notification = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.user_id == current_user.id))
    if notification is None:
        abort(404)
    return notification


@bp.route("/")
@signed_in
def index():
    rows, older = notifications.page(current_user, database_id(request.args.get("before")))
    return render("notifications/index.html", items=rows, older=older, text_of=notifications.text_of,
                  first_page=request.args.get("before") is None)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@signed_in
def mark_read(notification_id):
    notification = _own(notification_id)
    notifications.mark_read(current_user, notification.id)
    db.session.commit()
    if is_htmx_request():
        db.session.refresh(notification)
        return render("notifications/_item_swap.html", item=notification, text_of=notifications.text_of)
    return see_other(url_for(".index", _anchor=f"notification-{notification.id}"))


@bp.route("/read", methods=["POST"])
@signed_in
def mark_all_read():
    changed = notifications.mark_read(current_user)
    db.session.commit()
    if changed:
        flash(_("All your notifications are marked as read."), "success")
    return see_other(url_for(".index"))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@signed_in
def follow(notification_id):
    """Follow a notification's link; it counts as read. A POST (the item is a button), as every change is:
    a GET that marks read could be sent by another site, and on SQLite it would write in a read transaction."""
    notification = _own(notification_id)
    if notification.read_at is None:
        notifications.mark_read(current_user, notification.id)
        db.session.commit()
    return redirect(safe_next(notification.url) or url_for(".index"), code=303)
