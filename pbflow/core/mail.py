"""One mailer for the whole app: log by default, SMTP when configured, outbox in tests."""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app


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
        _send_smtp(mail)
    else:
        current_app.logger.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
    return mail


def _send_smtp(mail):
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
