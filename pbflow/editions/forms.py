"""Forms for editions, pools, criteria and areas. Labels are lazy so they follow the user's language.

The cross-field rules (dates in order, percentages, links) come from services_admin, so the form
and the service say the same thing.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SearchField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from pbflow.core import clock
from pbflow.core.forms import Form
from pbflow.core.money import MoneyField, money_required
from pbflow.editions import services_admin as rules
from pbflow.editions.services import AREA_DESCRIPTION_MAX, AREA_NAME_MAX, single_spaced

TOO_LONG = _l("Use at most %(max)d characters.")


def strip(value):
    return value.strip() if isinstance(value, str) else value


class LocalDateField(DateField):
    """A date field (a date picker in browsers) that also takes "15.03.2026"; empty is None."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y"],
                         invalid_value_message=_l("Enter a date like 15.03.2026."), **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([value.strip() for value in valuelist])


class PercentField(StringField):
    """A percentage as people type it: "40", "12,5", "20 %"; .data is a Decimal or None."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", "size": 6, **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_decimal(self.data, "0.##") if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").replace("%", "").replace(" ", "").replace(",", ".")
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation as error:
            raise ValueError(_l("Enter a percentage, for example 40 or 12,5.")) from error
        if not value.is_finite() or value.as_tuple().exponent < -2:
            raise ValueError(_l("Enter a percentage with at most two decimal places."))
        self.data = value


def in_percent_range(_form, field):
    if field.data is not None and (problem := rules.percent_problem(field.data)):
        raise ValidationError(problem)


def web_address(_form, field):
    if field.data and (problem := rules.rules_url_problem(field.data)):
        raise ValidationError(problem)


def sensible_year(_form, field):
    if field.data is not None and (problem := rules.year_problem(field.data)):
        raise ValidationError(problem)


def form_limit_field(name, description=None):
    return IntegerField(
        rules.FORM_LIMIT_LABELS[name], default=rules.FORM_LIMIT_DEFAULTS[name], description=description,
        validators=[InputRequired(_l("Enter a number of characters."))],
        render_kw={"inputmode": "numeric", "size": 6})


def date_field(name):
    return LocalDateField(rules.DATE_LABELS[name], validators=[InputRequired(_l("Enter the date."))])


class EditionForm(Form):
    name = StringField(
        _l("Name of the edition"), filters=[strip],
        description=_l("As residents know it, for example: Wspólne Projekty 2026."),
        validators=[DataRequired(_l("Enter the name of the edition.")),
                    Length(max=rules.NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": rules.NAME_MAX})
    year = IntegerField(
        _l("Year"), default=lambda: clock.today().year + 1,
        validators=[InputRequired(_l("Enter the year.")), sensible_year],
        render_kw={"inputmode": "numeric", "size": 4})
    recruitment_opens = date_field("recruitment_opens")
    recruitment_closes = date_field("recruitment_closes")
    meetings_open = date_field("meetings_open")
    meetings_close = date_field("meetings_close")
    workshops_open = date_field("workshops_open")
    workshops_close = date_field("workshops_close")
    marathons_open = date_field("marathons_open")
    marathons_close = date_field("marathons_close")
    submission_deadline = date_field("submission_deadline")
    district_cap_percent = PercentField(
        _l("Cost cap of a district project, as a percentage of the district's pool"), default=Decimal(40),
        description=_l("In Kraków in 2020: 40 %."),
        validators=[InputRequired(_l("Enter a percentage.")), in_percent_range])
    district_cap_fixed = MoneyField(
        _l("Fixed cap of a district project (optional)"),
        description=_l("When set, the cap is the lower of the two amounts."), validators=[Optional()])
    citywide_cap_percent = PercentField(
        _l("Cost cap of a city-wide project, as a percentage of the city-wide pool"), default=Decimal(20),
        description=_l("In Kraków in 2020: 20 %."),
        validators=[InputRequired(_l("Enter a percentage.")), in_percent_range])
    citywide_cap_fixed = MoneyField(
        _l("Fixed cap of a city-wide project (optional)"),
        description=_l("When set, the cap is the lower of the two amounts."), validators=[Optional()])
    rules_url = URLField(
        _l("Link to the rules (regulamin)"), filters=[strip], description=_l("For example https://budzet.krakow.pl/"),
        validators=[Optional(), Length(max=500, message=TOO_LONG), web_address],
        render_kw={"maxlength": 500, "spellcheck": "false"})
    title_max_chars = form_limit_field("title_max_chars", _l("In characters; in Kraków: 60."))
    summary_min_chars = form_limit_field("summary_min_chars", _l("In characters; in Kraków: 60."))
    summary_max_chars = form_limit_field("summary_max_chars", _l("In characters; in Kraków: 250."))
    description_max_chars = form_limit_field("description_max_chars", _l("In characters."))
    feedback_due_days = IntegerField(
        _l("Days the verifying units have for feedback"), default=14,
        description=_l("The usual due date of a routing is today plus this many days (1 to 365)."),
        validators=[Optional()], render_kw={"inputmode": "numeric", "size": 4})

    supporters_required = IntegerField(
        _l("Residents who must back a proposal"), default=15,
        description=_l("The support list: 0 to 1000 names or signatures. In Kraków in 2020: 15."),
        validators=[Optional()], render_kw={"inputmode": "numeric", "size": 4})
    reference_pattern = StringField(
        _l("Format of the official platform's reference numbers"), filters=[strip],
        default=r"^[A-Z]{2,6}\.\d{1,6}\.\d{4}$",
        description=_l("A regular expression, at most 200 characters. The default accepts numbers like "
                       "WPD.0123.2026: two to six capital letters, a dot, up to six digits, a dot, the year."),
        validators=[Length(max=rules.REFERENCE_PATTERN_MAX, message=TOO_LONG)],
        render_kw={"maxlength": rules.REFERENCE_PATTERN_MAX, "spellcheck": "false", "autocomplete": "off"})

    def stage_fields(self):
        """[(stage title, opens field, closes field)] in the pathway's order, for the template."""
        from pbflow.editions.models import Stage

        pairs = zip(rules.DATE_FIELDS[:-1:2], rules.DATE_FIELDS[1:-1:2], strict=True)
        return [(stage.title, self[opens], self[closes]) for stage, (opens, closes) in zip(Stage, pairs, strict=True)]

    def validate(self, extra_validators=None):
        """Field by field first, then the edition's own rules (dates in order…), as the service checks them."""
        valid = super().validate(extra_validators)
        for field, message in rules.edition_problems(self.values()):
            if not self[field].errors:
                self[field].errors.append(message)
                valid = False
        return valid

    def values(self):
        """The plain values the services take."""
        return {name: self[name].data for name in rules.EDITION_FIELDS}


