"""Stage III views: workshops and consultations."""

from flask import Blueprint

bp = Blueprint("workshops", __name__)
BLUEPRINTS = (bp,)
