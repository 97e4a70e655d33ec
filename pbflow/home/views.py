"""The home page: the current edition's timeline, the districts and the verifying units."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from pbflow.core.web.htmx import render
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import public
from pbflow.editions import services as editions
from pbflow.extensions import db
from pbflow.feedback.models import VerifyingUnit

bp = Blueprint("home", __name__)
nav_item("home.index", _l("Home"), 0)


@bp.route("/")
@public
def index():
    edition = editions.current_edition()
    units = db.session.scalars(select(VerifyingUnit).order_by(VerifyingUnit.name)).all()
    return render("home/index.html", edition=edition, timeline=editions.timeline(edition) if edition else None,
                  districts=editions.districts(), units=units)
