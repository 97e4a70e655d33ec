"""Setting an edition up: its dates and caps, which one is current, the pools, the feedback criteria.

Each function takes plain values and the acting user, checks the rules (EditionError with a
message for people), changes the state, writes an audit event and leaves the commit to the view.
"""

import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from pbflow.core import audit, clock
from pbflow.core.money import MAX_AMOUNT
from pbflow.editions.models import (
    DESCRIPTION_HARD_MAX,
    SUMMARY_HARD_MAX,
    TITLE_HARD_MAX,
    DistrictBudget,
    Edition,
    FeedbackCriterion,
)
from pbflow.editions.services import EditionError, current_edition, districts, single_spaced
from pbflow.extensions import db

NAME_MAX = 120
FIRST_YEAR = 2000
YEARS_AHEAD = 10
YEARS_AROUND = 2  # every date lies within this many years of the edition's year
MAX_CRITERIA = 30  # the list is reordered in place, so it stays short instead of paginated
CRITERION_TITLE_MAX = 200
CRITERION_DESCRIPTION_MAX = 1000

# In the pathway's order: each date may not be earlier than the one before it.
DATE_LABELS = {
    "recruitment_opens": _l("Ambassador recruitment opens"),
    "recruitment_closes": _l("Ambassador recruitment closes"),
    "meetings_open": _l("Residents' meetings start"),
    "meetings_close": _l("Residents' meetings end"),
    "workshops_open": _l("Expert workshops start"),
    "workshops_close": _l("Expert workshops end"),
    "marathons_open": _l("Submission marathons start"),
    "marathons_close": _l("Submission marathons end"),
    "submission_deadline": _l("Final submission deadline"),
}
DATE_FIELDS = tuple(DATE_LABELS)
# The official platform's form limits, in characters: pbflow counts as authors type and flags the rest.
FORM_LIMIT_LABELS = {
    "title_max_chars": _l("Longest title"),
    "summary_min_chars": _l("Shortest summary"),
    "summary_max_chars": _l("Longest summary"),
    "description_max_chars": _l("Longest description"),
}
FORM_LIMIT_FIELDS = tuple(FORM_LIMIT_LABELS)
FORM_LIMIT_DEFAULTS = {"title_max_chars": 60, "summary_min_chars": 60, "summary_max_chars": 250,
                       "description_max_chars": 5000}
EDITION_FIELDS = ("name", "year", *DATE_FIELDS, "district_cap_percent", "citywide_cap_percent",
                  "district_cap_fixed", "citywide_cap_fixed", "rules_url", *FORM_LIMIT_FIELDS, "feedback_due_days",
                  "supporters_required", "reference_pattern")
FEEDBACK_DUE_DAYS_MAX = 365  # days the units get for feedback by default (Stage III routing)
SUPPORTERS_REQUIRED_MAX = 1000  # residents who must back a proposal (Stage IV)
REFERENCE_PATTERN_MAX = 200  # the official platform's reference format, a regular expression

# Seeded into every new edition; it is data (in Polish), the coordinator edits it.
DEFAULT_CRITERIA = [
    ("Zadanie własne gminy", "Propozycja mieści się w zadaniach własnych gminy Kraków."),
    ("Teren należący do miasta", "Propozycja dotyczy terenu, którym miasto może dysponować."),
    ("Realny koszt", "Szacunkowy koszt odpowiada cenom rynkowym."),
    ("Podany roczny koszt utrzymania", "Autorzy podali, ile będzie kosztować utrzymanie rocznie."),
    ("Ogólnodostępność", "Efekt będzie dostępny dla wszystkich mieszkańców."),
    ("Koszt w limicie", "Koszt nie przekracza limitu dla danej puli."),
]


# --- the rules an edition's values follow (the form shows the same messages) ---

def date_problems(values):
    """[(field, message)]: dates out of the pathway's order, or far from the edition's year."""
    problems = []
    year = values.get("year")
    previous = None
    for field in DATE_FIELDS:
        day = values.get(field)
        if day is None:
            continue
        if isinstance(year, int) and abs(day.year - year) > YEARS_AROUND:
            problems.append((field, _("This date is far from the edition's year (%(year)d). Check the year.",
                                      year=year)))
        elif previous is not None and day < values[previous]:
            problems.append((field, _("This date cannot be earlier than “%(label)s” (%(date)s).",
                                      label=DATE_LABELS[previous], date=format_date(values[previous]))))
        else:
            previous = field
    return problems


def percent_problem(value):
    if value is None or not Decimal(0) < Decimal(str(value)) <= Decimal(100):
        return _("Enter a percentage greater than 0 and at most 100.")
    return None


def rules_url_problem(url):
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(url) > 500:
        return _("Enter a web address starting with https:// or http://.")
    return None


def year_problem(year):
    last = clock.today().year + YEARS_AHEAD
    if not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        return _("Enter a year between %(first)d and %(last)d.", first=FIRST_YEAR, last=last)
    return None


