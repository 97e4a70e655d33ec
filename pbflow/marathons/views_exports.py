"""Stage IV views: exports."""

from flask import Blueprint

bp = Blueprint("exports", __name__)
