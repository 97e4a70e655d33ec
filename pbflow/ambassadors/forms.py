"""Forms for applying, deciding, and filtering the lists. Labels are lazy so they follow the language."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from pbflow.accounts.forms import strip
from pbflow.ambassadors.models import ApplicationStatus
from pbflow.core.forms import Form
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions

NEW_AREA = "new"
TEXT_LENGTH = {"min": 20, "max": 2000}
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()./-]+$")


def optional_id(value):
    """'' (nothing chosen) → None, '7' → 7; anything else is an invalid choice."""
    if value in (None, ""):
        return None
    number = database_id(value)
    if number is None:  # "²", "-1" or beyond a database id: the field shows "choose from the list"
        raise ValueError(value)
    return number


def polish_phone(_form, field):
    """Tolerant: '+48 600 100 200', '600-100-200', '(12) 616 12 34'; 9 to 15 digits."""
    value = field.data or ""
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.match(value) or not 9 <= len(digits) <= 15:
        raise ValidationError(_l("Enter a phone number like 600 100 200 or +48 600 100 200, or leave it empty."))


def long_text(label, required_message, description=None):
    return TextAreaField(
        label, description=description, filters=[strip],
        validators=[DataRequired(required_message),
                    Length(message=_l("Write between %(min)d and %(max)d characters."), **TEXT_LENGTH)],
        render_kw={"rows": 6, "maxlength": TEXT_LENGTH["max"]},
    )


def district_choices(districts, everything_label):
    return [SelectChoice("", everything_label)] + [SelectChoice(str(d.id), d.label) for d in districts]


class ApplicationForm(Form):
    district = SelectField(_l("District"), coerce=optional_id,
                           validators=[DataRequired(_l("Choose the district."))],
                           invalid_value_message=_l("Choose the district from the list."),
                           invalid_choice_message=_l("Choose the district from the list."))
    area = SelectField(_l("Area"), description=_l("Choose the estate or streets you want to work for. "
                                                  "If it is not on the list, choose “Propose a new area”."),
                       validators=[DataRequired(_l("Choose an area or propose a new one."))],
                       invalid_choice_message=_l("This area is not in the chosen district. Choose the area again."))
    proposed_area_name = StringField(
        _l("Name of the new area"), filters=[strip],
        description=_l("For example: Osiedle Oświecenia, or the streets around Rynek Dębnicki."),
        validators=[Length(max=120, message=_l("Use at most %(max)d characters."))], render_kw={"maxlength": 120})
    proposed_area_description = TextAreaField(
        _l("Where is the new area?"), filters=[strip],
        description=_l("The streets, estates or landmarks that mark it out."),
        validators=[Length(max=2000, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 3, "maxlength": 2000})
    motivation = long_text(_l("Why do you want to be the ambassador of this area?"),
                           _l("Tell us why you want to be the ambassador."))
    area_knowledge = long_text(_l("What do you know about the area?"), _l("Tell us what you know about the area."),
                               _l("For example: how long you have lived or worked there, what its residents need, "
                                  "which groups or institutions you know."))
    phone = TelField(_l("Phone number (optional)"), filters=[strip],
                     description=_l("Only the coordinators see it, to reach you about your application."),
                     validators=[Optional(), polish_phone], render_kw={"autocomplete": "tel", "maxlength": 30})
    publish_consent = BooleanField(
        _l("I agree that my name and my area are published in the public list of ambassadors."),
        validators=[DataRequired(_l("Ambassadors are listed publicly, so your consent is needed."))])

    def set_choices(self, districts, areas):
        """Districts, then the areas of the chosen district (or of every district, grouped, when none is chosen)."""
        self.district.choices = district_choices(districts, _l("Choose the district"))
        chosen = self.district.data
        shown = [a for a in areas if a.district_id == chosen] if chosen else areas
        self.area.choices = [SelectChoice("", _l("Choose the area")),
                             SelectChoice(NEW_AREA, _l("Propose a new area"))]
        self.area.choices += [
            SelectChoice(str(a.id), a.name, optgroup=None if chosen else a.district.label) for a in shown]

    @property
    def proposes_new_area(self):
        return self.area.data == NEW_AREA

    @property
    def area_id(self):
        return None if self.proposes_new_area or not self.area.data else int(self.area.data)

    def validate_proposed_area_name(self, field):
        if not self.proposes_new_area:
            return
        if not field.data:
            raise ValidationError(_l("Give the new area a name."))
        if self.district.data and editions.find_area(self.district.data, field.data) is not None:
            raise ValidationError(_l("This district already has an area with this name. Choose it from the list "
                                     "of areas instead of proposing a new one."))


class RejectForm(Form):
    reason = TextAreaField(
        _l("Reason for the rejection"), filters=[strip],
        description=_l("The applicant reads this in the application status and in the e-mail."),
        validators=[DataRequired(_l("Give the reason for the rejection; the applicant will read it.")),
                    Length(max=1000, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 3, "maxlength": 1000})


class ApplicationFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(_l("Status"), default="",
                         choices=[SelectChoice("", _l("All statuses"))]
                         + [SelectChoice(s.value, s.title) for s in ApplicationStatus],
                         invalid_choice_message=_l("Choose a status from the list."))
    district = SelectField(_l("District"), coerce=optional_id,
                           invalid_value_message=_l("Choose the district from the list."),
                           invalid_choice_message=_l("Choose the district from the list."))


class DirectoryFilterForm(Form):
    class Meta:
        csrf = False

    district = SelectField(_l("District"), coerce=optional_id,
                           invalid_value_message=_l("Choose the district from the list."),
                           invalid_choice_message=_l("Choose the district from the list."))
    q = SearchField(_l("Street or estate"), filters=[strip],
                    description=_l("A word from the name of a street, an estate or a place, e.g. Azory, Kurdwanów or Łąkowa."),
                    validators=[Optional(), Length(max=100, message=_l("Use at most %(max)d characters."))])
