"""The health check a load balancer or an operator's monitor calls."""

from sqlalchemy.exc import OperationalError

from pbflow.extensions import db


def test_health_check_reports_the_app_and_database_up_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["database"] == "up"


def test_health_check_answers_503_when_the_database_is_down(client, monkeypatch):
    def database_down(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", database_down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json()["database"] == "down"
    assert response.get_json()["status"] != "ok"


def test_health_check_also_answers_for_a_signed_in_user(client, login, people):
    login(client, people["resident"])
    assert client.get("/healthz").status_code == 200
