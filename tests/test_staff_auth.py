"""Staff sign-in: every workspace route is closed without password AND second factor."""

import datetime as dt
import re

import pyotp
import pytest

from pwa.storage import staff

STAFF_PASSWORD = "a long staff password"  # as in conftest.py

OPEN = {"staff.login"}
SECOND_FACTOR = {"staff.totp_setup", "staff.totp_verify"}
# Route arguments that are not a concern's id: a guidance version, a language, a region.
ROUTE_SAMPLES = {"version": 1, "lang": "nl", "region_id": "antwerpen"}


def staff_routes(app, concern_id):
    """(endpoint, method, url) for every /staff/ route, with real values for its arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/"):
            continue
        values = {name: ROUTE_SAMPLES.get(name, concern_id) for name in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((rule.endpoint, method, url))
    return found


def password_only_client(app, email="half@cmp.example"):
    if not staff.get_account(app.config["DATA_DIR"], email):
        staff.create_account(app.config["DATA_DIR"], email, STAFF_PASSWORD, "admin")
    client = app.test_client()
    response = client.post("/staff/login", data={"email": email, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    return client


def flash_text(response) -> str:
    return " ".join(re.findall(r'<p class="flash[^"]*">(.*?)</p>', response.get_data(as_text=True)))


def test_the_walk_covers_the_whole_workspace(staff_app, make_concern):
    endpoints = {e for e, _, _ in staff_routes(staff_app, make_concern()["id"])}
    assert {"staff.inbox", "staff.concern", "staff.step", "staff.export", "staff.audit_log"} <= (
        endpoints
    )
    assert len(endpoints) >= 14


def test_every_route_refuses_an_anonymous_request(staff_app, make_concern):
    receipt = make_concern(school="Secret School")
    for endpoint, method, url in staff_routes(staff_app, receipt["id"]):
        response = staff_app.test_client().open(url, method=method)
        body = response.get_data(as_text=True)
        assert "Secret School" not in body and receipt["reference"] not in body, url
        if endpoint in OPEN:
            continue
        assert response.status_code == 302, (method, url)
        assert response.location.endswith("/staff/login"), (method, url)


def test_every_route_refuses_a_password_without_second_factor(staff_app, make_concern):
    receipt = make_concern(school="Secret School")
    for endpoint, method, url in staff_routes(staff_app, receipt["id"]):
        client = password_only_client(staff_app)
        response = client.open(url, method=method)
        body = response.get_data(as_text=True)
        assert "Secret School" not in body and receipt["reference"] not in body, url
        if endpoint in OPEN | {"staff.totp_setup", "staff.logout"}:
            continue
        # Anything beyond the TOTP step sends the visitor back to it (verify included:
        # this account has no confirmed second factor yet).
        assert response.status_code == 302, (method, url)
        assert response.location.endswith("/staff/totp/setup"), (method, url)


def test_a_confirmed_second_factor_cannot_be_set_up_again(staff_app, signed_in):
    email = signed_in().email
    client = password_only_client(staff_app, email)
    response = client.get("/staff/totp/setup")
    assert response.location.endswith("/staff/totp")  # the verify step, no new key shown
    assert client.get("/staff/inbox").location.endswith("/staff/totp")


def test_the_second_factor_steps_are_closed_once_fully_signed_in(signed_in):
    client = signed_in()
    for url in ("/staff/totp/setup", "/staff/totp"):
        assert client.get(url).location.endswith("/staff/inbox")


def test_setup_shows_an_svg_qr_code_and_the_key_as_text(staff_app):
    client = password_only_client(staff_app)
    html = client.get("/staff/totp/setup").get_data(as_text=True)
    secret = staff.get_account(staff_app.config["DATA_DIR"], "half@cmp.example")["totp_secret"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="qr"' in html
    assert " style=" not in html and "<style" not in html  # the CSP allows no inline style
    grouped = re.search(r'<code class="totp-key" id="totp-key">([A-Z2-7 ]+)</code>', html)
    assert grouped and grouped.group(1).replace(" ", "") == secret


def test_the_second_factor_counts_only_after_a_first_code_confirms_it(staff_app):
    client = password_only_client(staff_app)
    client.get("/staff/totp/setup")
    account = staff.get_account(staff_app.config["DATA_DIR"], "half@cmp.example")
    assert account["totp_secret"] and not account["totp_confirmed"]
    wrong = client.post("/staff/totp/setup", data={"code": "000000"})
    assert "klopt niet" in flash_text(wrong)
    assert client.get("/staff/inbox").location.endswith("/staff/totp/setup")
    code = pyotp.TOTP(account["totp_secret"]).now()
    assert client.post("/staff/totp/setup", data={"code": code}).location.endswith("/inbox")
    assert staff.get_account(staff_app.config["DATA_DIR"], "half@cmp.example")["totp_confirmed"]
    assert client.get("/staff/inbox").status_code == 200


def test_a_code_works_only_once(staff_app, signed_in):
    email = signed_in().email
    secret = staff.get_account(staff_app.config["DATA_DIR"], email)["totp_secret"]
    client = password_only_client(staff_app, email)
    # The code that just completed the set-up cannot be replayed.
    response = client.post("/staff/totp", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and "klopt niet" in flash_text(response)
    assert client.get("/staff/inbox").status_code == 302


def test_messages_never_reveal_whether_an_account_exists(staff_app, signed_in):
    email = signed_in().email
    client = staff_app.test_client()
    wrong_password = client.post("/staff/login", data={"email": email, "password": "x" * 12})
    no_account = client.post(
        "/staff/login", data={"email": "nobody@cmp.example", "password": "x" * 12}
    )
    assert wrong_password.status_code == no_account.status_code == 401
    assert flash_text(wrong_password) == flash_text(no_account) != ""


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(staff_app, signed_in):
    client = signed_in()
    staff.set_disabled(staff_app.config["DATA_DIR"], client.email, True)
    assert client.get("/staff/inbox").location.endswith("/staff/login")
    response = staff_app.test_client().post(
        "/staff/login", data={"email": client.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 401


def _attempt(app, email, password, address="10.1.1.1"):
    return app.test_client().post(
        "/staff/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_lockout_after_five_failures_for_an_account(staff_app, signed_in):
    email = signed_in().email
    clock = [dt.datetime.now(dt.UTC)]
    staff_app.config["CLOCK"] = lambda: clock[0]
    for attempt in range(5):
        # From five different addresses: only the account's own counter can lock it.
        assert _attempt(staff_app, email, "wrong password!", f"10.0.0.{attempt}").status_code == 401
    refused = _attempt(staff_app, email, STAFF_PASSWORD, "10.0.0.99")
    assert refused.status_code == 429 and "15 minuten" in flash_text(refused)
    clock[0] += dt.timedelta(minutes=14)
    assert _attempt(staff_app, email, STAFF_PASSWORD, "10.0.0.99").status_code == 429
    clock[0] += dt.timedelta(minutes=2)
    assert _attempt(staff_app, email, STAFF_PASSWORD, "10.0.0.99").status_code == 302


def test_lockout_after_five_failures_from_an_address(staff_app, signed_in):
    email = signed_in().email
    for attempt in range(5):
        _attempt(staff_app, f"guess{attempt}@cmp.example", "wrong password!", "10.9.9.9")
    assert _attempt(staff_app, email, STAFF_PASSWORD, "10.9.9.9").status_code == 429
    assert _attempt(staff_app, email, STAFF_PASSWORD, "10.9.9.8").status_code == 302


def test_wrong_codes_count_towards_the_lockout(staff_app, signed_in):
    email = signed_in().email
    client = password_only_client(staff_app, email)
    for _ in range(5):
        client.post("/staff/totp", data={"code": "000000"})
    secret = staff.get_account(staff_app.config["DATA_DIR"], email)["totp_secret"]
    future = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30))
    response = client.post("/staff/totp", data={"code": future})
    assert "15 minuten" in flash_text(response)
    assert client.get("/staff/inbox").status_code == 302


def test_signed_out_after_thirty_idle_minutes(staff_app, signed_in):
    client = signed_in()
    clock = [dt.datetime.now(dt.UTC)]
    staff_app.config["CLOCK"] = lambda: clock[0]
    clock[0] += dt.timedelta(minutes=29)
    assert client.get("/staff/inbox").status_code == 200  # activity: the 30 minutes restart
    clock[0] += dt.timedelta(minutes=29)
    assert client.get("/staff/inbox").status_code == 200
    clock[0] += dt.timedelta(minutes=31)
    response = client.get("/staff/inbox")
    assert response.location.endswith("/staff/login")
    assert client.get("/staff/inbox").location.endswith("/staff/login")


def test_idle_expiry_is_told_on_the_sign_in_page(staff_app, signed_in):
    client = signed_in()
    with client.session_transaction() as session:
        session["staff"] = {**session["staff"], "seen": session["staff"]["seen"] - 31 * 60}
    response = client.get("/staff/login")
    assert "30 minuten" in flash_text(response)
    assert client.get("/staff/inbox").location.endswith("/staff/login")


def test_sign_out_invalidates_a_copied_cookie(staff_app, signed_in):
    client = signed_in()
    copied = client.get_cookie("session").value
    thief = staff_app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/staff/inbox").status_code == 200  # the copy works while signed in
    assert client.post("/staff/logout").location.endswith("/staff/login")
    assert client.get("/staff/inbox").status_code == 302
    assert thief.get("/staff/inbox").location.endswith("/staff/login")


def test_a_password_reset_ends_every_session_but_keeps_the_second_factor(staff_app, signed_in):
    client = signed_in()
    staff.reset_password(staff_app.config["DATA_DIR"], client.email, "another long password")
    assert client.get("/staff/inbox").location.endswith("/staff/login")
    assert staff.get_account(staff_app.config["DATA_DIR"], client.email)["totp_confirmed"]


@pytest.mark.parametrize(
    ("base_url", "headers", "secure"),
    [
        ("http://localhost", {}, False),
        ("http://127.0.0.1:5000", {}, False),
        ("http://cmp.example.be", {}, True),
        ("https://cmp.example.be", {}, True),
        ("http://127.0.0.1:8000", {"X-Forwarded-Proto": "https"}, True),
    ],
)
def test_session_cookie_flags(staff_app, base_url, headers, secure):
    staff.create_account(staff_app.config["DATA_DIR"], "c@cmp.example", STAFF_PASSWORD, "staff")
    response = staff_app.test_client().post(
        "/staff/login",
        data={"email": "c@cmp.example", "password": STAFF_PASSWORD},
        base_url=base_url,
        headers=headers,
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) is secure


def test_secure_cookies_can_be_forced(tmp_path):
    from pwa import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "DATA_DIR": str(tmp_path),
            "SESSION_COOKIE_SECURE": True,
        }
    )
    with app.test_request_context(base_url="http://localhost"):
        assert app.session_interface.get_cookie_secure(app) is True


def test_staff_pages_are_never_stored(signed_in, make_concern):
    client = signed_in()
    receipt = make_concern()
    for url in ("/staff/login", "/staff/inbox", f"/staff/concerns/{receipt['id']}"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    worker = client.get("/sw.js").get_data(as_text=True)
    assert "/staff/" not in worker


def test_passwords_shorter_than_twelve_are_refused(staff_app):
    with pytest.raises(staff.AccountError):
        staff.create_account(staff_app.config["DATA_DIR"], "s@cmp.example", "short pass", "staff")
    staff.create_account(staff_app.config["DATA_DIR"], "s@cmp.example", "x" * 12, "staff")
    stored = staff.get_account(staff_app.config["DATA_DIR"], "s@cmp.example")["password_hash"]
    assert stored.startswith("$argon2id$") and "x" * 12 not in stored
