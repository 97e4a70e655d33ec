"""Forms of signing up and of the meeting day: attendance, walk-ins, needs, ideas, minutes. Labels are lazy."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.meetings.models import IDEA_TEXT_MAX, IDEA_TITLE_MAX

NEED_MAX = 300
WALK_IN_NAME_MAX = 120
WALK_IN_COUNT_MAX = 10_000
RAISED_BY_MAX = 300
MINUTES_MAX = 50_000


class SignupForm(Form):
    plus_one = BooleanField(_l("I am bringing one more person (two places)"))


class ButtonForm(Form):
    """Only the CSRF token: cancel, mark held, reopen, remove, move."""


class WalkInForm(Form):
    name = StringField(_l("Name of someone who came without signing up"), filters=[strip],
                       validators=[DataRequired(_l("Write the person's name.")), at_most(WALK_IN_NAME_MAX)],
                       render_kw={"maxlength": WALK_IN_NAME_MAX, "autocomplete": "off"})


class WalkInCountForm(Form):
    walk_in_count = IntegerField(
        _l("People who came without signing up and gave no name"),
        validators=[InputRequired(_l("Give a number (0 if nobody).")),
                    NumberRange(min=0, max=WALK_IN_COUNT_MAX, message=_l("Give a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": WALK_IN_COUNT_MAX})


class NeedForm(Form):
    text = StringField(_l("A local need"), filters=[strip],
                       description=_l("A short item, e.g. “no safe crossing by the school”."),
                       validators=[DataRequired(_l("Write the need.")), at_most(NEED_MAX)],
                       render_kw={"maxlength": NEED_MAX, "autocomplete": "off"})


class IdeaForm(Form):
    title = StringField(_l("The idea in a few words"), filters=[strip],
                        validators=[DataRequired(_l("Give the idea a title.")), at_most(IDEA_TITLE_MAX)],
                        render_kw={"maxlength": IDEA_TITLE_MAX})
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), at_most(IDEA_TEXT_MAX)],
        description=_l("What should change, where, and who would benefit. You can use Markdown."),
        render_kw={"rows": 4, "maxlength": IDEA_TEXT_MAX})
    raised_by_names = StringField(
        _l("Raised by (people not on the list)"), filters=[strip], validators=[Optional(), at_most(RAISED_BY_MAX)],
        description=_l("Names of those who raised it and did not sign up, separated by commas."),
        render_kw={"maxlength": RAISED_BY_MAX, "autocomplete": "off"})


class MinutesForm(Form):
    minutes = TextAreaField(
        _l("Minutes"), filters=[strip], validators=[Optional(), at_most(MINUTES_MAX)],
        description=_l("What was said and agreed. You can use Markdown: **bold**, lists, headings."),
        render_kw={"rows": 10, "maxlength": MINUTES_MAX})


class DraftForm(Form):
    """Turning an idea into a draft; the people to invite are checkboxes named `invite`."""
