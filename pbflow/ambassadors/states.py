"""Which application transitions are allowed from which status."""

from pbflow.ambassadors.models import ApplicationStatus

# action: (statuses it may start from, status it leads to)
TRANSITIONS = {
    "withdraw": (frozenset({ApplicationStatus.SUBMITTED}), ApplicationStatus.WITHDRAWN),
    "approve": (frozenset({ApplicationStatus.SUBMITTED}), ApplicationStatus.APPROVED),
    "reject": (frozenset({ApplicationStatus.SUBMITTED}), ApplicationStatus.REJECTED),
}

# Statuses that hold the applicant's one place in an edition.
LIVE = frozenset(ApplicationStatus) - {ApplicationStatus.WITHDRAWN}


def allowed(application, action):
    sources, _target = TRANSITIONS[action]
    return application.state in sources


def target(action):
    return TRANSITIONS[action][1]
