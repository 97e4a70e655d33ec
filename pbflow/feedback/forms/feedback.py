"""Forms of the expert's workspace: the feedback (one fieldset per criterion), a snippet, an internal note.

The feedback form has as many fieldsets as the edition has criteria, so it is not a WTForms class:
FeedbackFormState keeps what was typed (or what is stored) and the errors by key, and the template
prints it. The CSRF token is checked for every POST by CSRFProtect."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.core.money import plain_pln
from pbflow.feedback.models import FEEDBACK_TEXT_MAX, SNIPPET_TITLE_MAX
from pbflow.feedback.reviews import TEXT_FIELDS, point_key

MARKDOWN_HINT = _l("You can use Markdown: **bold**, lists, [links](https://…).")
ACTIONS = ("save", "publish", "insert")


def keys_of(points):
    """Every key the feedback form sends, in the order of the page."""
    keys = []
    for point in points:
        keys += [point_key(point.position, part) for part in ("result", "correctable", "note")]
    return keys + ["cost_assessment", "unit_estimate", "verdict", *TEXT_FIELDS]


def text_keys_of(points):
    """The fields a snippet can be inserted into."""
    return [point_key(p.position, "note") for p in points] + list(TEXT_FIELDS)


def stored_values(feedback):
    """The stored feedback as the strings the form shows (an empty dict before the first save)."""
    if feedback is None:
        return {}
    values = {"cost_assessment": feedback.cost_assessment or "", "verdict": feedback.verdict or "",
              "verdict_reason": feedback.verdict_reason or "", "suggestions": feedback.suggestions or "",
              "unit_estimate": plain_pln(feedback.unit_estimate)}
    for point in feedback.points:
        values[point_key(point.position, "result")] = point.result or ""
        values[point_key(point.position, "correctable")] = {True: "yes", False: "no"}.get(point.correctable, "")
        values[point_key(point.position, "note")] = point.note or ""
    return values


def posted_values(formdata, points):
    """The feedback's keys that were posted (a radio left unchosen is simply missing)."""
    return {key: formdata.get(key, "") for key in keys_of(points) if key in formdata}


class FeedbackFormState:
    """What the feedback form shows: stored values overlaid with what was just typed, and the errors."""

    def __init__(self, feedback, points, typed=None, errors=None):
        self.feedback, self.points = feedback, points
        self.values = {**stored_values(feedback), **(typed or {})}
        self.errors = errors or {}

    def value(self, key):
        return self.values.get(key) or ""

    def checked(self, key, option):
        return self.value(key) == option

    def error(self, key):
        return self.errors.get(key)

    def failing(self, position):
        return self.value(point_key(position, "result")) in ("needs_change", "does_not_meet")

    def error_list(self):
        """[(key, message)] in the order of the page, for the summary at the top."""
        order = keys_of(self.points)
        return sorted(self.errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else 0)


class SnippetForm(Form):
    title = StringField(_l("Title"), filters=[strip],
                        description=_l("A few words to find it by, for example “Land of the State Treasury”."),
                        validators=[DataRequired(_l("Give the snippet a title.")), at_most(SNIPPET_TITLE_MAX)],
                        render_kw={"maxlength": SNIPPET_TITLE_MAX})
    body = TextAreaField(_l("Text"), filters=[strip], description=MARKDOWN_HINT,
                         validators=[DataRequired(_l("Write the snippet's text.")), at_most(FEEDBACK_TEXT_MAX)],
                         render_kw={"rows": 6, "maxlength": FEEDBACK_TEXT_MAX})


class DeleteForm(Form):
    """Only the CSRF token: a button that deletes."""


class NoteForm(Form):
    body = TextAreaField(_l("Your note"), filters=[strip], description=MARKDOWN_HINT,
                         validators=[DataRequired(_l("Write your note first.")), at_most(FEEDBACK_TEXT_MAX)],
                         render_kw={"rows": 3, "maxlength": FEEDBACK_TEXT_MAX})


class ReplyForm(NoteForm):
    body = TextAreaField(_l("Your reply"), filters=[strip], description=MARKDOWN_HINT,
                         validators=[DataRequired(_l("Write your reply first.")), at_most(FEEDBACK_TEXT_MAX)],
                         render_kw={"rows": 3, "maxlength": FEEDBACK_TEXT_MAX})
