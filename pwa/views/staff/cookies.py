"""The session cookie is Secure everywhere except plain local development on loopback."""

import ipaddress

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded")


def is_local_development() -> bool:
    """A request straight to a loopback host (flask run, the test servers), not via a proxy."""
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    host = request.host.rsplit(":", 1)[0].strip("[]") if request.host else ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SessionInterface(SecureCookieSessionInterface):
    """SESSION_COOKIE_SECURE None means automatic; True or False (from the environment) wins."""

    def get_cookie_secure(self, app: Flask) -> bool:
        setting = app.config.get("SESSION_COOKIE_SECURE")
        if setting is not None:
            return bool(setting)
        local = has_request_context() and not request.is_secure and is_local_development()
        return not local


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
