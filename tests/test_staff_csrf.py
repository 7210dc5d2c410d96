"""CSRF: every state-changing workspace request without a valid token is refused."""

import re

import pyotp
import pytest

from pwa import create_app
from pwa.storage import audit, concerns, staff
from tests.test_staff_auth import ROUTE_SAMPLES

PASSWORD = "a long staff password"


@pytest.fixture
def csrf_app(tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATA_DIR": str(tmp_path / "data"),
            "WTF_CSRF_ENABLED": True,
        }
    )


def token_from(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


def sign_in_through_the_forms(app, email="csrf@cmp.example"):
    data_dir = app.config["DATA_DIR"]
    staff.create_account(data_dir, email, PASSWORD, "admin")
    client = app.test_client()
    token = token_from(client.get("/staff/login"))
    response = client.post(
        "/staff/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    token = token_from(client.get("/staff/totp/setup"))
    code = pyotp.TOTP(staff.get_account(data_dir, email)["totp_secret"]).now()
    response = client.post("/staff/totp/setup", data={"code": code, "csrf_token": token})
    assert response.location.endswith("/staff/inbox")
    return client


def post_routes(app, concern_id):
    from flask import url_for

    with app.test_request_context():
        return [
            url_for(rule.endpoint, **{n: ROUTE_SAMPLES.get(n, concern_id) for n in rule.arguments})
            for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/staff/") and "POST" in rule.methods
        ]


def test_sign_in_without_a_token_is_refused(csrf_app):
    staff.create_account(csrf_app.config["DATA_DIR"], "a@cmp.example", PASSWORD, "staff")
    response = csrf_app.test_client().post(
        "/staff/login", data={"email": "a@cmp.example", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "staff" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_every_post_route_refuses_a_missing_or_bad_token(csrf_app, token):
    client = sign_in_through_the_forms(csrf_app)
    data_dir = csrf_app.config["DATA_DIR"]
    fields = {"kind": "consult", "school": "S", "reporter_name": "R", "need": "N"}
    receipt, _ = concerns.save_concern(
        data_dir,
        "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        fields,
        concerns.body_hash(fields),
        "s",
        "nl",
    )
    before = concerns.get_concern(data_dir, receipt["id"])
    entries_before = len(audit.read_entries(data_dir))
    routes = post_routes(csrf_app, receipt["id"])
    assert len(routes) >= 9
    payload = {
        "advance": "1",
        "note": "x",
        "text": "x",
        "reference": receipt["reference"],
        "other": receipt["id"],
        "confirm": "y",
        "locale": "fr",
        "code": "123456",
    }
    if token:
        payload["csrf_token"] = token
    for url in sorted(routes, key=lambda u: u.endswith("/logout")):  # sign out last
        response = client.post(url, data=payload)
        assert response.status_code == 400, url
    assert concerns.get_concern(data_dir, receipt["id"]) == before
    assert len(audit.read_entries(data_dir)) == entries_before
    assert staff.get_account(data_dir, "csrf@cmp.example")["locale"] is None
    assert client.get("/staff/inbox").status_code == 200  # still signed in: logout refused too


def test_with_a_token_the_same_change_goes_through(csrf_app):
    client = sign_in_through_the_forms(csrf_app)
    token = token_from(client.get("/staff/inbox"))
    response = client.post("/staff/language", data={"locale": "fr", "csrf_token": token})
    assert response.status_code == 302
    assert staff.get_account(csrf_app.config["DATA_DIR"], "csrf@cmp.example")["locale"] == "fr"
    assert 'lang="fr"' in client.get("/staff/inbox").get_data(as_text=True)
