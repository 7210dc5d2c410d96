"""Wegwijzer: what to do, in which order and whom to call when a pupil may be radicalising."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    config,
    data_format_gate,
    i18n,
    keys_status,
    live_guidance,
    offline,
    privacy,
    request_log,
    security,
)
from .extensions import compress, csrf


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; runs with no configuration (see config.py)."""
    app = Flask(
        __name__, instance_relative_config=True, instance_path=config.instance_path(test_config)
    )
    config.configure(app, test_config)
    request_log.init_app(app)  # first: start-up warnings are JSON lines too
    # Before anything writes to the data folder: is its format one this app serves?
    data_format_gate.init_app(app)
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy, trust its X-Forwarded-* headers, so per-address sign-in
        # throttling sees the real client and not the proxy.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    # Broken content stops the start with a message naming the item.
    live_guidance.init_app(app)

    csrf.init_app(app)
    compress.init_app(app)
    i18n.init_app(app)
    security.init_app(app)

    from . import cli
    from .views import api, concern_pages, privacy_page, public, staff  # noqa: F401 (add routes)

    app.register_blueprint(public.bp)
    app.register_blueprint(public.pages)
    app.register_blueprint(api.bp)
    staff.init_app(app)  # the CMP workspace under /staff/ (and its session cookie rules)
    cli.init_app(app)
    offline.init_app(app)
    privacy.warn_if_unconfigured(app)  # once per start, never per request
    keys_status.warn_if_no_keys(app)
    return app
