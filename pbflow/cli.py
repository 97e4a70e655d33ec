"""Command-line tasks: flask --app app seed-demo | demo-logins | create-user | seed-bench | send-reminders."""

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from pbflow import demo
from pbflow.accounts import services as accounts
from pbflow.accounts.models import Role
from pbflow.accounts.passwords import password_problem
from pbflow.bench import data as bench_data
from pbflow.extensions import db
from pbflow.marathons import reminders as marathon_reminders
from pbflow.marathons import supporters
from pbflow.meetings import reminders


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no districts and no users yet.")
def seed_demo(if_empty):
    """Load demo data (districts, verifying units, one user per role); safe to run twice."""
    if if_empty and not demo.database_is_empty():
        click.echo("Database already has data; demo data not loaded.")
        return
    demo.seed()
    click.echo(f"Demo data loaded. Demo password for every demo user: {demo.DEMO_PASSWORD}")


@click.command("demo-logins")
@with_appcontext
def demo_logins():
    """Print the demo logins and, for each, what pbflow allows it to do right now (each action is tried and
    undone, so the list is true on the day it is printed)."""
    from flask import current_app

    from pbflow.demo import walk

    click.echo(f"Demo logins (password for each: {demo.DEMO_PASSWORD}):")
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]), force_locale("en"):
        for line in walk.where_things_are():
            click.echo(f"  {line}")
        for email, name, roles, _unit in demo.DEMO_USERS:
            click.echo(f"  {email:<26} {name:<18} {', '.join(r.value for r in roles) or 'resident'}")
            for action in (a for a in walk.ACTIONS if a.email == email):
                refused, path = walk.try_action(action), walk.where(action)
                at = f" — {current_app.config['BASE_URL'].rstrip('/')}{path}" if path else ""
                click.echo(f"      can now: {action.text}{at}" if not refused
                           else f"      not today: {action.text} ({refused})")
        db.session.rollback()


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", help="Full name (required for a new user).")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]),
              help="Role to grant; may be repeated.")
@click.option("--password", envvar="PBFLOW_NEW_USER_PASSWORD", help="Password for a new user (prompted when omitted).")
def create_user(email, name, roles, password):
    """Create a user, or grant roles to an existing one."""
    with force_locale("en"):
        user = accounts.find_by_email(email)
        if user is None:
            if not name:
                raise click.UsageError("--name is required for a new user.")
            if password is None:
                password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
            problem = password_problem(password)
            if problem:
                raise click.UsageError(str(problem))
            user = accounts.register(name, email, password, locale="pl")
            click.echo(f"Created {user.email}.")
        for role in roles:
            if accounts.grant_role(None, user, role):
                click.echo(f"Granted {role} to {user.email}.")
        db.session.commit()


@click.command("send-reminders")
@with_appcontext
def send_reminders():
    """Remind the people with a place at a meeting starting within 24 hours (cron runs this hourly)."""
    sent = reminders.send_reminders()
    click.echo(f"Sent {sent} reminders.")


def init_app(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(demo_logins)
    app.cli.add_command(create_user)
    app.cli.add_command(bench_data.seed_bench)
    app.cli.add_command(send_reminders)
    app.cli.add_command(supporters.forget_supporters)
    app.cli.add_command(marathon_reminders.command)
