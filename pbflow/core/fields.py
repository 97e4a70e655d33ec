"""What every form's text fields share: trimmed input and one translated length message."""

from flask_babel import lazy_gettext as _l
from wtforms.validators import Length


def strip(value):
    return value.strip() if isinstance(value, str) else value


def at_most(limit):
    return Length(max=limit, message=_l("Use at most %(max)d characters."))
