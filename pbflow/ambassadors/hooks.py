"""What the stages above add to an ambassador's dashboard without this package importing them.

An ambassador's dashboard shows each of their areas; proposals (which sit above Stage I) register the
area's newest proposals here. Registration happens when their modules are imported, which create_app does
for every domain."""

from dataclasses import dataclass

AREA_SECTIONS = []  # AreaSection, in order


@dataclass(frozen=True)
class AreaSection:
    """A part of each area's card: `context(edition, area_ids) -> {area_id: dict}` for all the ambassador's
    areas at once (a fixed number of queries); `template` renders one area's dict as `section`."""

    template: str
    context: object
    order: int = 100


def area_section(template, order=100):
    def register(context):
        AREA_SECTIONS.append(AreaSection(template, context, order))
        AREA_SECTIONS.sort(key=lambda section: section.order)
        return context
    return register


def area_sections(edition, area_ids):
    """{area_id: [(template, context)]}, in the sections' order."""
    found = {area_id: [] for area_id in area_ids}
    for section in AREA_SECTIONS:
        contexts = section.context(edition, area_ids)
        for area_id in area_ids:
            found[area_id].append((section.template, contexts[area_id]))
    return found
