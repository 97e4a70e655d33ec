"""Statuses whose members carry a translated title and a CSS class.

Titles are kept per enum class: two enums of the same module may share a value ("pending",
"cancelled") with different titles, and StrEnum members equal their value, so one dict keyed by
members would let one enum's title overwrite the other's."""

import enum

_TITLES = {}


class TitledEnum(enum.StrEnum):
    @property
    def title(self):
        return _TITLES[(type(self), self.value)]

    @property
    def css_class(self):
        return f"{type(self).__name__.lower()}-{self.value.replace('_', '-')}"


def titles(*pairs):
    """Register (member, lazy title) pairs."""
    for member, title in pairs:
        _TITLES[(type(member), member.value)] = title
