"""Forms of the readiness check: no yearly upkeep, overriding a verdict, the support list and its scans."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from pbflow.core.fields import at_most, strip
from pbflow.core.forms import Form
from pbflow.marathons.models import REASON_MAX, SUPPORTER_NAME_MAX
from pbflow.marathons.supporters import NAMES_AT_ONCE, SIGNATURES_MAX

NAMES_TEXT_MAX = NAMES_AT_ONCE * (SUPPORTER_NAME_MAX + 2)


class ButtonForm(Form):
    """A button that changes something: only the CSRF token."""


class OverrideForm(Form):
    reason = TextAreaField(
        _l("Why the verdict does not stop the submission"), filters=[strip],
        description=_l("The authors and the unit read this reason."),
        validators=[DataRequired(_l("Say why the verdict is overridden.")), at_most(REASON_MAX)],
        render_kw={"rows": 3, "maxlength": REASON_MAX})


class SupportersForm(Form):
    names = TextAreaField(
        _l("Names of the residents who back the proposal"), filters=[strip],
        description=_l("One name a line, as the person wrote it; one name alone is fine too. "
                       "Two people may have the same name."),
        validators=[DataRequired(_l("Type at least one name.")), at_most(NAMES_TEXT_MAX)],
        render_kw={"rows": 5, "autocomplete": "off", "spellcheck": "false"})
    consent = BooleanField(
        _l("Every person on this list agreed to their name being processed for this proposal"),
        description=_l("Leave out anyone who did not agree. The names are deleted after the edition."),
        validators=[DataRequired(_l("Confirm that every person on the list agreed. Leave out those who did not."))])


class ScanForm(Form):
    file = FileField(_l("Scanned list (PDF, JPEG or PNG)"), render_kw={"accept": ".pdf,.jpg,.jpeg,.png"})
    signatures = IntegerField(
        _l("Number of signatures on the list"),
        validators=[InputRequired(_l("Enter the number of signatures on the list.")),
                    NumberRange(1, SIGNATURES_MAX, _l("Enter a number from %(min)s to %(max)s."))],
        render_kw={"inputmode": "numeric", "size": 5})
    consent = BooleanField(
        _l("Everyone who signed agreed to their name being processed for this proposal"),
        validators=[DataRequired(_l("Confirm that everyone who signed agreed."))],
        id="scan-consent")  # the names form above, on the same page, has its own "consent"
