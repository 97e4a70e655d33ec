"""One mailer: an outbox in tests, the log by default, SMTP after the response when configured."""

import smtplib

import pytest
from flask import Flask

from pbflow.core import mail as mailer
from pbflow.core.web.permissions import public


class FakeSMTP:
    sent = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp_app(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="smtp.example.org", MAIL_USERNAME="pbflow",
                      MAIL_DEFAULT_SENDER="pbflow <no-reply@example.org>")
    return app


def test_smtp_mail_leaves_after_the_response_is_sent(smtp_app):
    def send_and_answer():
        mailer.send_mail("jan@example.org", "Temat", "Treść z polskimi literami: zażółć")
        assert FakeSMTP.sent == []  # not yet: the page must not wait for the SMTP server
        return "ok"

    smtp_app.add_url_rule("/send", "send", public(send_and_answer))
    response = smtp_app.test_client().get("/send")
    response.close()
    assert len(FakeSMTP.sent) == 1
    message = FakeSMTP.sent[0]
    assert message["To"] == "jan@example.org" and message["Subject"] == "Temat"
    assert "zażółć" in message.get_content()


def test_smtp_failures_are_logged_not_raised(smtp_app, monkeypatch, caplog):
    def refuse(*_args, **_kwargs):
        raise smtplib.SMTPConnectError(421, "busy")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    with smtp_app.app_context():
        mailer.send_mail("jan@example.org", "Temat", "Treść")
    assert "could not send mail" in caplog.text


def test_without_smtp_the_mail_is_written_to_the_log(app, caplog):
    app.config["MAIL_BACKEND"] = "log"
    with app.app_context(), caplog.at_level("INFO"):
        mailer.send_mail("jan@example.org", "Temat", "Link: https://example.org/x")
    assert "jan@example.org" in caplog.text and "https://example.org/x" in caplog.text


def test_tests_read_an_outbox(app):
    with app.app_context():
        mailer.send_mail("jan@example.org", "Temat", "Treść")
        assert [m.to for m in mailer.outbox()] == ["jan@example.org"]
    assert isinstance(app, Flask)
