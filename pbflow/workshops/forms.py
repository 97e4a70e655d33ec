"""Forms of workshops and consultations. Labels are lazy; people type Kraków time, details() gives naive UTC."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import (
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from pbflow.ambassadors.forms import optional_id
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.meetings.forms.schedule import CHOOSE_FROM_LIST, _Date, _Time, to_utc, to_warsaw
from pbflow.workshops import consultations, workshops
from pbflow.workshops.models import ONLINE_URL_MAX, PLACE_MAX, WORKSHOP_TEXT_MAX


def web_address(_form, field):
    """Only http and https links with a host (no javascript:, no typos like "www" alone)."""
    if not field.data:
        return
    parts = urlsplit(field.data)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in field.data:
        raise ValidationError(_l("Enter a full web address starting with https://"))


def _place():
    return StringField(_l("Place"), filters=[strip],
                       description=_l("Address and room, for example: “ul. Wielicka 28A, room 12”."),
                       validators=[at_most(PLACE_MAX)], render_kw={"maxlength": PLACE_MAX})


def _online_url():
    return StringField(_l("Online link"), filters=[strip],
                       description=_l("Optional for a meeting in person; for example a video call link."),
                       validators=[at_most(ONLINE_URL_MAX), web_address],
                       render_kw={"maxlength": ONLINE_URL_MAX, "inputmode": "url"})


class _PlaceOrLink:
    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.place.data and not self.online_url.data and not self.place.errors:
            self.place.errors = [*self.place.errors, _l("Give a place, an online link, or both.")]
            valid = False
        return valid

    def show_refusal(self, error):
        name = self.SERVICE_FIELDS.get(error.field)
        if name is None:
            return False
        self[name].errors = [*self[name].errors, str(error)]
        return True


class WorkshopForm(_PlaceOrLink, Form):
    theme = StringField(_l("Theme"), filters=[strip],
                        description=_l("For example: “Playgrounds: safety rules and costs”."),
                        validators=[DataRequired(_l("Give the workshop a theme.")), at_most(workshops.THEME_MAX)],
                        render_kw={"maxlength": workshops.THEME_MAX})
    description = TextAreaField(_l("Description"), filters=[strip],
                                description=_l("Optional. Markdown: a list with “1.” or “-”."),
                                validators=[at_most(WORKSHOP_TEXT_MAX)], render_kw={"rows": 5})
    units = SelectMultipleField(_l("Units taking part"), coerce=int,
                                widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput(), invalid_value_message=CHOOSE_FROM_LIST,
                                invalid_choice_message=CHOOSE_FROM_LIST,
                                validators=[DataRequired(_l("Choose at least one unit taking part."))])
    start_date = _Date(_l("Day"), validators=[InputRequired(_l("Enter the day of the workshop."))])
    start_time = _Time(_l("Starts at"), validators=[InputRequired(_l("Enter when the workshop starts."))])
    end_time = _Time(_l("Ends at"), validators=[InputRequired(_l("Enter when the workshop ends."))])
    place = _place()
    online_url = _online_url()
    capacity = IntegerField(
        _l("Number of places"), description=_l("How many authors can come."),
        validators=[InputRequired(_l("Give the number of places.")),
                    NumberRange(min=1, max=workshops.CAPACITY_MAX, message=_l("Give a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": workshops.CAPACITY_MAX})

    SERVICE_FIELDS = {"theme": "theme", "units": "units", "starts_at": "start_date", "ends_at": "end_time",
                      "place": "place", "capacity": "capacity"}

    def set_choices(self, units):
        self.units.choices = [(u.id, u.name) for u in units]

    def fill(self, workshop, unit_ids):
        starts, ends = to_warsaw(workshop.starts_at), to_warsaw(workshop.ends_at)
        for name in ("theme", "description", "place", "online_url", "capacity"):
            self[name].data = getattr(workshop, name)
        self.units.data = list(unit_ids)
        self.start_date.data, self.start_time.data = starts.date(), starts.time().replace(tzinfo=None)
        self.end_time.data = ends.time().replace(tzinfo=None)

    def details(self):
        return workshops.WorkshopDetails(
            theme=self.theme.data, description=self.description.data or "", unit_ids=list(self.units.data or []),
            starts_at=to_utc(self.start_date.data, self.start_time.data),
            ends_at=to_utc(self.start_date.data, self.end_time.data),
            place=self.place.data or None, online_url=self.online_url.data or None, capacity=self.capacity.data)


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           description=_l("The other people are told this in a notification and an e-mail."),
                           validators=[DataRequired(_l("Give a reason.")), at_most(workshops.REASON_MAX)],
                           render_kw={"rows": 3})


class ButtonForm(Form):
    """A button that changes something: only the CSRF token."""


class InviteForm(Form):
    proposal = IntegerField(_l("Proposal"), validators=[InputRequired(_l("Choose a proposal."))])


class ConclusionsForm(Form):
    conclusions = TextAreaField(_l("Conclusions"), filters=[strip], description=_l("Markdown."),
                                validators=[at_most(WORKSHOP_TEXT_MAX)], render_kw={"rows": 5})


class SlotForm(_PlaceOrLink, Form):
    unit = SelectField(_l("Unit"), coerce=optional_id, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST, validators=[DataRequired(_l("Choose the unit."))])
    day = _Date(_l("Day"), validators=[InputRequired(_l("Enter the day."))])
    start_time = _Time(_l("Starts at"), validators=[InputRequired(_l("Enter when the consultation starts."))])
    minutes = IntegerField(
        _l("Length in minutes"), default=30,
        validators=[InputRequired(_l("Give the length in minutes.")),
                    NumberRange(min=consultations.MIN_MINUTES, max=consultations.MAX_MINUTES,
                                message=_l("Give a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric", "min": consultations.MIN_MINUTES, "max": consultations.MAX_MINUTES})
    repeat = IntegerField(
        _l("How many consultations, back to back"), default=1,
        description=_l("1 for one consultation; 4 publishes four in a row, each of the length above."),
        validators=[Optional(), NumberRange(min=1, max=consultations.MAX_REPEAT,
                                            message=_l("Give a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": consultations.MAX_REPEAT})
    place = _place()
    online_url = _online_url()

    SERVICE_FIELDS = {"unit": "unit", "starts_at": "start_time", "minutes": "minutes", "repeat": "repeat",
                      "place": "place"}

    def set_choices(self, units):
        self.unit.choices = [("", _l("Choose the unit"))] + [(str(u.id), u.name) for u in units]

    def details(self):
        return consultations.SlotDetails(
            unit_id=self.unit.data, starts_at=to_utc(self.day.data, self.start_time.data), minutes=self.minutes.data,
            place=self.place.data or None, online_url=self.online_url.data or None, repeat=self.repeat.data or 1)


class BookingForm(Form):
    proposal = SelectField(_l("Your proposal"), coerce=optional_id, invalid_value_message=CHOOSE_FROM_LIST,
                           invalid_choice_message=CHOOSE_FROM_LIST,
                           validators=[DataRequired(_l("Choose the proposal the consultation is about."))])
    question = TextAreaField(_l("Your question"), filters=[strip],
                             description=_l("What would you like to ask the expert? They read it before you meet."),
                             validators=[DataRequired(_l("Write your question, so the expert can prepare.")),
                                         at_most(consultations.QUESTION_MAX)],
                             render_kw={"rows": 5, "maxlength": consultations.QUESTION_MAX})

    def set_choices(self, proposals):
        self.proposal.choices = [("", _l("Choose the proposal"))] + [
            (str(p.id), p.title or _l("Untitled proposal")) for p in proposals]


class SlotFilterForm(Form):
    class Meta:
        csrf = False

    unit = SelectField(_l("Unit"), coerce=optional_id, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST)

    def set_choices(self, units):
        self.unit.choices = [("", _l("All units"))] + [(str(u.id), u.name) for u in units]
