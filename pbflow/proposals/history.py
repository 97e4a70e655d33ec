"""Comparing two versions of a proposal: words added and removed in the text fields, cost lines
added, removed or changed, the total's and upkeep's differences, and where the project moved.

Everything here returns plain data (dataclasses of strings, numbers and cost lines); the
templates mark it up, so the texts stay escaped by Jinja whatever the authors typed. The description,
written in Markdown, is compared as its reader sees it: rendered and sanitised, then as plain text.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.core.markdown import reader_text
from pbflow.extensions import db
from pbflow.proposals import costs
from pbflow.proposals.models import ProposalVersion

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"
TEXT_FIELDS = ("title", "summary", "description", "location", "beneficiaries")
MARKDOWN_FIELDS = {"description"}  # shown rendered, so compared as rendered

# Words (letters and digits, Polish ones included), runs of punctuation, runs of whitespace:
# "Zielonej," and "Zielonej." differ only in the comma, and line breaks stay where they were.
_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


# --- reading ---------------------------------------------------------------------

def versions_query(proposal):
    """Every version of a proposal, newest first, with who saved it (for the paginated history)."""
    return (select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
            .order_by(ProposalVersion.number.desc()).options(joinedload(ProposalVersion.created_by)))


def version_pair(proposal, a, b):
    """Versions number a and b in one query, with author, district and area: {number: version}."""
    found = db.session.scalars(
        select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id,
                                      ProposalVersion.number.in_({a, b}))
        .options(joinedload(ProposalVersion.created_by), joinedload(ProposalVersion.district),
                 joinedload(ProposalVersion.area))).all()
    return {version.number: version for version in found}


# --- words -----------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    kind: str  # SAME, ADDED or REMOVED
    text: str


@dataclass(frozen=True)
class TextChange:
    """One text field in two versions: `old` holds what stayed and what went, `new` what stayed
    and what came."""

    name: str
    old: tuple
    new: tuple
    formatting_changed: bool = False  # Markdown marks changed while the words a reader sees did not

    @property
    def changed(self):
        return self.formatting_changed or self.words_changed

    @property
    def words_changed(self):
        return any(segment.kind != SAME for segment in self.old + self.new)

    @property
    def added_words(self):
        return [s.text for s in self.new if s.kind == ADDED]

    @property
    def removed_words(self):
        return [s.text for s in self.old if s.kind == REMOVED]


# Word-by-word matching of two texts costs time in proportion to this product of their token counts.
MAX_DIFF_WORK = 4_000_000


def tokens(text):
    return _TOKEN.findall((text or "").replace("\r\n", "\n"))


def _raw_opcodes(old, new):
    """Opcodes for the part between the common beginning and end; a part too large to match word by
    word (the matcher's time grows with the product of the two lengths) is one replacement."""
    start = 0
    while start < len(old) and start < len(new) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    codes = [("equal", 0, start, 0, start)] if start else []
    core_old, core_new = old[start:end_old], new[start:end_new]
    if core_old or core_new:
        if len(core_old) * len(core_new) > MAX_DIFF_WORK or not core_old or not core_new:
            tag = "replace" if core_old and core_new else ("delete" if core_old else "insert")
            codes.append((tag, start, end_old, start, end_new))
        else:
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, core_old, core_new, autojunk=False).get_opcodes():
                codes.append((tag, i1 + start, i2 + start, j1 + start, j2 + start))
    if end_old < len(old):
        codes.append(("equal", end_old, len(old), end_new, len(new)))
    return codes


