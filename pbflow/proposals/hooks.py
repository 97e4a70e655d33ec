"""What later stages add to a proposal without this package importing them.

Stages III and IV sit above proposals: they register here who else may see a
proposal (experts of the units it was routed to), who else may take a step (a
marathon's helper records the submission), what else readiness needs (the support
list, answered feedback), extra guards on a transition,
what follows a transition (a new round of feedback), and sections of the
proposal page (feedback, workshops). Registration happens when their modules
are imported, which create_app does for every domain."""

from dataclasses import dataclass

VIEWERS = []  # callables (user, proposal) -> bool
ACTORS = {}  # action -> [callables (user, proposal) -> bool]: who else may take that step
READINESS = []  # callables (proposal, version) -> [problem texts]: more that must be true to be ready
GUARDS = {}  # action -> [callables (actor, proposal) that raise TransitionNotAllowed]
AFTER = {}  # action -> [callables (actor, proposal, **data)]
SECTIONS = []  # PageSection, in order
FEEDBACK_FACTS = []  # callables (proposal) -> bool: has an expert's feedback been published for it?


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


def actor(action):
    """Someone beyond the transition's own people may take this step (e.g. a marathon's helper submits)."""
    def register(rule):
        ACTORS.setdefault(action, []).append(rule)
        return rule
    return register


def readiness(check):
    READINESS.append(check)
    return check


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


def published_feedback_check(check):
    FEEDBACK_FACTS.append(check)
    return check


def has_published_feedback(proposal):
    """Whether any verifying unit has published feedback on the proposal (False when no stage says so)."""
    return any(check(proposal) for check in FEEDBACK_FACTS)


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
