"""flask --app app import-pabulib PATH...: load past PB results from Pabulib files or folders."""

import time

import click
from flask.cli import with_appcontext

from pbflow.past_results import importer


@click.command("import-pabulib")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def import_pabulib(paths):
    """Import .pb files (or every .pb file in the folders given); importing a file again changes nothing."""
    started = time.perf_counter()

    def show(outcome):
        if outcome.status == "failed":
            click.echo(f"  FAILED     {outcome.name}: {outcome.error}", err=True)
        else:
            where = outcome.district or "city-wide"
            click.echo(f"  {outcome.status:<10} {outcome.name}: {outcome.year}, {where}, "
                       f"{outcome.projects} projects, {outcome.votes} votes")

    report = importer.import_paths(paths, on_file=show)
    elapsed = time.perf_counter() - started
    click.echo(f"{len(report.outcomes)} files in {elapsed:.1f} s: {report.count('created')} created, "
               f"{report.count('updated')} updated, {report.count('unchanged')} unchanged, "
               f"{len(report.failed)} failed.")
    if report.failed:
        raise SystemExit(1)


def init_app(app):
    app.cli.add_command(import_pabulib)
