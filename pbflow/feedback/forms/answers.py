"""The small form under a feedback point: what kind of answer, which version, and the text."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional

from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.feedback.answers import NEEDS_TEXT
from pbflow.feedback.models import FEEDBACK_TEXT_MAX, AnswerKind

KIND_LABELS = {
    AnswerKind.CHANGED: _l("Changed: a newer version makes this change"),
    AnswerKind.NOT_CHANGED: _l("Not changed: I explain why"),
    AnswerKind.QUESTION: _l("A question to the experts"),
    AnswerKind.REPLY: _l("Reply as an expert of the unit"),
}


def _version(value):
    """The chosen version number, or None when nothing (or not a number) was chosen."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class AnswerForm(Form):
    # Choices are checked in validate(): a kind this person may not post is the service's 403, not a 422.
    kind = RadioField(_l("Your answer"), validate_choice=False,
                      validators=[DataRequired(_l("Choose what kind of answer this is."))])
    version = SelectField(_l("The version that makes the change"), coerce=_version, validate_choice=False,
                          validators=[Optional()],
                          description=_l("Only versions saved after the one the experts read can be chosen."))
    body = TextAreaField(_l("Your text"), filters=[strip], validators=[at_most(FEEDBACK_TEXT_MAX)],
                         description=_l("Required when you did not change it, ask a question or reply. "
                                        "You can use Markdown: **bold**, lists, [links](https://…)."),
                         render_kw={"rows": 3, "maxlength": FEEDBACK_TEXT_MAX})

    def __init__(self, *args, kinds=(), versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = list(versions)
        self.kind.choices = [(kind.value, KIND_LABELS[kind]) for kind in kinds]
        self.version.choices = [("", _l("Choose a version"))] + [
            (number, _l("Version %(number)d", number=number)) for number in versions]
        if len(kinds) == 1 and self.kind.data is None:
            self.kind.data = kinds[0].value

    @property
    def only_reply(self):
        return [value for value, _label in self.kind.choices] == [AnswerKind.REPLY.value]

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if self.kind.data not in {kind.value for kind in AnswerKind}:
            self.kind.errors.append(_l("Choose what kind of answer this is."))
            return False
        kind = AnswerKind(self.kind.data)
        if kind is AnswerKind.CHANGED and self.version.data is None:
            self.version.errors.append(_l("Choose the version that makes the change."))
            return False
        if kind is AnswerKind.CHANGED and self.version.data not in self.versions:
            self.version.errors.append(_l("Choose one of the versions saved after the experts read the proposal."))
            return False
        if kind in NEEDS_TEXT and not self.body.data:
            self.body.errors.append(_l("Write your answer first.") if kind is not AnswerKind.QUESTION
                                    else _l("Write your question first."))
            return False
        return True
