"""Logs without content: a full run on gunicorn, then every line is searched for what was sent.

The teacher sends a concern from the phone's API and one from the plain form, reads a receipt;
a staff member signs in with a password and TOTP, opens the concern and adds a note. The log
must hold one JSON line per request (route template, status, duration, request id), and none
of the typed texts, the reference, the concern id, a token, a cookie, the password or a code.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pyotp
import pytest

from pwa.storage import staff
from tests.samples import valid_concern
from tests.servers import Gunicorn

PASSWORD = "a long password nobody logs"
MARK = uuid.uuid4().hex[:10]  # in every typed text, so a leak is found whatever its form
TYPED = {
    "school": f"Atheneum {MARK}",
    "reporter_name": f"An {MARK}",
    "reporter_email": f"an.{MARK}@example.be",
    "need": f"Zorg {MARK} over wat de leerling zei.",
    "steps_taken": f"Gesprek {MARK} met de klastitularis.",
}


def csrf_in(html: str) -> str:
    """The form's CSRF token, whichever order the input's attributes come in."""
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)[0]
    return re.search(r'value="([^"]+)"', field)[1]


class Visitor:
    """One browser's cookies against the server, over real HTTP."""

    def __init__(self, url: str):
        self.url = url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None, method=None):
        """(status, body text) of one request; errors are answers too."""
        body = data if isinstance(data, bytes | None) else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            self.url + path, data=body, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form_token(self, path) -> str:
        status, html = self.request(path)
        assert status == 200, path
        return csrf_in(html)

    def post_form(self, path, fields):
        return self.request(path, {**fields, "csrf_token": self.form_token(path)})

    def cookie_values(self) -> list[str]:
        return [cookie.value for cookie in self.jar if cookie.value]


def teacher_sends(url: str, secrets: list[str]) -> dict:
    """A concern through the phone's API, its receipt read, and a bad one refused."""
    phone = Visitor(url)
    _status, answer = phone.request("/api/csrf")
    token = json.loads(answer)["csrf_token"]
    key = str(uuid.uuid4())
    headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Idempotency-Key": key}
    body = json.dumps(valid_concern(**TYPED)).encode()
    status, answer = phone.request(f"/api/concerns?lang=nl&note={MARK}", body, headers)
    assert status == 201, answer
    receipt = json.loads(answer)
    refused = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    # Refused for its number (two digits are no phone number), its texts marked like the rest.
    bad = json.dumps(valid_concern(**{**TYPED, "reporter_phone": "12"})).encode()
    assert phone.request("/api/concerns", bad, refused)[0] == 422
    path = f"/api/receipts/{receipt['reference']}"
    assert phone.request(path, headers={"X-Receipt-Token": receipt["receipt_token"]})[0] == 200
    assert phone.request(path, headers={"X-Receipt-Token": f"wrong{MARK}"})[0] == 404
    secrets += [token, key, receipt["reference"], receipt["receipt_token"], *phone.cookie_values()]
    return receipt


def teacher_uses_the_plain_form(url: str, secrets: list[str]) -> None:
    """The no-JavaScript form: a second concern, sent as a page."""
    browser = Visitor(url)
    fields = {k: v for k, v in valid_concern(**TYPED).items() if not isinstance(v, bool)}
    status, html = browser.post_form("/nl/concerns/new", fields)
    assert status == 200 and "CMP-" in html, html[:500]
    secrets += [*re.findall(r"CMP-\d{4}-\d{4,}", html), *browser.cookie_values()]


def staff_work(url: str, data_dir, receipt: dict, secrets: list[str]) -> None:
    """Sign in with password and TOTP, open the concern, add a note."""
    email = f"staff.{MARK}@cmp.example"
    staff.create_account(data_dir, email, PASSWORD, "staff")
    desk = Visitor(url)
    desk.post_form("/staff/login", {"email": email, "password": PASSWORD})
    token = desk.form_token("/staff/totp/setup")
    secret = staff.get_account(data_dir, email)["totp_secret"]
    code = pyotp.TOTP(secret).now()
    status, html = desk.request("/staff/totp/setup", {"code": code, "csrf_token": token})
    assert status == 200 and 'action="/staff/logout"' in html, "sign-in did not complete"
    page = f"/staff/concerns/{receipt['id']}"
    status, html = desk.request(page)
    assert status == 200 and TYPED["need"] in html  # the staff member sees the concern
    note = re.search(r'action="([^"]+/note)"', html)[1]
    token = csrf_in(html)
    status, _html = desk.request(note, {"text": f"Notitie {MARK}", "csrf_token": token})
    assert status == 200
    secrets += [email, PASSWORD, secret, code, token, *desk.cookie_values()]


@pytest.fixture
def logged_server(tmp_path):
    server = Gunicorn(tmp_path / "data", workers=2, log_path=tmp_path / "server.log").start()
    yield server
    server.stop()


def test_a_full_run_logs_every_request_and_nothing_that_was_sent(logged_server, tmp_path):
    secrets: list[str] = []
    receipt = teacher_sends(logged_server.url, secrets)
    teacher_uses_the_plain_form(logged_server.url, secrets)
    staff_work(logged_server.url, logged_server.data_dir, receipt, secrets)
    secrets.append(receipt["id"])
    logged_server.stop()

    log = (tmp_path / "server.log").read_text()
    entries = [json.loads(line) for line in log.splitlines()]  # every line is JSON
    requests = [entry for entry in entries if entry.get("event") == "request"]
    seen = {(entry["method"], entry["path"], entry["status"]) for entry in requests}
    assert ("POST", "/api/concerns", 201) in seen
    assert ("POST", "/api/concerns", 422) in seen
    assert ("GET", "/api/receipts/<reference>", 200) in seen
    assert ("GET", "/api/receipts/<reference>", 404) in seen
    assert ("POST", "/<lang>/concerns/new", 200) in seen
    assert ("GET", "/staff/concerns/<concern_id>", 200) in seen
    assert ("POST", "/staff/concerns/<concern_id>/note", 302) in seen
    assert all(isinstance(entry["duration_ms"], float) for entry in requests)
    ids = [entry["request_id"] for entry in requests]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)

    leaked = [text for text in [MARK, *secrets] if text and text in log]
    assert leaked == [], f"in the log: {leaked}"
