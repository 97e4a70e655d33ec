"""Command-line tasks a city's administrator runs."""

from sqlalchemy import func, select

from pbflow.accounts.models import Role, User
from pbflow.core.models import AuditEvent
from pbflow.demo import DEMO_PASSWORD, DEMO_USERS, stage_one
from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.feedback.models import UnitMembership, VerifyingUnit


def counts(app):
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (District, VerifyingUnit, User, UnitMembership)}


def test_demo_data_loads_krakow_and_one_person_per_role_and_is_safe_twice(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    first = counts(app)
    extra_ambassadors = {a[0] for a in stage_one.AMBASSADORS} - {u[0] for u in DEMO_USERS}
    assert first == {"District": 18, "VerifyingUnit": 7, "User": len(DEMO_USERS) + len(extra_ambassadors),
                     "UnitMembership": 1}
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts(app) == first
    with app.app_context():
        names = db.session.scalars(select(District.name).order_by(District.number)).all()
        assert names[0] == "Stare Miasto" and names[-1] == "Nowa Huta" and "Łagiewniki-Borek Fałęcki" in names
        coordinator = db.session.scalar(select(User).where(User.email == "koordynator@example.org"))
        assert coordinator.has_role(Role.COORDINATOR)


def test_demo_logins_work(app, runner, login):
    runner.invoke(args=["seed-demo"])
    client = app.test_client()
    login(client, "koordynator@example.org", DEMO_PASSWORD)
    assert client.get("/users/").status_code == 200


def test_seed_if_empty_leaves_a_used_database_alone(app, runner, make_user):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert counts(app)["District"] == 0


def test_create_user_creates_a_coordinator(app, runner, login):
    result = runner.invoke(args=["create-user", "Maria@Example.org", "--name", "Maria Dąbrowska",
                                 "--role", "coordinator", "--password", "sekretne hasło krakowskie"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        verbs = db.session.scalars(select(AuditEvent.verb).order_by(AuditEvent.id)).all()
        assert verbs == ["account.registered", "role.granted"]
    client = app.test_client()
    login(client, "maria@example.org", "sekretne hasło krakowskie")
    assert client.get("/users/").status_code == 200


def test_create_user_promotes_an_existing_user(app, runner, make_user):
    person = make_user(email="jan@example.org")
    result = runner.invoke(args=["create-user", "JAN@example.org", "--role", "expert", "--role", "ambassador"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(User, person.id).role_names == {Role.EXPERT, Role.AMBASSADOR}


def test_create_user_refuses_weak_passwords_and_missing_names(runner):
    result = runner.invoke(args=["create-user", "x@example.org", "--name", "X", "--password", "short"])
    assert result.exit_code != 0 and "at least 10" in result.output
    result = runner.invoke(args=["create-user", "y@example.org", "--password", "long enough password"])
    assert result.exit_code != 0 and "--name" in result.output


def test_demo_edition_is_current_with_recruitment_open_areas_ambassadors_and_training(app, runner):
    from pbflow.ambassadors.models import AmbassadorApplication, TrainingItem
    from pbflow.editions import services as editions
    from pbflow.editions.models import Area, Stage

    runner.invoke(args=["seed-demo"])
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        edition = editions.current_edition()
        assert edition.name == stage_one.EDITION_NAME
        assert editions.open_stage(edition) == Stage.RECRUITMENT
        assert {b.district.name: b.pool for b in edition.budgets}["Dębniki"] == 2_415_205_00
        assert len(edition.criteria) == 6
        assert db.session.scalar(select(func.count()).select_from(Area)) == 36
        statuses = db.session.scalars(select(AmbassadorApplication.status)).all()
        assert statuses.count("approved") == 4 and statuses.count("submitted") == 2
        assert db.session.scalar(select(func.count()).select_from(TrainingItem)) == 5
