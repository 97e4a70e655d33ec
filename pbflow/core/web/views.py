"""Pages that belong to no domain: the health check a load balancer asks."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from pbflow.core.web.permissions import public
from pbflow.extensions import db, limiter

bp = Blueprint("core", __name__)


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
