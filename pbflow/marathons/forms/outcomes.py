"""The form a coordinator records the city's decision about a submitted proposal with, and the list filter."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.marathons.models import REASON_MAX, Outcome

CHOOSE_FROM_LIST = _l("Choose from the list.")


class OutcomeForm(Form):
    """One per row of the list: the prefix (outcome-<proposal id>) keeps the fields' ids apart."""

    outcome = SelectField(_l("Decision"), validators=[InputRequired(_l("Choose the decision."))],
                          choices=[SelectChoice("", _l("Choose…"))] + [SelectChoice(o.value, o.title) for o in Outcome],
                          invalid_choice_message=CHOOSE_FROM_LIST, invalid_value_message=CHOOSE_FROM_LIST)
    reason = TextAreaField(_l("Reason"), filters=[strip], validators=[at_most(REASON_MAX)],
                           description=_l("Needed for a negative verification; the authors read it."),
                           render_kw={"maxlength": REASON_MAX, "rows": 2})

    def validate_outcome(self, field):
        if not field.data:
            raise ValidationError(_l("Choose the decision."))

    def validate_reason(self, field):
        if self.outcome.data == Outcome.VERIFIED_NEGATIVE.value and not field.data:
            raise ValidationError(_l("Give the reason for the negative verification: the authors will read it."))


def outcome_form(proposal_id, row=None, formdata=None):
    """A row's form: filled with the recorded decision, or with what the coordinator just sent."""
    prefix = f"outcome-{proposal_id}"
    if formdata is not None:
        return OutcomeForm(formdata=formdata, prefix=prefix)
    return OutcomeForm(formdata=None, prefix=prefix, outcome=getattr(row, "outcome", None) or "",
                       reason=getattr(row, "outcome_reason", "") or "")


class SubmittedFilterForm(Form):
    """Which submissions the list shows: an edition, and all districts, the city-wide ones, or one district."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    edition = SelectField(_l("Edition"), coerce=str, default="", validate_choice=False)
    district = SelectField(_l("District"), coerce=str, default="", invalid_choice_message=CHOOSE_FROM_LIST,
                           invalid_value_message=CHOOSE_FROM_LIST)

    def set_choices(self, editions, districts):
        self.edition.choices = [SelectChoice(str(e.id), e.name) for e in editions]
        self.district.choices = ([SelectChoice("", _l("All districts and city-wide")),
                                  SelectChoice("citywide", _l("City-wide projects"))]
                                 + [SelectChoice(str(d.id), d.label) for d in districts])
