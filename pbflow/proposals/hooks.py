"""What later stages add to a proposal without this package importing them.

Stages III and IV sit above proposals: they register here who else may see a
proposal (experts of the units it was routed to), extra guards on a transition,
what follows a transition (a new round of feedback), and sections of the
proposal page (feedback, workshops). Registration happens when their modules
are imported, which create_app does for every domain."""

from dataclasses import dataclass

VIEWERS = []  # callables (user, proposal) -> bool
GUARDS = {}  # action -> [callables (actor, proposal) that raise TransitionNotAllowed]
AFTER = {}  # action -> [callables (actor, proposal, **data)]
SECTIONS = []  # PageSection, in order


@dataclass(frozen=True)
class PageSection:
    """A part of the proposal page: `context(user, proposal) -> dict or None` (None: nothing to show)
    renders `template` with that dict; it must run a fixed number of queries."""

    name: str
    template: str
    context: object
    order: int = 100


def viewer(rule):
    VIEWERS.append(rule)
    return rule


def guard(action):
    def register(check):
        GUARDS.setdefault(action, []).append(check)
        return check
    return register


def after(action):
    def register(follow):
        AFTER.setdefault(action, []).append(follow)
        return follow
    return register


def page_section(name, template, order=100):
    def register(context):
        if not any(s.name == name for s in SECTIONS):
            SECTIONS.append(PageSection(name, template, context, order))
            SECTIONS.sort(key=lambda s: s.order)
        return context
    return register


def may_view(user, proposal):
    return any(rule(user, proposal) for rule in VIEWERS)


def sections(user, proposal):
    """[(template, context)] for the sections that have something to show this person."""
    shown = []
    for section in SECTIONS:
        context = section.context(user, proposal)
        if context is not None:
            shown.append((section.template, context))
    return shown
