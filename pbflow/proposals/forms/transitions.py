"""Forms for the transitions that need input: withdrawing, recording the submission, merging."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SearchField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from pbflow.accounts.forms import strip
from pbflow.core.forms import Form
from pbflow.proposals.transitions import PLATFORM_REFERENCE_MAX

WITHDRAW_REASON_MAX = 500
SEARCH_MAX = 200


class WithdrawForm(Form):
    reason = TextAreaField(
        _l("Why is it withdrawn? (optional)"), filters=[strip],
        description=_l("It is shown in the proposal's history of the status."),
        validators=[Optional(), Length(max=WITHDRAW_REASON_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 3, "maxlength": WITHDRAW_REASON_MAX})
    confirm = BooleanField(
        _l("I understand that a withdrawn proposal goes no further and cannot be brought back."),
        validators=[DataRequired(_l("Confirm that you want to withdraw the proposal."))])

    def arguments(self):
        return {"reason": self.reason.data or ""}


class SubmitForm(Form):
    platform_reference = StringField(
        _l("Reference number on the official platform"), filters=[strip],
        description=_l("The number the city's platform gave the proposal when it was entered, e.g. WPD-2026-0123."),
        validators=[DataRequired(_l("Enter the reference number the official platform gave the proposal.")),
                    Length(max=PLATFORM_REFERENCE_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"maxlength": PLATFORM_REFERENCE_MAX, "autocomplete": "off"})

    def arguments(self):
        return {"platform_reference": self.platform_reference.data or ""}


class MergeForm(Form):
    """The surviving proposal is chosen from a search of the edition's live proposals (radio buttons named into)."""

    into = IntegerField(
        _l("The proposal that carries on"),
        validators=[InputRequired(_l("Choose the proposal that carries on.")),
                    NumberRange(min=1, message=_l("Choose the proposal that carries on."))])

    def arguments(self, into=None):
        return {"into": into}


class MergeSearchForm(Form):
    class Meta:
        csrf = False  # a GET search

    q = SearchField(_l("Find the proposal by its number or words of its title"), filters=[strip],
                    validators=[Optional(), Length(max=SEARCH_MAX, message=_l("Use at most %(max)d characters."))],
                    render_kw={"maxlength": SEARCH_MAX})


FORMS = {"withdraw": WithdrawForm, "submit": SubmitForm, "merge": MergeForm}
