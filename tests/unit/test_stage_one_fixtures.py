"""The Stage I factories build what the pathway needs: an open stage, areas, ambassadors."""

from pbflow.core import clock
from pbflow.editions import services as editions
from pbflow.editions.models import Edition, Stage
from pbflow.extensions import db


def test_an_edition_with_recruitment_open_today(app, make_edition):
    edition = make_edition()
    with app.app_context():
        assert editions.current_edition().id == edition.id
        assert editions.open_stage(db.session.get(Edition, edition.id)) == Stage.RECRUITMENT
        assert editions.open_stage(db.session.get(Edition, edition.id), clock.today().replace(year=2000)) is None


def test_each_stage_can_be_the_open_one(app, make_edition):
    for stage in Stage:
        edition = make_edition(name=f"Edycja {stage}", open_stage=stage.value)
        with app.app_context():
            assert editions.open_stage(db.session.get(Edition, edition.id)) == stage
            assert editions.current_edition().id == edition.id


def test_an_ambassador_is_approved_for_an_area(app, make_edition, make_ambassador):
    edition = make_edition()
    application = make_ambassador(edition)
    assert application.status == "approved" and application.area_id
