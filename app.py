"""Entry point for flask and gunicorn."""

from pbflow import create_app

app = create_app()
