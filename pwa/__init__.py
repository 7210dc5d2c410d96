"""Wegwijzer: what to do, in which order and whom to call when a pupil may be radicalising."""

from flask import Flask

from . import config, i18n, offline, security
from .extensions import compress, csrf
from .guidance import load_content


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; runs with no configuration (see config.py)."""
    app = Flask(__name__, instance_relative_config=True)
    config.configure(app, test_config)

    # Broken content stops the start with a message naming the file and item:
    # better no app than an app with a wrong phone number.
    app.extensions["wegwijzer.content"] = load_content(app.config["CONTENT_DIR"])

    csrf.init_app(app)
    compress.init_app(app)
    i18n.init_app(app)
    security.init_app(app)

    from .views import public

    app.register_blueprint(public.bp)
    app.register_blueprint(public.pages)
    offline.init_app(app)
    return app
