"""Forms for verifying units, inviting experts and joining a unit through an invitation. Labels are lazy.

Rules that need the database (a name already taken, an address already invited) are in
pbflow/feedback/units.py.
"""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from pbflow.accounts.forms import confirm_field, email_field, name_field, new_password_field
from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.feedback.units import UnitDetails

NAME_MAX = 200
SHORT_NAME_MAX = 20
FIELD_MAX = 200
RESPONSIBILITIES_MAX = 4000
PHONE_MAX = 40
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
PHONE = re.compile(r"^\+?[0-9 ()\-]+$")


def plain_text(_form, field):
    """No markup and no invisible characters: these words are shown as they are and read by routing."""
    value = field.data or ""
    if TAG.search(value):
        raise ValidationError(_l("Write plain text without HTML tags (no “<” before a letter)."))
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} and ch not in "\n\r\t" for ch in value):
        raise ValidationError(_l("The text cannot contain invisible or control characters."))


def phone_number(_form, field):
    value = field.data or ""
    digits = sum(ch.isdigit() for ch in value)
    if not PHONE.match(value) or not 9 <= digits <= 15:
        raise ValidationError(_l("Enter a phone number like 12 616 12 34 or +48 12 616 12 34 "
                                 "(digits, spaces, “+”, “-” and brackets)."))


class UnitForm(Form):
    name = StringField(_l("Name"), filters=[strip],
                       description=_l("The full official name, e.g. “Zarząd Zieleni Miejskiej w Krakowie”."),
                       validators=[DataRequired(_l("Enter the unit's name.")), at_most(NAME_MAX), plain_text],
                       render_kw={"maxlength": NAME_MAX})
    short_name = StringField(_l("Short name"), filters=[strip],
                             description=_l("The abbreviation people know, e.g. “ZZM”. Its link address is made "
                                            "from it once and does not change."),
                             validators=[DataRequired(_l("Enter a short name.")), at_most(SHORT_NAME_MAX),
                                         plain_text],
                             render_kw={"maxlength": SHORT_NAME_MAX})
    field = StringField(_l("Field"), filters=[strip], description=_l("In a few words, e.g. “Green spaces”."),
                        validators=[DataRequired(_l("Enter the unit's field.")), at_most(FIELD_MAX), plain_text],
                        render_kw={"maxlength": FIELD_MAX})
    responsibilities = TextAreaField(
        _l("What the unit is responsible for"), filters=[strip],
        description=_l("Plain text: keywords and short sentences in the words residents use, e.g. “parks, trees, "
                       "lawns, playgrounds in parks”. Suggestions of which unit should check a proposal read it."),
        validators=[Optional(), at_most(RESPONSIBILITIES_MAX), plain_text],
        render_kw={"rows": 5, "maxlength": RESPONSIBILITIES_MAX})
    contact_email = EmailField(
        _l("Contact e-mail"), filters=[strip],
        validators=[Optional(), at_most(254),
                    Email(message=_l("Enter an e-mail address like name@example.pl."), check_deliverability=False)],
        render_kw={"maxlength": 254, "autocomplete": "off", "spellcheck": "false"})
    contact_phone = StringField(_l("Contact phone"), filters=[strip],
                                validators=[Optional(), at_most(PHONE_MAX), phone_number],
                                render_kw={"maxlength": PHONE_MAX, "inputmode": "tel", "autocomplete": "off"})

    def details(self):
        return UnitDetails(name=self.name.data, short_name=self.short_name.data, field=self.field.data,
                           responsibilities=self.responsibilities.data or "",
                           contact_email=self.contact_email.data or None,
                           contact_phone=self.contact_phone.data or None)


class InviteExpertForm(Form):
    email = email_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email.label.text = _l("E-mail address of the person to invite")
        self.email.render_kw = {**self.email.render_kw, "autocomplete": "off"}


class JoinUnitForm(Form):
    """A new account for the invited address: what registration asks, without the address (the link has it)."""

    name = name_field()
    password = new_password_field()
    password_confirm = confirm_field("password")
    consent = BooleanField(
        _l("I have read the privacy notice and agree that pbflow processes my personal data so that I can take "
           "part in the participatory budget."),
        validators=[DataRequired(_l("Registration needs your consent to the processing of your personal data."))])


class ConfirmForm(Form):
    """Only the CSRF token: a POST button (remove, cancel)."""