def pools_form(districts, edition=None):
    """One form with a pool for every district and the city-wide pool (MoneyFields: .data in grosze)."""

    class PoolsForm(Form):
        def district_fields(self):
            return [(district, self[f"pool_{district.id}"]) for district in districts]

        def district_pools(self):
            return {district.id: self[f"pool_{district.id}"].data for district in districts}

    for district in districts:
        setattr(PoolsForm, f"pool_{district.id}", MoneyField(district.label, validators=[money_required()]))
    PoolsForm.citywide_pool = MoneyField(_l("City-wide pool"), validators=[money_required()])
    if edition is None:
        return PoolsForm()
    pools = {budget.district_id: budget.pool for budget in edition.budgets}
    data = {f"pool_{district.id}": pools.get(district.id, 0) for district in districts}
    return PoolsForm(data={**data, "citywide_pool": edition.citywide_pool})


def criterion_title(**kwargs):
    return StringField(
        _l("Criterion"), filters=[strip],
        validators=[DataRequired(_l("Enter the criterion.")),
                    Length(max=rules.CRITERION_TITLE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": rules.CRITERION_TITLE_MAX}, **kwargs)


def criterion_description(**kwargs):
    return TextAreaField(
        _l("What the verifying unit checks (optional)"), filters=[strip],
        validators=[Length(max=rules.CRITERION_DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 2, "maxlength": rules.CRITERION_DESCRIPTION_MAX}, **kwargs)


class CriterionForm(Form):
    title = criterion_title()
    description = criterion_description()


class CriterionEditForm(Form):
    """The same fields under other ids: the add form is on the page too (and htmx settles by id)."""

    title = criterion_title(id="edit-title")
    description = criterion_description(id="edit-description")


class AreaForm(Form):
    name = StringField(
        _l("Name of the area"), filters=[strip, single_spaced],
        description=_l("An estate, a few streets or a part of the district, for example: Osiedle Podwawelskie."),
        validators=[DataRequired(_l("Enter the name of the area.")), Length(max=AREA_NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": AREA_NAME_MAX})
    description = TextAreaField(
        _l("Short description (optional)"), filters=[strip],
        description=_l("Which streets or buildings belong to the area."),
        validators=[Length(max=AREA_DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": AREA_DESCRIPTION_MAX})


class AreaSearchForm(Form):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Find an area"), filters=[strip],
                    validators=[Optional(), Length(max=100, message=TOO_LONG)])
