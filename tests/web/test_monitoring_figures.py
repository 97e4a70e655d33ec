"""Every computed figure of monitoring, checked against an edition counted by hand (monitoring_helpers.py)."""

from datetime import timedelta

import pytest

from pbflow.core import clock
from pbflow.extensions import db
from pbflow.monitoring.sources import SOURCES, Period, Scope, as_number
from tests.web import monitoring_helpers


@pytest.fixture
def counted(app, districts, make_edition, make_area, make_ambassador, make_user, make_meeting, make_proposal,
            make_unit, make_routing, make_feedback):
    return monitoring_helpers.build(app, districts, make_edition, make_area, make_ambassador, make_user,
                                    make_meeting, make_proposal, make_unit, make_routing, make_feedback)


WHOLE_TIME = Period()


def _values(app, scope, period=WHOLE_TIME):
    with app.app_context():
        row = db.session.execute(db.select(*(source.expression(scope, period).label(key)
                                             for key, source in SOURCES.items()))).one()
        return {key: as_number(value) for key, value in zip(SOURCES, row, strict=True)}


def test_every_source_matches_the_hand_count_for_the_edition(app, counted):
    assert _values(app, Scope(counted["edition"].id)) == monitoring_helpers.EXPECTED


def test_every_source_matches_the_hand_count_for_one_district(app, counted):
    scope = Scope(counted["edition"].id, district_id=counted["district_a"].id)
    assert _values(app, scope) == monitoring_helpers.EXPECTED_IN_A


def test_an_area_counts_only_what_happened_in_it(app, counted):
    values = _values(app, Scope(counted["edition"].id, area_id=counted["a1"].id))
    assert values["ambassadors_approved"] == 2
    assert values["drafts_created"] == 2  # pa1, pa2
    assert values["activity_sessions"] == 1  # the old training was for the whole district
    assert values["training_hours"] == 2


def test_a_period_counts_only_what_happened_within_it(app, counted):
    today = clock.today()
    values = _values(app, Scope(counted["edition"].id), Period(today - timedelta(days=7), today))
    assert values["meetings_held"] == 1  # 5 days ago; the others 10 and 20 days ago
    assert values["meeting_participants"] == 5
    assert values["sent_to_consultation"] == 0  # 15 days ago
    assert values["proposals_ready"] == 2
    assert values["activity_sessions"] == 3  # not the training 40 days ago
    assert values["training_hours"] == 2
    assert values["drafts_created"] == 6


def test_nothing_to_measure_is_no_data_not_zero(app, make_edition):
    edition = make_edition(name="Pusta edycja")
    values = _values(app, Scope(edition.id))
    assert values["median_days_to_feedback"] is None
    assert values["share_selected"] is None
    assert values["drafts_created"] == 0
