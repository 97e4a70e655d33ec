"""Forms of the online discussion: a comment or reply, an idea, a moderator's reason. Labels are lazy."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.meetings.models import IDEA_TEXT_MAX, IDEA_TITLE_MAX

BODY_MAX = 5000
REASON_MAX = 500
MARKDOWN_HINT = _l("You can use Markdown: **bold**, lists, [links](https://…).")


class CommentForm(Form):
    """A new thread or a reply."""

    body = TextAreaField(_l("Your comment"), description=MARKDOWN_HINT, filters=[strip],
                         validators=[DataRequired(_l("Write your comment first.")), at_most(BODY_MAX)],
                         render_kw={"rows": 4, "maxlength": BODY_MAX})


class IdeaForm(Form):
    title = StringField(_l("Your idea in a few words"), filters=[strip],
                        validators=[DataRequired(_l("Give your idea a title.")), at_most(IDEA_TITLE_MAX)],
                        render_kw={"maxlength": IDEA_TITLE_MAX})
    description = TextAreaField(
        _l("Description"), filters=[strip], validators=[Optional(), at_most(IDEA_TEXT_MAX)],
        description=_l("What should change, where, and who would benefit. You can use Markdown."),
        render_kw={"rows": 5, "maxlength": IDEA_TEXT_MAX})


class HideForm(Form):
    reason = TextAreaField(
        _l("Why you hide it"), filters=[strip],
        description=_l("Residents see only that the moderator hid the post; coordinators see this reason."),
        validators=[DataRequired(_l("Give the reason for hiding the post.")), at_most(REASON_MAX)],
        render_kw={"rows": 2, "maxlength": REASON_MAX})


KINDS = {"comment": CommentForm, "idea": IdeaForm, "hide": HideForm}


class FormsOnPage:
    """Hands each place on the page its form: a fresh one, or the one that just failed with its input.

    The `key` is the form's prefix and the id of the box it lives in ("reply-12", "hide-comment-7"),
    so the many forms of one page never share a field id."""

    def __init__(self, failed_key=None, failed_form=None, error=None):
        self.failed_key, self.failed_form, self.error_text = failed_key, failed_form, error

    def __call__(self, kind, key, label=None):
        if key == self.failed_key and self.failed_form is not None:
            form = self.failed_form
        else:
            form = KINDS[kind](formdata=None, prefix=key)
        if label is not None and kind == "comment":
            form.body.label.text = label
        return form

    def error(self, key):
        return self.error_text if key == self.failed_key else None

    def is_open(self, key):
        """A box folded away (a reply, a reason) opens when its form came back with a problem."""
        return key == self.failed_key
