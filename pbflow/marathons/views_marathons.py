"""Stage IV views: marathons."""

from flask import Blueprint

bp = Blueprint("marathons", __name__)
