"""Command-line tasks a city's administrator runs."""

from sqlalchemy import func, select

from pbflow.accounts.models import Role, User
from pbflow.core.models import AuditEvent
from pbflow.demo import DEMO_PASSWORD, DEMO_USERS
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
    assert first == {"District": 18, "VerifyingUnit": 7, "User": len(DEMO_USERS), "UnitMembership": 1}
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
