"""Entry point for `flask --app wsgi run` and WSGI servers (gunicorn wsgi:app)."""

from pwa import create_app

app = create_app()
