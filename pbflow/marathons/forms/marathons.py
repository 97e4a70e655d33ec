"""Forms of marathons, their times and helpers, and booking. Labels are lazy; people type Kraków time.

The rules that need the database or the edition (the day's range, seats already booked) are in
pbflow/marathons/marathons.py and bookings.py; their refusals are shown beside the field they name."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from pbflow.ambassadors.forms import optional_id
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.core.web.urls import DATABASE_ID_MAX
from pbflow.marathons import marathons as rules
from pbflow.marathons.models import ONLINE_URL_MAX, PLACE_MAX, REASON_MAX
from pbflow.meetings.forms.schedule import CHOOSE_FROM_LIST, _Date, _Time, to_warsaw
from pbflow.workshops.forms import web_address

NUMBER_MESSAGE = _l("Give a number from %(min)s to %(max)s.")


def _show_refusal(form, error):
    """Put a service's refusal beside its field; False when it names none of this form's fields."""
    name = form.SERVICE_FIELDS.get(error.field)
    if name is None:
        return False
    form[name].errors = [*form[name].errors, str(error)]
    return True


class MarathonForm(Form):
    title = StringField(_l("Title"), filters=[strip],
                        description=_l("For example: “Submission marathon at the City Hall”."),
                        validators=[DataRequired(_l("Give the marathon a title.")), at_most(rules.TITLE_MAX)],
                        render_kw={"maxlength": rules.TITLE_MAX})
    description = TextAreaField(_l("Description"), filters=[strip],
                                description=_l("Markdown. What to bring, how to get there, who helps."),
                                validators=[at_most(rules.DESCRIPTION_MAX)], render_kw={"rows": 6})
    day = _Date(_l("Day"), validators=[InputRequired(_l("Enter the day of the marathon."))])
    place = StringField(_l("Place"), filters=[strip],
                        description=_l("Address and room, for example: “pl. Wszystkich Świętych 3-4, room 100”."),
                        validators=[at_most(PLACE_MAX)], render_kw={"maxlength": PLACE_MAX})
    online_url = StringField(_l("Online link"), filters=[strip],
                             description=_l("Optional: a video call link for authors who cannot come."),
                             validators=[at_most(ONLINE_URL_MAX), web_address],
                             render_kw={"maxlength": ONLINE_URL_MAX, "inputmode": "url"})

    SERVICE_FIELDS = {"title": "title", "day": "day", "place": "place"}

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.place.data and not self.online_url.data and not self.place.errors:
            self.place.errors = [*self.place.errors, _l("Give a place, an online link, or both.")]
            valid = False
        return valid

    def show_refusal(self, error):
        return _show_refusal(self, error)

    def fill(self, marathon):
        self.title.data, self.description.data, self.day.data = marathon.title, marathon.description, marathon.day
        self.place.data, self.online_url.data = marathon.place or "", marathon.online_url or ""

    def details(self):
        return rules.Details(title=self.title.data, description=self.description.data or "", day=self.day.data,
                             place=self.place.data or None, online_url=self.online_url.data or None)


def _seats():
    return IntegerField(_l("Seats"), description=_l("How many proposals helpers can enter at this time."),
                        validators=[InputRequired(_l("Give the number of seats.")),
                                    NumberRange(min=rules.MIN_SEATS, max=rules.MAX_SEATS, message=NUMBER_MESSAGE)],
                        render_kw={"inputmode": "numeric", "min": rules.MIN_SEATS, "max": rules.MAX_SEATS})


class SlotForm(Form):
    starts = _Time(_l("Starts at (Kraków time)"), validators=[InputRequired(_l("Enter when the time starts."))])
    minutes = IntegerField(_l("Length in minutes"),
                           validators=[InputRequired(_l("Give the length in minutes.")),
                                       NumberRange(min=rules.MIN_MINUTES, max=rules.MAX_MINUTES,
                                                   message=NUMBER_MESSAGE)],
                           default=60, render_kw={"inputmode": "numeric", "min": rules.MIN_MINUTES,
                                                  "max": rules.MAX_MINUTES})
    seats = _seats()

    SERVICE_FIELDS = {"starts": "starts", "minutes": "minutes", "seats": "seats"}

    def show_refusal(self, error):
        return _show_refusal(self, error)


class SeatsForm(Form):
    seats = _seats()

    SERVICE_FIELDS = {"seats": "seats"}

    def show_refusal(self, error):
        return _show_refusal(self, error)


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           description=_l("The authors who booked a time are told this in a notification and an e-mail."),
                           validators=[DataRequired(_l("Give a reason.")), at_most(REASON_MAX)],
                           render_kw={"rows": 3, "maxlength": REASON_MAX})


class ButtonForm(Form):
    """A button that changes something: only the CSRF token."""


class PeopleSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), filters=[strip], validators=[at_most(100)],
                    description=_l("At least 2 letters. Anyone with an account can help, whatever their role."))


class HelperForm(Form):
    person = IntegerField(_l("Person"), validators=[InputRequired(_l("Choose a person from the search results.")),
                                                    NumberRange(1, DATABASE_ID_MAX,
                                                                _l("Choose a person from the search results."))])


class BookingForm(Form):
    slot = SelectField(_l("Time"), coerce=optional_id, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST, validators=[DataRequired(_l("Choose a time."))])
    proposal = SelectField(_l("Your proposal"), coerce=optional_id, invalid_value_message=CHOOSE_FROM_LIST,
                           invalid_choice_message=CHOOSE_FROM_LIST,
                           validators=[DataRequired(_l("Choose the proposal you will submit."))])

    SERVICE_FIELDS = {"slot": "slot", "proposal": "proposal"}

    def set_choices(self, slots, proposals):
        self.slot.choices = [("", _l("Choose a time"))] + [
            (str(slot.id), _slot_label(slot)) for slot in slots]
        self.proposal.choices = [("", _l("Choose the proposal"))] + [
            (str(p.id), p.title or _l("Untitled proposal")) for p in proposals]

    def show_refusal(self, error):
        return _show_refusal(self, error)


class MoveForm(Form):
    slot = SelectField(_l("New time"), coerce=optional_id, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST, validators=[DataRequired(_l("Choose a time."))])

    SERVICE_FIELDS = {"slot": "slot"}

    def set_choices(self, rows):
        """rows: [(slot, marathon)] with a free seat."""
        self.slot.choices = [("", _l("Choose a time"))] + [
            (str(slot.id), f"{_slot_label(slot)} · {marathon.title}") for slot, marathon in rows]

    def show_refusal(self, error):
        return _show_refusal(self, error)


def _slot_label(slot):
    free = slot.seats - slot.booked_seats
    return "{} ({})".format(to_warsaw(slot.starts_at).strftime("%d.%m.%Y %H:%M"),
                            _l("%(num)d free", num=free) if free > 0 else _l("full"))
