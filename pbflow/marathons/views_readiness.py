"""Stage IV views: readiness."""

from flask import Blueprint

bp = Blueprint("readiness", __name__)
