"""Pages that belong to no single stage: home, privacy notice, language, health."""

from flask import Blueprint, current_app, jsonify, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from pbflow.accounts import services as accounts
from pbflow.core.htmx import render, see_other
from pbflow.core.navigation import nav_item
from pbflow.core.permissions import public
from pbflow.core.urls import safe_next
from pbflow.editions import services as editions
from pbflow.extensions import db, limiter
from pbflow.feedback.models import VerifyingUnit

bp = Blueprint("core", __name__)
nav_item("core.home", _l("Home"), 0)


@bp.route("/")
@public
def home():
    edition = editions.current_edition()
    units = db.session.scalars(select(VerifyingUnit).order_by(VerifyingUnit.name)).all()
    return render("core/home.html", edition=edition, timeline=editions.timeline(edition) if edition else None,
                  districts=editions.districts(), units=units)


@bp.route("/privacy")
@public
def privacy():
    return render("core/privacy.html", version=accounts.PRIVACY_NOTICE_VERSION)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the language: in the session for visitors, in the profile for users."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_locale(current_user, locale)
            db.session.commit()
    return see_other(safe_next(request.form.get("next")) or url_for("core.home"))


@bp.route("/healthz")
@public
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", app="up", database="down"), 503
    return jsonify(status="ok", app="up", database="up")
