"""Command-line tasks of Stage III: flask --app app send-overdue-notices (cron, e.g. daily)."""

import click
from flask.cli import with_appcontext

from pbflow.feedback import routing


@click.command("send-overdue-notices")
@with_appcontext
def send_overdue_notices():
    """Tell experts and coordinators about feedback past its due date; once per round, safe to run twice."""
    sent = routing.send_overdue_notices()
    click.echo(f"Sent overdue notices for {sent} routings.")


def init_app(app):
    app.cli.add_command(send_overdue_notices)
