"""One mailer for the whole app: log by default, SMTP when configured, outbox in tests."""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import after_this_request, current_app, has_request_context


@dataclass
class Mail:
    to: str
    subject: str
    body: str


def outbox():
    return current_app.extensions.setdefault("pbflow_outbox", [])


def send_mail(to, subject, body):
    mail = Mail(to=to, subject=str(subject), body=str(body))
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        outbox().append(mail)
    elif backend == "smtp":
        _send_after_response(current_app._get_current_object(), mail)
    else:
        # WARNING, so it shows with gunicorn's default log level: without SMTP this is the only copy.
        current_app.logger.warning("mail (no SMTP configured) to %s: %s\n%s", mail.to, mail.subject, mail.body)
    return mail


def _send_after_response(app, mail):
    """Send once the answer has gone out: a slow SMTP server must not make the page slow,
    nor let response times tell whether an address is registered."""
    if not has_request_context():
        _send_smtp(app, mail)
        return

    @after_this_request
    def defer(response):
        response.call_on_close(lambda: _send_smtp(app, mail))
        return response


def _send_smtp(app, mail):
    config = app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        app.logger.exception("could not send mail to %s: %s", mail.to, mail.subject)