def form_limit_problems(values):
    """[(field, message)] for the official form's limits that are given: whole numbers within what pbflow
    keeps at all (the hard limits of proposals), the shortest summary not above the longest."""
    bounds = {"title_max_chars": (1, TITLE_HARD_MAX), "summary_min_chars": (0, SUMMARY_HARD_MAX),
              "summary_max_chars": (1, SUMMARY_HARD_MAX), "description_max_chars": (1, DESCRIPTION_HARD_MAX)}
    problems = []
    for field, (lowest, highest) in bounds.items():
        if field not in values:
            continue
        value = values[field]
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            problems.append((field, _("Enter a whole number of characters between %(min)d and %(max)d.",
                                      min=lowest, max=highest)))
    shortest, longest = values.get("summary_min_chars"), values.get("summary_max_chars")
    if (not problems and isinstance(shortest, int) and isinstance(longest, int) and shortest > longest):
        problems.append(("summary_min_chars", _("The shortest summary cannot be longer than the longest "
                                                "summary (%(max)d characters).", max=longest)))
    return problems


def edition_problems(values):
    """Every broken rule as [(field, message)]; empty when the values make a valid edition."""
    problems = []
    name = single_spaced(values.get("name"))
    if not name or len(name) > NAME_MAX:
        problems.append(("name", _("Enter a name of at most %(max)d characters.", max=NAME_MAX)))
    if (problem := year_problem(values.get("year"))) is not None:
        problems.append(("year", problem))
    missing = [field for field in DATE_FIELDS if not isinstance(values.get(field), date)]
    problems += [(field, _("Enter the date.")) for field in missing]
    problems += date_problems(values)
    for field in ("district_cap_percent", "citywide_cap_percent"):
        if (problem := percent_problem(values.get(field))) is not None:
            problems.append((field, problem))
    for field in ("district_cap_fixed", "citywide_cap_fixed"):
        fixed = values.get(field)
        if fixed is not None and not 0 < fixed <= MAX_AMOUNT:
            problems.append((field, _("Enter an amount greater than zero, or leave the field empty.")))
    if (problem := rules_url_problem(values.get("rules_url"))) is not None:
        problems.append(("rules_url", problem))
    problems += form_limit_problems(values)
    if (problem := feedback_due_days_problem(values)) is not None:
        problems.append(("feedback_due_days", problem))
    problems += submission_setting_problems(values)
    return problems


def submission_setting_problems(values):
    """When given: how many supporters (0 to SUPPORTERS_REQUIRED_MAX) and a reference format that compiles."""
    problems = []
    if "supporters_required" in values:
        count = values["supporters_required"]
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= SUPPORTERS_REQUIRED_MAX:
            problems.append(("supporters_required", _("Enter a whole number of residents between 0 and %(max)d.",
                                                      max=SUPPORTERS_REQUIRED_MAX)))
    if "reference_pattern" in values:
        pattern = values["reference_pattern"]
        if not isinstance(pattern, str) or not pattern.strip():
            problems.append(("reference_pattern", _("Enter the format of the official platform's reference numbers.")))
        elif len(pattern) > REFERENCE_PATTERN_MAX:
            problems.append(("reference_pattern", _("Use at most %(max)d characters.", max=REFERENCE_PATTERN_MAX)))
        else:
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError, ValueError):
                problems.append(("reference_pattern", _("This is not a valid regular expression. Start from the "
                                                        "example and change one part at a time.")))
    return problems


def feedback_due_days_problem(values):
    """When given: a whole number of days from 1 to FEEDBACK_DUE_DAYS_MAX."""
    if "feedback_due_days" not in values:
        return None
    days = values["feedback_due_days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= FEEDBACK_DUE_DAYS_MAX:
        return _("Enter a whole number of days between 1 and %(max)d.", max=FEEDBACK_DUE_DAYS_MAX)
    return None


def _checked(values):
    unknown = set(values) - set(EDITION_FIELDS)
    if unknown:
        raise TypeError(f"not edition fields: {sorted(unknown)}")
    values = {**values, "name": single_spaced(values.get("name")), "rules_url": values.get("rules_url") or None}
    problems = edition_problems(values)
    if problems:
        raise EditionError(problems[0][1])
    return values


def name_taken(name, edition_id=None):
    """Another edition already has this name, letter case and spacing ignored (any database)."""
    key = single_spaced(name).casefold()
    return any(single_spaced(other).casefold() == key
               for other_id, other in db.session.execute(select(Edition.id, Edition.name))
               if other_id != edition_id)


def _check_name(name, edition_id=None):
    if name_taken(name, edition_id):
        raise EditionError(_("An edition called %(name)s already exists. Choose another name.", name=name))


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, Decimal) else value


# --- editions ----------------------------------------------------------------

def editions_query():
    return select(Edition).order_by(Edition.year.desc(), Edition.id.desc())


def create_edition(actor, **values):
    """A new edition with a zero pool for every district and the default criteria.

    The first edition becomes current; later ones wait until a coordinator makes them current.
    """
    values = _checked(values)
    _check_name(values["name"])
    edition = Edition(**values, is_current=current_edition() is None, citywide_pool=0)
    edition.budgets = [DistrictBudget(district_id=district.id, pool=0) for district in districts()]
    edition.criteria = [FeedbackCriterion(position=n, title=title, description=description)
                        for n, (title, description) in enumerate(DEFAULT_CRITERIA, 1)]
    db.session.add(edition)
    db.session.flush()
    audit.record(actor, "edition.created", edition, name=edition.name, year=edition.year, current=edition.is_current)
    return edition


