"""Stage III views: feedback."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)
