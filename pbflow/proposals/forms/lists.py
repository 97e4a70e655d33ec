"""The GET filter forms of the proposal lists. Labels are lazy so they follow the language."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectChoice, SelectField
from wtforms.validators import Optional

from pbflow.accounts.forms import strip
from pbflow.ambassadors.forms import optional_id
from pbflow.core.fields import PlainSelect
from pbflow.core.forms import Form
from pbflow.editions.models import Scope
from pbflow.proposals import queries_lists
from pbflow.proposals.models import ProposalStatus

SORT_TITLES = {
    queries_lists.RELEVANCE: _l("Best match (when searching), otherwise last change"),
    queries_lists.CHANGED: _l("Last change, newest first"),
    queries_lists.TITLE: _l("Title, A to Z"),
    queries_lists.COST: _l("Total cost, highest first"),
    queries_lists.STATUS: _l("Status, along the pathway"),
}
CHOOSE_FROM_LIST = _l("Choose from the list.")
QUERY_MAX = 200  # characters of a search kept; more is cut off (a pasted page of text still gives a list)


def _at_most(value):
    return value[:QUERY_MAX] if isinstance(value, str) else value


def _select(label, coerce=str, **kwargs):
    return SelectField(label, coerce=coerce, invalid_value_message=CHOOSE_FROM_LIST,
                       invalid_choice_message=CHOOSE_FROM_LIST, widget=PlainSelect(), **kwargs)


class ProposalFilterForm(Form):
    """The public list's filters; the coordinators' form adds area and scope."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    q = SearchField(_l("Words to look for"), filters=[strip, _at_most], render_kw={"maxlength": QUERY_MAX},
                    description=_l("Searches titles, summaries and descriptions; Polish letters may be typed "
                                   "without diacritics, e.g. “zielen” finds “zieleń”."),
                    validators=[Optional()])
    edition = _select(_l("Edition"), coerce=optional_id)
    district = _select(_l("District"), coerce=optional_id)
    status = _select(_l("Status"), default="",
                     choices=[SelectChoice("", _l("All statuses"))]
                     + [SelectChoice(s.value, s.title) for s in ProposalStatus])
    sort = _select(_l("Sort by"), default=queries_lists.RELEVANCE,
                   choices=[SelectChoice(value, title) for value, title in SORT_TITLES.items()])

    def set_choices(self, editions, districts, **_kwargs):
        """Editions as rows with id and name, districts as (id, label): queries_lists.editions and
        editions.services.district_options."""
        self.edition.choices = [SelectChoice(str(e.id), e.name) for e in editions]
        self.district.choices = [SelectChoice("", _l("All districts"))] + [
            SelectChoice(str(district_id), label) for district_id, label in districts]

    def filters(self, **fixed):
        values = {"edition_id": self.edition.data, "district_id": self.district.data,
                  "status": self.status.data or None, "text": self.q.data or None,
                  "sort": self.sort.data or queries_lists.RELEVANCE}
        return queries_lists.Filters(**{**values, **fixed})

    def url_args(self):
        """The filters as query-string arguments for the pagination links (None ones are left out)."""
        return {name: (field.data or None) for name, field in self._fields.items()}


class CoordinatorFilterForm(ProposalFilterForm):
    area = _select(_l("Area"), coerce=optional_id)
    scope = _select(_l("Scope"), default="",
                    choices=[SelectChoice("", _l("District and city-wide"))]
                    + [SelectChoice(s.value, s.title) for s in Scope])

    def set_choices(self, editions, districts, areas=()):
        """Areas as (id, name, district's label): editions.services.area_options."""
        super().set_choices(editions, districts)
        self.area.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(str(area_id), name, optgroup=district) for area_id, name, district in areas]

    def filters(self, **fixed):
        return super().filters(**{"area_id": self.area.data, "scope": self.scope.data or None, **fixed})


class AreaFilterForm(ProposalFilterForm):
    """An area's proposals in the current edition: only status, words and order to choose."""

    edition = None
    district = None

    def set_choices(self, *_args, **_kwargs):
        pass

    def filters(self, **fixed):
        return queries_lists.Filters(status=self.status.data or None, text=self.q.data or None,
                                     sort=self.sort.data or queries_lists.RELEVANCE, **fixed)
