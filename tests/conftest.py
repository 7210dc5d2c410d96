"""Shared fixtures: an app on a fresh data folder, its test client and CLI runner."""

import pytest

from pwa import create_app
from tests.keys_helpers import FAST
from tests.samples import valid_concern


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATA_DIR": str(tmp_path / "data"),
            "KEY_WRAP_LIMITS": FAST,
        }
    )
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# ---------------------------------------------------------------- the CMP workspace (issue 4)

STAFF_PASSWORD = "a long staff password"


@pytest.fixture
def staff_app(tmp_path):
    """The app with CSRF off (tests/test_staff_csrf.py checks it with CSRF on)."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATA_DIR": str(tmp_path / "data"),
            "WTF_CSRF_ENABLED": False,
            "KEY_WRAP_LIMITS": FAST,
        }
    )


@pytest.fixture
def signed_in(staff_app):
    """Make an account and return a test client signed in with password and TOTP."""
    import itertools

    import pyotp

    from pwa.storage import staff

    numbers = itertools.count(1)

    def sign_in(role="staff", email=None, app=None):
        app = app or staff_app
        email = email or f"{role}{next(numbers)}@cmp.example"
        data_dir = app.config["DATA_DIR"]
        staff.create_account(data_dir, email, STAFF_PASSWORD, role)
        client = app.test_client()
        client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD})
        client.get("/staff/totp/setup")
        secret = staff.get_account(data_dir, email)["totp_secret"]
        response = client.post("/staff/totp/setup", data={"code": pyotp.TOTP(secret).now()})
        assert response.location.endswith("/staff/inbox"), "sign-in did not complete"
        client.email = email
        return client

    return sign_in


@pytest.fixture
def make_concern(staff_app):
    """Store a concern as the sync API would; returns its receipt (id, reference, token)."""
    import uuid

    from pwa.storage import concerns

    def make(app=None, received=None, receipt_key=None, **fields):
        app = app or staff_app
        # As stored after validation: the number in E.164, empty optional texts.
        defaults = dict(
            kind="registration",
            school="Sint-Jozefcollege",
            reporter_name="A. Leerkracht",
            reporter_phone="+3233383266",
            reporter_email="",
            clb_informed=True,
            pupil_ref="JD",
            pupil_grade="4",
            need="Worried about remarks in class.",
            assessment="unsure",
            steps_taken="",
        )
        values = valid_concern(**{**defaults, **fields})
        receipt, _ = concerns.save_concern(
            app.config["DATA_DIR"],
            str(uuid.uuid4()),
            values,
            concerns.body_hash(values),
            app.config["SECRET_KEY"],
            "nl",
            now=received,
            receipt_key=receipt_key,
        )
        return receipt

    return make
