"""Stage III views: answers."""

from flask import Blueprint

bp = Blueprint("answers", __name__)
