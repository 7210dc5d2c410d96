"""Shared by the sealed-at-rest tests: keys made, staff signed in (granted or not), files read."""

import datetime as dt
from pathlib import Path

import pyotp

from pwa.storage import concerns, keys, staff
from tests.conftest import STAFF_PASSWORD


def init_keys(app) -> str:
    """`keys init` as the CLI does it; returns the recovery token."""
    return keys.init_keys(app.config["DATA_DIR"])


def _next_time_step(app) -> dt.datetime:
    """The app's clock a minute on: a TOTP code already used is refused (no replay)."""
    offset = app.config.setdefault("TEST_CLOCK_OFFSET", [dt.timedelta(0)])
    offset[0] += dt.timedelta(minutes=1)
    app.config["CLOCK"] = lambda: dt.datetime.now(dt.UTC) + offset[0]
    return app.config["CLOCK"]()


def sign_in(app, email: str, role: str = "staff", password: str = STAFF_PASSWORD):
    """A test client signed in with password and TOTP (the account made when missing)."""
    data_dir = app.config["DATA_DIR"]
    if staff.get_account(data_dir, email) is None:
        staff.create_account(data_dir, email, password, role)
        staff.set_locale(data_dir, email, "en")  # the tests read the English texts
    client = app.test_client()
    client.post("/staff/login", data={"email": email, "password": password})
    account = staff.get_account(data_dir, email)
    if not account["totp_confirmed"]:
        client.get("/staff/totp/setup")
        secret = staff.get_account(data_dir, email)["totp_secret"]
        step = "/staff/totp/setup"
    else:
        secret, step = account["totp_secret"], "/staff/totp"
    code = pyotp.TOTP(secret).at(_next_time_step(app))
    response = client.post(step, data={"code": code})
    assert response.location.endswith("/staff/inbox"), "sign-in did not complete"
    client.email = email
    return client


def granted(app, token: str, email: str, role: str = "staff"):
    """Signed in once (key pair made), granted with the recovery token, signed in again."""
    sign_in(app, email, role)
    data_dir = app.config["DATA_DIR"]
    keys.grant(data_dir, email, keys.open_cmp_key_with_recovery(data_dir, token))
    return sign_in(app, email, role)


def concern_file(app, concern_id: str) -> str:
    return (Path(app.config["DATA_DIR"]) / "concerns" / f"{concern_id}.json").read_text()


def stored(app, concern_id: str) -> dict:
    return concerns.get_concern(app.config["DATA_DIR"], concern_id)
