"""Forms for inviting co-authors and choosing who sees a draft. Labels are lazy so they follow the language."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice

from pbflow.accounts.forms import email_field
from pbflow.core.forms import Form
from pbflow.proposals.models import DraftVisibility


class InviteForm(Form):
    email = email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email.label.text = _l("E-mail address of the person you invite")
        self.email.description = _l("They get a link to accept or decline. Only after accepting are they named "
                                    "as a co-author and can edit the proposal.")
        self.email.render_kw = {**self.email.render_kw, "autocomplete": "off"}


class VisibilityForm(Form):
    draft_visibility = RadioField(
        _l("Who sees the proposal before it is public"),
        choices=[SelectChoice(v.value, v.title) for v in DraftVisibility],
        invalid_choice_message=_l("Choose one of the options."))