def update_edition(actor, edition, **values):
    """Change the name, year, dates, cap rule or rules link; True when something changed."""
    values = _checked(values)
    _check_name(values["name"], edition.id)
    limits = {field: values.get(field, getattr(edition, field)) for field in FORM_LIMIT_FIELDS}
    if problems := form_limit_problems(limits):
        raise EditionError(problems[0][1])
    changes = {}
    for field, value in values.items():
        old = getattr(edition, field)
        if (Decimal(str(old)) != value) if isinstance(value, Decimal) else old != value:
            changes[field] = [_jsonable(old), _jsonable(value)]
            setattr(edition, field, value)
    if changes:
        audit.record(actor, "edition.updated", edition, **changes)
    return bool(changes)


def make_current(actor, edition):
    """Make this the one current edition; True when it was not current before."""
    if edition.is_current:
        return False
    # Lock the editions so two coordinators doing this at once queue up (PostgreSQL; SQLite's
    # BEGIN IMMEDIATE already does): the partial unique index then never sees two current ones.
    db.session.execute(select(Edition.id).with_for_update())
    previous = current_edition()
    db.session.execute(update(Edition).where(Edition.is_current.is_(True)).values(is_current=False))
    edition.is_current = True
    db.session.flush()
    audit.record(actor, "edition.made_current", edition, previous=previous.id if previous else None)
    return True


def set_pools(actor, edition, district_pools, citywide_pool):
    """Set the pools in grosze: {district id: pool} and the city-wide pool; True when one changed."""
    amounts = [*district_pools.values(), citywide_pool]
    if any(not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT for amount in amounts):
        raise EditionError(_("A pool must be an amount between zero and 10 billion złoty."))
    budgets = {budget.district_id: budget for budget in edition.budgets}
    changes = {}
    for district in districts():
        if district.id not in district_pools:
            continue
        budget = budgets.get(district.id)
        if budget is None:
            budget = DistrictBudget(district_id=district.id, pool=0)
            edition.budgets.append(budget)
        if budget.pool != district_pools[district.id]:
            changes[district.name] = [budget.pool, district_pools[district.id]]
            budget.pool = district_pools[district.id]
    if edition.citywide_pool != citywide_pool:
        changes["citywide"] = [edition.citywide_pool, citywide_pool]
        edition.citywide_pool = citywide_pool
    if changes:
        audit.record(actor, "edition.pools_updated", edition, **changes)
    return bool(changes)


# --- feedback criteria ---------------------------------------------------------

def _checked_criterion(title, description):
    title, description = single_spaced(title), (description or "").strip()
    if not title:
        raise EditionError(_("Enter the criterion."))
    if len(title) > CRITERION_TITLE_MAX or len(description) > CRITERION_DESCRIPTION_MAX:
        raise EditionError(_("The criterion or its explanation is too long."))
    return title, description


def _renumber(edition):
    edition.criteria.sort(key=lambda criterion: criterion.position)
    for position, criterion in enumerate(edition.criteria, 1):
        criterion.position = position


def add_criterion(actor, edition, title, description=""):
    """A criterion at the end of the list."""
    title, description = _checked_criterion(title, description)
    if len(edition.criteria) >= MAX_CRITERIA:
        raise EditionError(_("An edition can have at most %(max)d criteria.", max=MAX_CRITERIA))
    criterion = FeedbackCriterion(position=len(edition.criteria) + 1, title=title, description=description)
    edition.criteria.append(criterion)
    _renumber(edition)
    db.session.flush()
    audit.record(actor, "criterion.created", criterion, edition_id=edition.id, title=title,
                 position=criterion.position)
    return criterion


def update_criterion(actor, criterion, title, description=""):
    title, description = _checked_criterion(title, description)
    changes = {}
    if title != criterion.title:
        changes["title"] = [criterion.title, title]
        criterion.title = title
    if description != criterion.description:
        changes["description"] = True
        criterion.description = description
    if changes:
        audit.record(actor, "criterion.updated", criterion, edition_id=criterion.edition_id, **changes)
    return bool(changes)


def delete_criterion(actor, criterion):
    edition = criterion.edition
    audit.record(actor, "criterion.deleted", criterion, edition_id=edition.id, title=criterion.title)
    edition.criteria.remove(criterion)  # delete-orphan
    _renumber(edition)
    db.session.flush()


def move_criterion(actor, criterion, direction):
    """Swap with the neighbour above ("up") or below ("down"); False at the end of the list."""
    edition = criterion.edition
    _renumber(edition)
    index = edition.criteria.index(criterion)
    other = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= other < len(edition.criteria):
        return False
    neighbour = edition.criteria[other]
    criterion.position, neighbour.position = neighbour.position, criterion.position
    _renumber(edition)
    audit.record(actor, "criterion.moved", criterion, edition_id=edition.id, direction=direction,
                 position=criterion.position)
    return True
