"""The main navigation: each domain registers its entries, shown by who may use them."""

from dataclasses import dataclass

from flask import current_app, request, url_for
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
    user = current_user._get_current_object()  # once, not through the proxy for every entry
    endpoint = request.endpoint
    # No entry takes arguments, so its address depends only on the app and the script root: built once, not on
    # every page.
    urls = current_app.extensions.setdefault("pbflow_navigation_urls", {}).setdefault(request.script_root, {})
    items = []
    for item in NAVIGATION:
        if item.visible(user):
            url = urls.get(item.endpoint)
            if url is None:
                url = urls[item.endpoint] = url_for(item.endpoint)
            items.append({"url": url, "label": item.label, "current": endpoint == item.endpoint})
    return items


def signed_in_with(*roles):
    return lambda user: user.is_authenticated and user.has_role(*roles)
