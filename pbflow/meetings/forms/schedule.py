"""Forms of scheduling: a meeting, cancelling it, a venue, and the calendar's filters. Labels are lazy.

People type Kraków time; `MeetingForm.details()` turns it into the naive UTC the database keeps.
The rules that need the database (the stage, the venue, confirmed places) are in services.py.
"""

from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from pbflow.ambassadors.forms import district_choices, optional_id
from pbflow.core.clock import WARSAW
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.meetings import calendar
from pbflow.meetings import services as rules
from pbflow.meetings.models import FORMAT_TITLES, VENUE_KIND_TITLES, MeetingFormat, VenueKind

CHOOSE_FROM_LIST = _l("Choose from the list.")


def _select(label, coerce=str, **kwargs):
    return SelectField(label, coerce=coerce, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST, **kwargs)


YEARS = (2000, 2100)  # dates any stage of the pathway can sensibly name


class _Date(DateField):
    """A date picker that also takes "15.03.2026"."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y"],
                         invalid_value_message=_l("Enter a date like 15.03.2026."), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([value.strip() for value in valuelist])
        if self.data is not None and not YEARS[0] <= self.data.year <= YEARS[1]:
            self.data = None  # year 1 or 9999 would overflow when turned into Kraków time
            raise ValueError(_l("Enter a date between %(first)d and %(last)d.", first=YEARS[0], last=YEARS[1]))


class _Time(TimeField):
    """A time picker that also takes "17.30"."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%H:%M", "%H.%M", "%H:%M:%S"],
                         invalid_value_message=_l("Enter a time like 17:30."), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([value.strip() for value in valuelist])


def to_utc(day, moment):
    """Kraków wall-clock time to naive UTC (what the database keeps)."""
    return datetime.combine(day, moment).replace(tzinfo=WARSAW).astimezone(UTC).replace(tzinfo=None)


def to_warsaw(stored):
    return stored.replace(tzinfo=UTC).astimezone(WARSAW)


