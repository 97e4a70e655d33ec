"""Forms of routing: units and a due date, cancelling, a new due date, and the inbox and board filters."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from pbflow.ambassadors.forms import district_choices, optional_id
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.core.web.urls import database_id
from pbflow.editions.forms import LocalDateField
from pbflow.feedback import inbox
from pbflow.feedback.routing import REASON_MAX

CHOOSE_FROM_LIST = _l("Choose from the list.")


class UnitsField(SelectMultipleField):
    """Checkboxes, one per unit; ids the list does not know are left to the service to refuse."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        self.data, self.bad = [], []
        for value in valuelist:
            number = database_id(value)
            if number is None:
                self.bad.append(value)
            else:
                self.data.append(number)

    def pre_validate(self, form):
        if getattr(self, "bad", None):
            raise ValidationError(_l("One of the units chosen does not exist any more. Choose again."))
        if not self.data:
            raise ValidationError(_l("Tick at least one unit."))


def _due_field():
    return LocalDateField(_l("Feedback due on"), validators=[InputRequired(_l("Enter the date the feedback is due."))],
                          description=_l("Type a date like 15.03.2026 if your browser shows no calendar."))


class RouteForm(Form):
    units = UnitsField(_l("Units"), coerce=int, validate_choice=False)
    due_on = _due_field()

    def set_choices(self, units):
        self.units.choices = [(unit.id, unit.name) for unit in units]


class DueForm(Form):
    due_on = _due_field()


class CancelRoutingForm(Form):
    reason = TextAreaField(_l("Why is the unit taken off the proposal?"), filters=[strip],
                           description=_l("The unit's experts and the coordinators see this reason."),
                           validators=[DataRequired(_l("Say why the unit is taken off the proposal.")),
                                       at_most(REASON_MAX)],
                           render_kw={"maxlength": REASON_MAX, "rows": 3})


def _select(label, coerce=str, **kwargs):
    return SelectField(label, coerce=coerce, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST, **kwargs)


class _Filters(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    edition = _select(_l("Edition"), coerce=optional_id, validate_choice=False)  # empty: the current one
    district = _select(_l("District"), coerce=optional_id)
    overdue = BooleanField(_l("Overdue only"))

    def set_choices(self, editions, districts):
        self.edition.choices = [SelectChoice(str(e.id), e.name) for e in editions]
        self.district.choices = district_choices(districts, _l("All districts"))

    def validate_edition(self, field):
        if field.data is not None and str(field.data) not in {choice.value for choice in field.choices}:
            raise ValidationError(CHOOSE_FROM_LIST)

    def url_args(self):
        args = {name: field.data for name, field in self._fields.items()
                if field.data not in (None, "", False)}
        if args.get("overdue"):
            args["overdue"] = "1"
        return args


class InboxFilterForm(_Filters):
    status = _select(_l("Status"), default=inbox.AWAITING,
                     choices=[SelectChoice(inbox.AWAITING, _l("Awaiting feedback")),
                              SelectChoice(inbox.ANSWERED, _l("Feedback given")),
                              SelectChoice(inbox.ALL, _l("All"))])

    def filters(self, edition_id, unit_id):
        return inbox.Filters(edition_id=edition_id, unit_id=unit_id, district_id=self.district.data,
                             status=self.status.data or inbox.AWAITING, overdue=bool(self.overdue.data))


class BoardFilterForm(_Filters):
    unit = _select(_l("Unit"), coerce=optional_id)
    status = _select(_l("Status"), default=inbox.AWAITING,
                     choices=[SelectChoice(inbox.AWAITING, _l("Awaiting feedback")),
                              SelectChoice(inbox.ANSWERED, _l("Feedback given")),
                              SelectChoice(inbox.CANCELLED, _l("Routing cancelled")),
                              SelectChoice(inbox.ALL, _l("Awaiting or given"))])

    def set_units(self, units):
        self.unit.choices = [SelectChoice("", _l("All units"))] + [SelectChoice(str(u.id), u.name) for u in units]

    def filters(self, edition_id):
        return inbox.Filters(edition_id=edition_id, unit_id=self.unit.data, district_id=self.district.data,
                             status=self.status.data or inbox.AWAITING, overdue=bool(self.overdue.data))
