"""Account forms. Labels are lazy so they follow the visitor's language."""

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from pbflow.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from pbflow.core.forms import Form

# SelectChoice, not tuples: WTForms 3.3 deprecates tuple choices (a warning, an error under pytest).
LANGUAGE_CHOICES = [SelectChoice("pl", "Polski"), SelectChoice("en", "English")]


def strip(value):
    return value.strip() if isinstance(value, str) else value


def acceptable_password(_form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def printable_name(_form, field):
    """No control or direction-override characters: a name must look like what it is."""
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in field.data or ""):
        raise ValidationError(_l("The name cannot contain invisible or control characters."))


def name_field():
    return StringField(
        _l("Full name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your name.")), Length(max=120, message=_l("Use at most %(max)d characters.")), printable_name],
        render_kw={"autocomplete": "name", "maxlength": 120},
    )


def email_field():
    return EmailField(
        _l("E-mail address"),
        filters=[strip],
        validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254, message=_l("Use at most %(max)d characters.")),
                    Email(message=_l("Enter an e-mail address like name@example.pl."), check_deliverability=False)],
        render_kw={"autocomplete": "email", "maxlength": 254, "spellcheck": "false"},
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        description=_l("At least %(n)d characters. A few unrelated words are easy to remember and hard to guess.", n=MIN_LENGTH),
        validators=[DataRequired(_l("Enter a password.")), acceptable_password],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH, "maxlength": MAX_LENGTH},
    )


def confirm_field(other):
    return PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_l("Repeat the password.")), EqualTo(other, message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(Form):
    name = name_field()
    email = email_field()
    password = new_password_field()
    password_confirm = confirm_field("password")
    consent = BooleanField(
        _l("I have read the privacy notice and agree that pbflow processes my personal data so that I can take part in the participatory budget."),
        # DataRequired, not InputRequired: "consent=false" is input, but no consent.
        validators=[DataRequired(_l("Registration needs your consent to the processing of your personal data."))],
    )


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Remember me on this device"))


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = new_password_field(_l("New password"))
    password_confirm = confirm_field("password")


class ProfileForm(Form):
    name = name_field()
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES,
                         validators=[DataRequired(_l("Choose a language."))])


class PasswordChangeForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    password = new_password_field(_l("New password"))
    password_confirm = confirm_field("password")


class DeleteAccountForm(Form):
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password to confirm."))],
                             render_kw={"autocomplete": "current-password"})
    confirm = BooleanField(_l("I understand that my account and personal data will be erased and this cannot be undone."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class UserSearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search by name or e-mail"), filters=[strip],
                    validators=[Optional(), Length(max=100, message=_l("Use at most %(max)d characters."))])


class ActionForm(Form):
    """A form that is only a CSRF token, protecting POST buttons."""