class MeetingForm(Form):
    area = _select(_l("Area"), coerce=optional_id, validators=[DataRequired(_l("Choose the area."))])
    title = StringField(_l("Title"), filters=[strip],
                        description=_l("For example: “What does Ruczaj need? Residents' meeting”."),
                        validators=[DataRequired(_l("Give the meeting a title.")), at_most(rules.TITLE_MAX)],
                        render_kw={"maxlength": rules.TITLE_MAX})
    format = RadioField(_l("Form of the meeting"), default=MeetingFormat.IN_PERSON.value,
                        choices=[SelectChoice(f.value, FORMAT_TITLES[f]) for f in MeetingFormat],
                        validators=[InputRequired(_l("Choose in person or online discussion."))],
                        invalid_choice_message=CHOOSE_FROM_LIST)
    venue = _select(_l("Venue"), coerce=optional_id,
                    description=_l("For a meeting in person. Missing from the list? Add it on the venues page."))
    room = StringField(_l("Room or how to find it"), filters=[strip],
                       description=_l("Optional, for example: “room 12, first floor”."),
                       validators=[at_most(rules.ROOM_MAX)], render_kw={"maxlength": rules.ROOM_MAX})
    start_date = _Date(_l("Day"), validators=[InputRequired(_l("Enter the day of the meeting."))])
    start_time = _Time(_l("Starts at"), validators=[InputRequired(_l("Enter when the meeting starts."))])
    end_date = _Date(_l("Ends on (day)"), validators=[Optional()],
                     description=_l("Leave empty when it ends the same day; an online discussion may last days."))
    end_time = _Time(_l("Ends at"), validators=[InputRequired(_l("Enter when the meeting ends."))])
    capacity = IntegerField(
        _l("Number of places"),
        description=_l("How many people the room holds; a plus-one takes a place too."),
        validators=[InputRequired(_l("Give the number of places.")),
                    NumberRange(min=1, max=rules.CAPACITY_MAX, message=_l("Give a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": rules.CAPACITY_MAX})
    agenda = TextAreaField(_l("Agenda"), filters=[strip], description=_l("Markdown: a list with “1.” or “-”."),
                           validators=[at_most(rules.AGENDA_MAX)], render_kw={"rows": 6})
    what_to_bring = TextAreaField(_l("What to bring"), filters=[strip],
                                  description=_l("Optional, for example: “a map of the estate, photos of the place”."),
                                  validators=[at_most(rules.BRING_MAX)], render_kw={"rows": 3})

    # The service's field names → this form's fields, so its refusals land beside the right input.
    SERVICE_FIELDS = {"format": "format", "venue": "venue", "starts_at": "start_date", "ends_at": "end_time",
                      "capacity": "capacity", "area": "area"}

    def set_choices(self, areas, venues):
        self.area.choices = [SelectChoice("", _l("Choose the area"))] + [
            SelectChoice(str(a.id), a.name, optgroup=a.district.label) for a in areas]
        self.venue.choices = [SelectChoice("", _l("Choose the venue"))] + [
            SelectChoice(str(v.id), f"{v.name}, {v.address}") for v in venues]

    def fill(self, meeting):
        """The form for editing: the stored meeting in Kraków time."""
        starts, ends = to_warsaw(meeting.starts_at), to_warsaw(meeting.ends_at)
        self.area.data = meeting.area_id
        for name in ("title", "format", "venue_id", "room", "capacity", "agenda", "what_to_bring"):
            self[name.removesuffix("_id")].data = getattr(meeting, name)
        self.start_date.data, self.start_time.data = starts.date(), starts.time().replace(tzinfo=None)
        self.end_date.data = ends.date() if ends.date() != starts.date() else None
        self.end_time.data = ends.time().replace(tzinfo=None)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.format.data == MeetingFormat.IN_PERSON.value and self.venue.data is None and not self.venue.errors:
            self.venue.errors = [*self.venue.errors, _l("Choose where the meeting takes place.")]
            valid = False
        return valid

    def details(self):
        start_day: date = self.start_date.data
        start_time: time = self.start_time.data
        return rules.MeetingDetails(
            title=self.title.data, format=self.format.data, venue_id=self.venue.data, room=self.room.data or "",
            starts_at=to_utc(start_day, start_time),
            ends_at=to_utc(self.end_date.data or start_day, self.end_time.data),
            capacity=self.capacity.data, agenda=self.agenda.data or "", what_to_bring=self.what_to_bring.data or "")

    def show_refusal(self, error):
        """Put a service's refusal beside its field; False when it concerns no field."""
        name = self.SERVICE_FIELDS.get(error.field)
        if name is None:
            return False
        self[name].errors = [*self[name].errors, str(error)]
        return True


class CancelMeetingForm(Form):
    reason = TextAreaField(_l("Why is the meeting cancelled?"), filters=[strip],
                           description=_l("Everyone signed up gets this in an e-mail, and it stays on the meeting's page."),
                           validators=[DataRequired(_l("Tell the residents why the meeting is cancelled.")),
                                       at_most(rules.REASON_MAX)], render_kw={"rows": 3})


class VenueForm(Form):
    name = StringField(_l("Name of the place"), filters=[strip],
                       description=_l("For example: “Centrum Aktywności Seniorów Ruczaj”."),
                       validators=[DataRequired(_l("Give the name of the place.")), at_most(rules.VENUE_NAME_MAX)],
                       render_kw={"maxlength": rules.VENUE_NAME_MAX})
    address = StringField(_l("Address"), filters=[strip],
                          validators=[DataRequired(_l("Give the address.")), at_most(rules.VENUE_ADDRESS_MAX)],
                          render_kw={"maxlength": rules.VENUE_ADDRESS_MAX, "autocomplete": "street-address"})
    kind = _select(_l("Kind of place"), default=VenueKind.OTHER.value,
                   choices=[SelectChoice(k.value, VENUE_KIND_TITLES[k]) for k in VenueKind])
    district = _select(_l("District"), coerce=optional_id)
    accessibility = StringField(_l("Accessibility"), filters=[strip],
                                description=_l("Optional, for example: “step-free entrance, lift, accessible toilet”."),
                                validators=[at_most(rules.VENUE_ACCESSIBILITY_MAX)],
                                render_kw={"maxlength": rules.VENUE_ACCESSIBILITY_MAX})

    def set_choices(self, districts):
        self.district.choices = district_choices(districts, _l("Not in one district"))


class CalendarFilterForm(Form):
    """The calendar's GET filters."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    district = _select(_l("District"), coerce=optional_id)
    area = _select(_l("Area"), coerce=optional_id)
    format = _select(_l("Form"), default="", choices=[SelectChoice("", _l("In person and online"))]
                     + [SelectChoice(f.value, FORMAT_TITLES[f]) for f in MeetingFormat])
    when = _select(_l("When"), default=calendar.UPCOMING,
                   choices=[SelectChoice(calendar.UPCOMING, _l("Upcoming meetings")),
                            SelectChoice(calendar.PAST, _l("Past meetings, newest first"))])

    def set_choices(self, districts, areas):
        self.district.choices = district_choices(districts, _l("All districts"))
        self.area.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(str(a.id), a.name, optgroup=a.district.label) for a in areas]

    def filters(self, edition_id):
        return calendar.CalendarFilters(edition_id=edition_id, district_id=self.district.data,
                                        area_id=self.area.data, format=self.format.data or None,
                                        when=self.when.data or calendar.UPCOMING)

    def url_args(self):
        return {name: (field.data or None) for name, field in self._fields.items()}
