"""Forms at the helper's desk: recording a submission, a walk-in, and a coordinator undoing a record.

People type Kraków time; `RecordForm.submitted_at()` gives the naive UTC the database keeps."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from pbflow.ambassadors.forms import optional_id
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.marathons.models import REASON_MAX, REFERENCE_MAX
from pbflow.meetings.forms.schedule import CHOOSE_FROM_LIST, _Date, _Time, to_utc

SEARCH_MAX = 200


class RecordForm(Form):
    reference = StringField(_l("Reference number on the official platform"), filters=[strip],
                            validators=[DataRequired(_l("Enter the reference number the official platform gave "
                                                        "the proposal.")), at_most(REFERENCE_MAX)],
                            render_kw={"maxlength": REFERENCE_MAX, "autocomplete": "off", "spellcheck": "false"})
    submitted_by = SelectField(_l("Who submitted it"), coerce=optional_id, invalid_choice_message=CHOOSE_FROM_LIST,
                               validators=[DataRequired(_l("Choose the author who submitted it."))],
                               description=_l("The author whose account on the official platform was used."))
    day = _Date(_l("Submitted on (day)"), validators=[InputRequired(_l("Enter the day of submission."))])
    moment = _Time(_l("Submitted at (Kraków time)"),
                   validators=[InputRequired(_l("Enter the time of submission."))])

    def set_choices(self, authors):
        self.submitted_by.choices = [(None, _l("Choose…"))] + [(person.id, person.display_name) for person in authors]

    def submitted_at(self):
        return to_utc(self.day.data, self.moment.data)


class UndoForm(Form):
    reason = TextAreaField(_l("Why the record is wrong"), filters=[strip],
                           validators=[DataRequired(_l("Say why the record of the submission is wrong.")),
                                       at_most(REASON_MAX)],
                           description=_l("The authors are told, and the reason stays in the history."),
                           render_kw={"rows": 3, "maxlength": REASON_MAX})


class WalkInSearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Proposal number or words of the title"), filters=[strip], validators=[at_most(SEARCH_MAX)],
                    render_kw={"maxlength": SEARCH_MAX, "type": "search"})


class WalkInForm(Form):
    proposal = StringField(_l("Proposal number"), filters=[strip],
                           validators=[DataRequired(_l("Enter the number of the proposal.")), at_most(12)],
                           render_kw={"inputmode": "numeric", "maxlength": 12})
    slot = SelectField(_l("Time"), coerce=optional_id, invalid_choice_message=CHOOSE_FROM_LIST,
                       validators=[DataRequired(_l("Choose a time with a free seat."))])

    def set_choices(self, slots, label):
        self.slot.choices = [(None, _l("Choose…"))] + [(s.id, label(s)) for s in slots]
