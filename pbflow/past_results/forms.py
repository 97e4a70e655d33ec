"""Filters for past results and the coordinator's Pabulib upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from pbflow.core.forms import Form

TOO_LONG = _l("Use at most %(max)d characters.")
MAX_FILES = 100


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ResultsFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter changes nothing

    year = SelectField(_l("Year"), choices=[], validate_choice=True, validators=[Optional()])
    q = SearchField(_l("Words in the project's name"), filters=[strip],
                    validators=[Optional(), Length(max=100, message=TOO_LONG)])

    def set_years(self, years):
        self.year.choices = [("", _l("All years"))] + [(str(y), str(y)) for y in years]


class BenchmarkForm(Form):
    class Meta:
        csrf = False

    title = SearchField(_l("Project name"), filters=[strip], validators=[Optional(), Length(max=300, message=TOO_LONG)])
    district = SelectField(_l("District"), choices=[], coerce=str, validate_choice=False, validators=[Optional()])


class ImportForm(Form):
    files = MultipleFileField(_l("Pabulib files (.pb)"), render_kw={"accept": ".pb"},
                              validators=[FileRequired(_l("Choose at least one .pb file."))])