def _opcodes(old, new):
    """SequenceMatcher's opcodes, with whitespace-only matches between two changes folded into them,
    so that "a b c" → "x y z" reads as one replacement instead of three."""
    codes = _raw_opcodes(old, new)
    merged = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        between_changes = 0 < index < len(codes) - 1
        if tag == "equal" and between_changes and all(token.isspace() for token in old[i1:i2]):
            tag = "replace"
        if merged and tag != "equal" and merged[-1][0] != "equal":
            _tag, start_i, _end_i, start_j, _end_j = merged[-1]
            merged[-1] = ("replace", start_i, i2, start_j, j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def _segments(pieces):
    """Join neighbouring pieces of the same kind."""
    joined = []
    for kind, text in pieces:
        if not text:
            continue
        if joined and joined[-1][0] == kind:
            joined[-1] = (kind, joined[-1][1] + text)
        else:
            joined.append((kind, text))
    return tuple(Segment(kind, text) for kind, text in joined)


def diff_read_text(old_markdown, new_markdown, name=""):
    """Words of Markdown compared as a reader sees them (rendered, sanitised, tags dropped), so that "##" or
    "**" never show up as changes; a change of formatting alone is flagged instead."""
    change = diff_words(reader_text(old_markdown), reader_text(new_markdown), name)
    if not change.changed and (old_markdown or "").replace("\r\n", "\n") != (new_markdown or "").replace("\r\n", "\n"):
        return TextChange(name, change.old, change.new, formatting_changed=True)
    return change


def diff_words(old_text, new_text, name=""):
    old, new = tokens(old_text), tokens(new_text)
    left, right = [], []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            left.append((SAME, "".join(old[i1:i2])))
            right.append((SAME, "".join(new[j1:j2])))
        else:
            left.append((REMOVED, "".join(old[i1:i2])))
            right.append((ADDED, "".join(new[j1:j2])))
    return TextChange(name, _segments(left), _segments(right))


# --- costs -----------------------------------------------------------------------

@dataclass(frozen=True)
class CostRow:
    """One line of the cost estimate in the two versions (old or new is None when added or removed)."""

    kind: str  # SAME, ADDED, REMOVED or CHANGED
    old: costs.CostLine | None
    new: costs.CostLine | None

    @property
    def item(self):
        return (self.new or self.old).item

    @property
    def item_changed(self):
        return self.old is not None and self.new is not None and self.old.item != self.new.item

    @property
    def quantity_changed(self):
        return self.old is not None and self.new is not None and self.old.quantity != self.new.quantity

    @property
    def price_changed(self):
        return self.old is not None and self.new is not None and self.old.unit_price != self.new.unit_price

    @property
    def amount_changed(self):
        return self.kind != SAME

    @property
    def difference(self):
        return (self.new.amount if self.new else 0) - (self.old.amount if self.old else 0)


def _key(item):
    return " ".join(item.split()).casefold()


def _as_lines(lines):
    return [line if isinstance(line, costs.CostLine) else costs.CostLine.from_json(line) for line in lines or []]


def diff_costs(old_lines, new_lines):
    """Lines matched by item name (case and spacing aside; repeated names pair up in order),
    in the new version's order, each removed line shown where it stood."""
    old, new = _as_lines(old_lines), _as_lines(new_lines)
    waiting = {}
    for index, line in enumerate(old):
        waiting.setdefault(_key(line.item), []).append(index)
    match_of_new, matched_old = {}, {}
    for j, line in enumerate(new):
        candidates = waiting.get(_key(line.item))
        if candidates:
            i = candidates.pop(0)
            match_of_new[j], matched_old[i] = i, j
    # A removed line goes after the new row of the nearest matched line above it.
    removed_after = {}
    anchor = -1
    for i, line in enumerate(old):
        if i in matched_old:
            anchor = matched_old[i]
        else:
            removed_after.setdefault(anchor, []).append(line)
    rows = [CostRow(REMOVED, line, None) for line in removed_after.get(-1, [])]
    for j, line in enumerate(new):
        if j in match_of_new:
            before = old[match_of_new[j]]
            rows.append(CostRow(SAME if before == line else CHANGED, before, line))
        else:
            rows.append(CostRow(ADDED, None, line))
        rows.extend(CostRow(REMOVED, gone, None) for gone in removed_after.get(j, []))
    return rows


# --- the whole comparison --------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A value in the two versions (an amount in grosze, a label, coordinates)."""

    old: object
    new: object

    @property
    def changed(self):
        return self.old != self.new

    @property
    def difference(self):
        return self.new - self.old


@dataclass(frozen=True)
class Comparison:
    old: ProposalVersion
    new: ProposalVersion
    texts: list = field(default_factory=list)  # [TextChange], in TEXT_FIELDS order
    cost_rows: list = field(default_factory=list)  # [CostRow]
    total: Change | None = None
    upkeep: Change | None = None
    places: dict = field(default_factory=dict)  # name -> Change, only what changed

    @property
    def changed_texts(self):
        return [text for text in self.texts if text.changed]

    @property
    def unchanged_texts(self):
        return [text for text in self.texts if not text.changed]

    @property
    def costs_changed(self):
        return any(row.kind != SAME for row in self.cost_rows) or self.upkeep.changed

    @property
    def changed(self):
        return bool(self.changed_texts or self.places or self.costs_changed or self.total.changed)


def _district(version):
    return version.district.label if version.district_id is not None else None


def _area(version):
    return version.area.name if version.area_id is not None else None


def _coordinates(version):
    if version.latitude is None or version.longitude is None:
        return None
    return (version.latitude, version.longitude)


def compare(old, new):
    """Compare two versions (their district and area loaded when set, as version_pair loads them)."""
    places = {}
    for name, value in (("scope", lambda v: v.scope), ("district", _district), ("area", _area),
                        ("coordinates", _coordinates)):
        change = Change(value(old), value(new))
        if change.changed:
            places[name] = change
    return Comparison(
        old=old, new=new,
        texts=[(diff_read_text if name in MARKDOWN_FIELDS else diff_words)(getattr(old, name), getattr(new, name), name)
               for name in TEXT_FIELDS],
        cost_rows=diff_costs(old.cost_lines, new.cost_lines),
        total=Change(old.total_cost, new.total_cost),
        upkeep=Change(old.yearly_upkeep, new.yearly_upkeep),
        places=places)
