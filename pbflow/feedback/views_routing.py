"""Stage III views: routing."""

from flask import Blueprint

bp = Blueprint("routing", __name__)
