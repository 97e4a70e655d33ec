"""Statuses that share a value keep their own titles (StrEnum members equal their value)."""

from pbflow.core.titles import TitledEnum, titles


class Invitation(TitledEnum):
    PENDING = "pending"


class Routing(TitledEnum):
    PENDING = "pending"


titles((Invitation.PENDING, "Waiting for an answer"), (Routing.PENDING, "Awaiting feedback"))


def test_two_enums_with_the_same_value_keep_their_own_titles():
    assert Invitation.PENDING == Routing.PENDING  # the trap: equal as strings
    assert (Invitation.PENDING.title, Routing.PENDING.title) == ("Waiting for an answer", "Awaiting feedback")
    assert Routing.PENDING.css_class == "routing-pending"


def test_every_stage_status_has_a_title(app):
    import enum

    from pbflow.feedback import models as feedback
    from pbflow.marathons import models as marathons
    from pbflow.workshops import models as workshops

    for module in (feedback, marathons, workshops):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, TitledEnum) and value is not TitledEnum:
                assert all(str(member.title) for member in value), value
                assert isinstance(value, enum.EnumMeta)
