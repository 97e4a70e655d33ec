"""The demo can be walked: after demo.seed() every action the run log lists for a login is allowed today,
proved by the services themselves (each is tried and undone), and the run log says so."""

from datetime import timedelta

import pytest

from pbflow import demo
from pbflow.core import clock
from pbflow.demo import walk
from pbflow.editions import services as editions
from pbflow.extensions import db


@pytest.fixture
def seeded(app, monkeypatch):
    monkeypatch.setenv("PBFLOW_PABULIB_DIR", "/nonexistent")  # Kraków's past results are not needed here
    with app.app_context():
        demo.seed()
    return app


def refusals(app):
    with app.test_request_context():
        found = {action.text: walk.try_action(action) for action in walk.ACTIONS}
        db.session.rollback()
    return {text: why for text, why in found.items() if why}


def test_every_listed_action_is_allowed_today_for_its_login(seeded):
    assert refusals(seeded) == {}
    assert {a.email for a in walk.ACTIONS} == {email for email, *_rest in demo.DEMO_USERS}  # nobody left idle
    assert refusals(seeded) == {}  # trying them changed nothing: the second round passes too


def test_the_current_edition_is_at_a_stage_where_drafts_go_to_the_verifying_units(seeded):
    with seeded.app_context():
        stage = editions.open_stage(editions.current_edition())
    assert stage in {"meetings", "workshops"}


def test_the_checks_are_the_rules_not_a_list(seeded):
    """Close the current edition's stages and the resident's and the ambassador's actions are refused."""
    with seeded.app_context():
        edition = editions.current_edition()
        edition.meetings_close = clock.today() - timedelta(days=1)
        edition.workshops_open = clock.today() + timedelta(days=3)
        db.session.commit()
    refused = refusals(seeded)
    assert "write a draft proposal and send it to the verifying units" in refused
    assert "schedule a residents' meeting for Ruczaj" in refused


def test_the_run_log_prints_what_each_login_can_do_now(seeded):
    result = seeded.test_cli_runner().invoke(args=["demo-logins"])
    assert result.exit_code == 0, result.output
    assert "not today" not in result.output
    for action in walk.ACTIONS:
        assert f"can now: {action.text}" in result.output
    desk = next(line for line in result.output.splitlines() if "practice edition's marathon" in line)
    assert desk.rstrip().endswith("/desk"), desk  # the practice marathon is not in the current edition's list
    assert "Wspólne Projekty 2027 (current edition): open today — Residents' meetings" in result.output
    assert "Wspólne Projekty – edycja ćwiczebna (practice edition): open today — Submission marathons" in result.output


def test_the_practice_desk_opens_for_the_coordinator(seeded, client, login):
    login(client, "koordynator@example.org", demo.DEMO_PASSWORD)
    with seeded.test_request_context():
        desk = walk.practice_desk()
    response = client.get(desk)
    assert response.status_code == 200
    assert "Poidełko i stojaki rowerowe przy Parku Ruczaj" in response.get_data(as_text=True)
