"""The proposal form: what a resident types, turned into services.Content.

The cost estimate is a set of rows named lines-<n>-item / -quantity / -unit_price; rows can be
added and removed with plain submit buttons (no JavaScript needed), and each row gets its own
messages. Money is read with core.money.parse_pln and kept in integer grosze.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from pbflow.accounts.forms import strip
from pbflow.ambassadors.forms import optional_id
from pbflow.core.forms import Form
from pbflow.core.markdown import strip_unshown_html
from pbflow.core.money import MoneyField, plain_pln
from pbflow.editions.models import Scope
from pbflow.proposals import costs
from pbflow.proposals import services as proposals

TOO_LONG = _l("Use at most %(max)d characters.")
LINE_FIELDS = ("item", "quantity", "unit_price")
LINE_NAME = re.compile(r"^lines-(\d{1,4})-(item|quantity|unit_price)$")
NEW_ROWS = 3  # empty rows a new proposal starts with
SPARE_ROWS = 1  # empty rows after the saved lines when editing


def one_kind_of_newline(value):
    """Browsers send textarea lines as CRLF: count and store them as one character each."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip() if isinstance(value, str) else value


class CoordinateField(StringField):
    """A latitude or longitude in degrees; "50,0614" and "50.0614" both work; .data is a Decimal or None."""

    def __init__(self, label=None, validators=None, limit=90, **kwargs):
        self.limit = limit
        render_kw = {"inputmode": "decimal", "autocomplete": "off", "size": 12, **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format(self.data.normalize(), "f") if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = re.sub(r"[\s\u00a0°]", "", valuelist[0] if valuelist else "").replace(",", ".")
        if not text:
            return
        if not re.fullmatch(r"-?\d{1,3}(\.\d+)?", text):
            raise ValueError(_l("Enter degrees as a number, for example 50,0614."))
        value = Decimal(text)  # the pattern above admits only plain decimals
        if abs(value) > self.limit:
            raise ValueError(_l("Enter a number between -%(limit)d and %(limit)d.", limit=self.limit))
        self.data = value.quantize(Decimal("0.000001"))


@dataclass
class LineInput:
    """One row of the cost estimate as typed, with its messages and (when valid) the parsed line."""

    item: str = ""
    quantity: str = ""
    unit_price: str = ""
    errors: dict = field(default_factory=dict)
    line: costs.CostLine | None = None

    @property
    def blank(self):
        return not (self.item.strip() or self.quantity.strip() or self.unit_price.strip())

    def read(self):
        """(the line or None, {field: message}); blank rows give (None, {})."""
        if self.blank:
            return None, {}
        errors = {}
        item = " ".join(self.item.split())
        if not item:
            errors["item"] = _("Say what this line pays for.")
        elif len(item) > costs.ITEM_MAX:
            errors["item"] = _("Use at most %(max)d characters.", max=costs.ITEM_MAX)
        quantity = unit_price = None
        try:
            quantity = costs.parse_quantity(self.quantity)
        except costs.CostError as error:
            errors["quantity"] = str(error)
        try:
            unit_price = costs.parse_unit_price(self.unit_price)
        except costs.CostError as error:
            errors["unit_price"] = str(error)
        return (None if errors else costs.CostLine(item, quantity, unit_price)), errors

    def check(self):
        """Read the row and keep its messages to show next to its fields."""
        self.line, self.errors = self.read()
        return self.line

    @classmethod
    def of(cls, line):
        return cls(line.item, format(line.quantity.normalize(), "f").replace(".", ","), plain_pln(line.unit_price))


def lines_from(formdata):
    """The rows posted, in their order; at most MAX_LINES + a few rows are read."""
    rows = {}
    for key in formdata:
        match = LINE_NAME.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = formdata.get(key, "")
    return [LineInput(**rows[n]) for n in sorted(rows)[:costs.MAX_LINES + SPARE_ROWS + NEW_ROWS]]


class ProposalForm(Form):
    scope = RadioField(_l("Kind of project"), default=Scope.DISTRICT.value,
                       choices=[SelectChoice(s.value, s.title) for s in Scope],
                       validators=[DataRequired(_l("Choose the kind of project."))],
                       invalid_choice_message=_l("Choose the kind of project."))
    district = SelectField(_l("District"), coerce=optional_id,
                           invalid_value_message=_l("Choose the district from the list."),
                           invalid_choice_message=_l("Choose the district from the list."))
    area = SelectField(_l("Area (optional)"), coerce=optional_id,
                       description=_l("The estate or streets the proposal is for, if it is for one of them."),
                       invalid_value_message=_l("This area is not in the chosen district. Choose the area again."),
                       invalid_choice_message=_l("This area is not in the chosen district. Choose the area again."))
    title = StringField(
        _l("Title"), filters=[one_kind_of_newline],
        validators=[DataRequired(_l("Give the proposal a title.")),
                    Length(max=proposals.TITLE_HARD_MAX, message=TOO_LONG)])
    summary = TextAreaField(
        _l("Short summary"), filters=[one_kind_of_newline],
        description=_l("What the project is, in two or three sentences."),
        validators=[Length(max=proposals.SUMMARY_HARD_MAX, message=TOO_LONG)], render_kw={"rows": 3})
    description = TextAreaField(
        _l("Description"), filters=[one_kind_of_newline],
        description=_l("What would be done and why. You can use Markdown: **bold**, *italics*, lists with “- ”, "
                       "headings with “## ”."),
        validators=[Length(max=proposals.DESCRIPTION_HARD_MAX, message=TOO_LONG)], render_kw={"rows": 12})
    location = TextAreaField(
        _l("Where"), filters=[one_kind_of_newline],
        description=_l("An address or a description of the place, for example: the square by Zielona 5."),
        validators=[Length(max=proposals.LOCATION_MAX, message=TOO_LONG)], render_kw={"rows": 2})
    latitude = CoordinateField(_l("Latitude (optional)"), limit=90, description=_l("For example 50,0614."))
    longitude = CoordinateField(_l("Longitude (optional)"), limit=180, description=_l("For example 19,9366."))
    beneficiaries = TextAreaField(
        _l("Who benefits"), filters=[one_kind_of_newline],
        description=_l("For example: children under 10 and their carers, older residents of the estate."),
        validators=[Length(max=proposals.BENEFICIARIES_MAX, message=TOO_LONG)], render_kw={"rows": 2})
    yearly_upkeep = MoneyField(
        _l("Yearly upkeep (PLN)"),
        description=_l("What keeping the result working would cost the city each year, for example 8 000."))
    change_note = StringField(
        _l("What did you change? (optional)"), filters=[strip],
        description=_l("A short note for the co-authors and the experts, kept with this version."),
        validators=[Length(max=proposals.CHANGE_NOTE_MAX, message=TOO_LONG)],
        render_kw={"maxlength": proposals.CHANGE_NOTE_MAX})
    lock = HiddenField()

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines if lines is not None else [LineInput() for _n in range(NEW_ROWS)]
        self.line_errors = []  # messages about the estimate as a whole
        self.total_problem = None

    # --- choices ---

    def set_choices(self, districts, areas):
        self.district.choices = ([SelectChoice("", _l("Choose the district"))]
                                 + [SelectChoice(str(d.id), d.label) for d in districts])
        self.area.choices = [SelectChoice("", _l("No particular area"))] + [SelectChoice(str(a.id), a.name) for a in areas]
        self.district_labels = {d.id: d.label for d in districts}
        self.area_names = {a.id: a.name for a in areas}

    @property
    def chosen_district(self):
        """The district id typed in, even before validation ("" and nonsense are None)."""
        try:
            return optional_id(self.district.raw_data[0] if self.district.raw_data else self.district.data)
        except (TypeError, ValueError):
            return None

    @property
    def chosen_scope(self):
        return self.scope.data if self.scope.data in {s.value for s in Scope} else Scope.DISTRICT.value

    # --- rows of the estimate ---

    def add_line(self):
        if len(self.lines) >= costs.MAX_LINES:
            self.line_errors.append(_("A cost estimate can have at most %(count)d lines.", count=costs.MAX_LINES))
            return None
        self.lines.append(LineInput())
        return len(self.lines) - 1

    def remove_line(self, index):
        if 0 <= index < len(self.lines):
            del self.lines[index]
        if not self.lines:
            self.lines.append(LineInput())

    def parsed_lines(self):
        """The valid lines (each row checked, messages kept on the rows)."""
        return [line for row in self.lines if (line := row.check()) is not None]

    def total_check(self):
        """Total of the valid lines, and a message when it cannot be right."""
        total = costs.total(self.parsed_lines())
        try:
            costs.check_total(total)
        except costs.CostError as error:
            return total, str(error)
        return total, None

    # --- validation ---

    def validate_district(self, field):
        if self.scope.data == Scope.DISTRICT.value and field.data is None:
            raise ValidationError(_l("Choose the district of a district project."))

    def validate_area(self, field):
        if field.data is not None and self.district.data is None:
            raise ValidationError(_l("Choose the district of the area first."))

    def validate_longitude(self, field):
        if (field.data is None) != (self.latitude.data is None) and not self.latitude.errors:
            raise ValidationError(_l("Give both the latitude and the longitude, or neither."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        rows = [row for row in self.lines if not row.blank]
        if len(rows) > costs.MAX_LINES:
            self.line_errors.append(_("A cost estimate can have at most %(count)d lines.", count=costs.MAX_LINES))
        _total, problem = self.total_check()
        if problem and not any(row.errors for row in self.lines):
            self.line_errors.append(problem)
        return valid and not self.line_errors and not any(row.errors for row in self.lines)

    def row_messages(self):
        """[(input id, line number, message)] for the error summary."""
        return [(f"lines-{n}-{name}", n + 1, message)
                for n, row in enumerate(self.lines) for name, message in row.errors.items()]

    @property
    def has_errors(self):
        return bool(self.errors or self.line_errors or any(row.errors for row in self.lines))

    def expected_lock(self):
        try:
            return int(self.lock.data)
        except (TypeError, ValueError):
            return -1  # a form without its counter is treated as stale: the conflict page keeps the text

    # --- in and out ---

    def drop_unshown_html(self):
        """Take the HTML tags the description cannot show out of it; a message naming them, or None."""
        self.description.data, dropped = strip_unshown_html(self.description.data or "")
        if not dropped:
            return None
        return _("We removed HTML tags the description cannot show: %(tags)s. The rest of the text is kept.",
                 tags=", ".join(f"<{name}>" for name in dropped))

    def content(self):
        """services.Content from a validated form."""
        return proposals.Content(
            scope=self.scope.data, district_id=self.district.data, area_id=self.area.data,
            title=self.title.data or "", summary=self.summary.data or "", description=self.description.data or "",
            location=self.location.data or "", latitude=self.latitude.data, longitude=self.longitude.data,
            beneficiaries=self.beneficiaries.data or "", cost_lines=self.parsed_lines(),
            yearly_upkeep=self.yearly_upkeep.data or 0)

    @classmethod
    def from_content(cls, content, lock=None):
        """The edit form filled with a version's content (no request data read)."""
        form = cls(formdata=None, lines=[LineInput.of(line) for line in content.cost_lines]
                   + [LineInput() for _n in range(SPARE_ROWS)],
                   data={"scope": content.scope, "district": content.district_id, "area": content.area_id,
                         "title": content.title, "summary": content.summary, "description": content.description,
                         "location": content.location, "latitude": _decimal(content.latitude),
                         "longitude": _decimal(content.longitude), "beneficiaries": content.beneficiaries,
                         "yearly_upkeep": content.yearly_upkeep, "lock": lock})
        return form


def _decimal(value):
    return Decimal(value) if value is not None else None


def posted_form(formdata):
    """The form from a POST, cost rows included."""
    return ProposalForm(formdata=formdata, lines=lines_from(formdata) or [LineInput()])


def counters(form, edition):
    """What the official platform allows for each text, and how much the author has typed."""
    title, summary, description = (form.title.data or "", form.summary.data or "", form.description.data or "")
    return {
        "title": Counter(len(title.strip()), None, edition.title_max_chars),
        "summary": Counter(len(summary.strip()), edition.summary_min_chars, edition.summary_max_chars),
        "description": Counter(len(description), None, edition.description_max_chars),
    }


@dataclass(frozen=True)
class Counter:
    count: int
    minimum: int | None
    maximum: int

    @property
    def too_long(self):
        return self.count > self.maximum

    @property
    def too_short(self):
        return self.minimum is not None and self.count < self.minimum

    @property
    def refused(self):
        return self.too_long or self.too_short


LINE_FIELDS = {"item": _l("Item"), "quantity": _l("Quantity"), "unit_price": _l("Unit price (PLN)")}


@dataclass(frozen=True)
class LineProblem:
    """A mistake in what is typed in one field of a cost line, shown live under the total."""

    input_id: str
    number: int  # the line's number, from 1
    label: str  # the field's label
    message: str


@dataclass(frozen=True)
class Totals:
    """The live figures of the estimate: each row's amount, the total, the cap and what is wrong."""

    amounts: list  # per row: grosze, or None when the row is blank or not valid yet
    cap: costs.CapCheck
    absurd: bool
    scope: str
    problems: list = field(default_factory=list)  # [LineProblem] of lines left out of the total

    @property
    def total(self):
        return self.cap.total


def totals(form, edition):
    """Computed from what is typed, valid rows only. A mistake in a field already typed (a negative price, a
    word for a number) is named at once, so the total never claims to fit while it leaves a line out; a field
    not typed yet is not, and rows already flagged by a failed save keep their messages beside the fields."""
    amounts, problems = [], []
    for index, row in enumerate(form.lines):
        line, errors = row.read()
        amounts.append(line.amount if line is not None else None)
        if row.errors:
            continue
        problems.extend(LineProblem(f"lines-{index}-{name}", index + 1, str(LINE_FIELDS[name]), message)
                        for name, message in errors.items() if getattr(row, name).strip())
    total = sum(amount for amount in amounts if amount is not None)
    scope = form.chosen_scope
    district = form.chosen_district if scope == Scope.DISTRICT.value else None
    return Totals(amounts, proposals.cap_check(edition, scope, district, total), total > costs.MAX_TOTAL, scope,
                  problems)


CONFLICT_FIELDS = [
    ("scope", _l("Kind of project")), ("district", _l("District")), ("area", _l("Area")),
    ("title", _l("Title")), ("summary", _l("Short summary")), ("description", _l("Description")),
    ("location", _l("Where")), ("coordinates", _l("Coordinates")), ("beneficiaries", _l("Who benefits")),
    ("cost_lines", _l("Cost estimate")), ("total", _l("Total")), ("yearly_upkeep", _l("Yearly upkeep")),
]


def side(content, district_label, area_name):
    """One column of the conflict page: a version's content as the reader sees it."""
    coordinates = (f"{content.latitude}, {content.longitude}"
                   if content.latitude is not None and content.longitude is not None else "")
    return {
        "scope": Scope(content.scope).title, "district": district_label or "", "area": area_name or "",
        "title": content.title, "summary": content.summary, "description": content.description,
        "location": content.location, "coordinates": coordinates, "beneficiaries": content.beneficiaries,
        "cost_lines": list(content.cost_lines), "total": content.total_cost, "yearly_upkeep": content.yearly_upkeep,
    }


def conflict_rows(mine, theirs):
    """[(label, my value, their value, differs)] for every field of the proposal."""
    rows = []
    for name, label in CONFLICT_FIELDS:
        a, b = mine[name], theirs[name]
        differs = (a != b) if name != "scope" else (str(a) != str(b))
        rows.append({"name": name, "label": label, "mine": a, "theirs": b, "differs": differs})
    return rows
