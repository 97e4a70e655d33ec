"""The main navigation: each domain registers its entries, shown by who may use them."""

from dataclasses import dataclass

from flask import request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string
    weight: int
    visible: object  # callable(user) -> bool


NAVIGATION = []


def nav_item(endpoint, label, weight, visible=lambda user: True):
    """Register an entry; lower weight comes first."""
    if not any(item.endpoint == endpoint for item in NAVIGATION):
        NAVIGATION.append(NavItem(endpoint, label, weight, visible))
        NAVIGATION.sort(key=lambda item: item.weight)


def navigation_items():
    return [
        {"url": url_for(item.endpoint), "label": item.label, "current": request.endpoint == item.endpoint}
        for item in NAVIGATION
        if item.visible(current_user)
    ]


def signed_in_with(*roles):
    return lambda user: user.is_authenticated and user.has_role(*roles)
