"""Stage III views: units."""

from flask import Blueprint

bp = Blueprint("units", __name__)
