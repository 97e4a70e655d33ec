"""Forms of monitoring. Figures are typed the Polish way ("1 234,5") and kept in hundredths."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from pbflow.ambassadors.forms import optional_id
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.meetings.forms.schedule import CHOOSE_FROM_LIST, _Date
from pbflow.monitoring.models import (
    LED_BY_MAX,
    NAME_MAX,
    NOTE_MAX,
    RECORDED,
    SOURCE_NOTE_MAX,
    ActivityKind,
    IndicatorKind,
    Unit,
)
from pbflow.monitoring.reports import LOCALES
from pbflow.monitoring.services import FIGURE_MAX
from pbflow.monitoring.sources import SOURCES

_NUMBER = re.compile(r"^(-?)(\d{1,13})(?:[.,](\d{1,2}))?$")
PEOPLE_MAX = 100_000
LANGUAGE_NAMES = {"pl": "polski", "en": "English"}


def parse_hundredths(text):
    """'1 234,5' → 123450; None for anything that is not a number with at most two decimals."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    found = _NUMBER.match(cleaned)
    if not found:
        return None
    sign, whole, fraction = found.groups()
    value = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    return -value if sign else value


class FigureField(StringField):
    """A number like 12, 12,5 or 1 234,75; `data` is in hundredths."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "maxlength": 20})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        whole, rest = divmod(abs(self.data), 100)
        return ("-" if self.data < 0 else "") + (f"{whole},{rest:02d}".rstrip("0").rstrip(",") if rest else str(whole))

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        value = parse_hundredths(text)
        if value is None or abs(value) > FIGURE_MAX:
            self.data = None
            raise ValueError(_l("Enter a number like 12 or 12,5 (at most two decimal places)."))
        self.data = value


def _district():
    return SelectField(_l("District"), coerce=optional_id, validate_choice=True,
                       invalid_value_message=CHOOSE_FROM_LIST, invalid_choice_message=CHOOSE_FROM_LIST)


def _area():
    return SelectField(_l("Area"), coerce=optional_id, validate_choice=True,
                       invalid_value_message=CHOOSE_FROM_LIST, invalid_choice_message=CHOOSE_FROM_LIST)


class _Places:
    """District and area lists, filled by the view from the database."""

    def set_places(self, districts, areas, whole):
        self.district_id.choices = [SelectChoice("", whole)] + [SelectChoice(str(d.id), d.name) for d in districts]
        self.area_id.choices = [SelectChoice("", _l("No particular area"))] + [
            SelectChoice(str(a.id), a.name, optgroup=a.district_name) for a in areas]

    def show_refusal(self, error):
        if error.field is None or error.field not in self:
            return False
        self[error.field].errors = [*self[error.field].errors, str(error)]
        return True


class IndicatorForm(_Places, Form):
    name_pl = StringField(_l("Name in Polish"), filters=[strip],
                          description=_l("For example: “Uczestnicy spotkań mieszkańców”."),
                          validators=[DataRequired(_l("Give the indicator a name in Polish.")), at_most(NAME_MAX)],
                          render_kw={"maxlength": NAME_MAX})
    name_en = StringField(_l("Name in English"), filters=[strip],
                          description=_l("For example: “Participants at residents' meetings”."),
                          validators=[DataRequired(_l("Give the indicator a name in English.")), at_most(NAME_MAX)],
                          render_kw={"maxlength": NAME_MAX})
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.title) for k in IndicatorKind],
                       description=_l("Output: what the programme does (meetings held). Result: what changes "
                                      "(residents who took part for the first time)."),
                       invalid_choice_message=CHOOSE_FROM_LIST)
    source = SelectField(_l("How the value is obtained"), invalid_choice_message=CHOOSE_FROM_LIST,
                         description=_l("Computed values follow pbflow's data and ask nothing of anyone. "
                                        "Recorded values are entered by hand, with the day they were measured."))
    unit = SelectField(_l("Unit"), choices=[SelectChoice(u.value, u.title) for u in Unit], invalid_choice_message=CHOOSE_FROM_LIST,
                       description=_l("For a recorded value. A computed value has the unit of what it counts."))
    baseline = FigureField(_l("Baseline"), description=_l("Where the programme started; 0 if nothing was done before."))
    target = FigureField(_l("Target"), validators=[InputRequired(_l("Give the target to reach."))])
    district_id = _district()
    area_id = _area()

    def set_choices(self, districts, areas):
        self.set_places(districts, areas, _l("The whole edition"))
        self.source.choices = [SelectChoice(RECORDED, _l("Recorded by hand"))] + [
            SelectChoice(key, _l("Computed: %(what)s (%(unit)s)", what=source.title, unit=source.unit.title))
            for key, source in SOURCES.items()]

    def fill(self, indicator):
        for name in ("name_pl", "name_en", "kind", "unit", "source", "baseline", "target", "district_id", "area_id"):
            getattr(self, name).data = getattr(indicator, name)

    def details(self):
        return {"name_pl": self.name_pl.data, "name_en": self.name_en.data, "kind": self.kind.data,
                "unit": self.unit.data, "source": self.source.data, "baseline": self.baseline.data or 0,
                "target": self.target.data, "district_id": self.district_id.data, "area_id": self.area_id.data}


class MeasurementForm(Form):
    value = FigureField(_l("Value"), validators=[InputRequired(_l("Give the measured value."))])
    measured_on = _Date(_l("Measured on"), validators=[InputRequired(_l("Give the day it was measured."))])
    source_note = StringField(_l("Source"), filters=[strip],
                              description=_l("Where the figure comes from, for example: “attendance lists of the "
                                             "academy, autumn term”."),
                              validators=[at_most(SOURCE_NOTE_MAX)], render_kw={"maxlength": SOURCE_NOTE_MAX})

    def show_refusal(self, error):
        if error.field is None or error.field not in self:
            return False
        self[error.field].errors = [*self[error.field].errors, str(error)]
        return True


class ActivityForm(_Places, Form):
    kind = SelectField(_l("Kind of activity"), choices=[SelectChoice(k.value, k.title) for k in ActivityKind],
                       invalid_choice_message=CHOOSE_FROM_LIST)
    title = StringField(_l("Title"), filters=[strip],
                        description=_l("For example: “Training for ambassadors: costing a proposal”."),
                        validators=[DataRequired(_l("Give the activity a title.")), at_most(NAME_MAX)],
                        render_kw={"maxlength": NAME_MAX})
    held_on = _Date(_l("Day"), validators=[InputRequired(_l("Give the day of the activity."))])
    hours = FigureField(_l("Length in hours"), description=_l("For example 1,5 for an hour and a half."),
                        validators=[InputRequired(_l("Give the length of the activity in hours."))])
    participants = IntegerField(_l("Participants"), validators=[
        InputRequired(_l("Give the number of participants (0 if none).")),
        NumberRange(max=PEOPLE_MAX, message=_l("Give a number of at most %(max)d."))],
        render_kw={"inputmode": "numeric"})
    new_participants = IntegerField(_l("Of them new to PB"), default=0, validators=[
        Optional(), NumberRange(max=PEOPLE_MAX, message=_l("Give a number of at most %(max)d."))],
        description=_l("People taking part in participatory budgeting for the first time."),
        render_kw={"inputmode": "numeric"})
    district_id = _district()
    area_id = _area()
    led_by = StringField(_l("Led by"), filters=[strip], description=_l("Names of the people who led it."),
                         validators=[at_most(LED_BY_MAX)], render_kw={"maxlength": LED_BY_MAX})
    note = TextAreaField(_l("Note"), filters=[strip], validators=[at_most(NOTE_MAX)],
                         render_kw={"rows": 3, "maxlength": NOTE_MAX})

    def set_choices(self, districts, areas):
        self.set_places(districts, areas, _l("The whole city"))

    def fill(self, activity):
        for name in ("kind", "title", "held_on", "participants", "new_participants", "district_id", "area_id",
                     "led_by", "note"):
            getattr(self, name).data = getattr(activity, name)
        self.hours.data = round(activity.minutes * 100 / 60)

    def details(self):
        hours = self.hours.data or 0
        return {"kind": self.kind.data, "title": self.title.data, "held_on": self.held_on.data,
                "minutes": round(hours * 60 / 100), "participants": self.participants.data,
                "new_participants": self.new_participants.data or 0, "district_id": self.district_id.data,
                "area_id": self.area_id.data, "led_by": self.led_by.data or "", "note": self.note.data or ""}


class ReportForm(Form):
    first_day = _Date(_l("From"), validators=[InputRequired(_l("Give the first day of the period."))])
    last_day = _Date(_l("To"), validators=[InputRequired(_l("Give the last day of the period."))])
    locale = SelectField(_l("Language of the report"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES],
                         invalid_choice_message=CHOOSE_FROM_LIST)

    def show_refusal(self, error):
        if error.field is None or error.field not in self:
            return False
        self[error.field].errors = [*self[error.field].errors, str(error)]
        return True

