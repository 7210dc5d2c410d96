"""The production stack over HTTPS: Caddy (deploy/Caddyfile) in front of gunicorn, as deployed.

Caddy serves the repository's Caddyfile with its own certificate authority; Chromium ignores
the certificate error (the authority is trusted nowhere) and does a teacher's journey and a
staff sign-in. What a deployment depends on is asserted: the app installable and offline over
https, a concern sent offline arrives once, Secure cookies and HSTS, http:// redirected.
"""

import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from pwa.storage.concerns import list_concerns
from scripts.chromium import CHROMIUM_ARGS
from scripts.https_stack import Stack

from .conftest import (
    PHONE,
    ROOT,
    chromium_path,
    device_concerns,
    fill_concern,
    first_sign_in,
    wait_until_offline_ready,
)

EMAIL = "jonas@cmp.example"
PASSWORD = "een lang wachtwoord voor de https-test"
NEED = "Over https, offline geschreven: hij deelt filmpjes van een extremistische groep."


@pytest.fixture
def stack(tmp_path):
    if not shutil.which("caddy"):
        if os.environ.get("CI"):
            pytest.fail("caddy is missing: scripts/test installs it")
        pytest.skip("caddy is missing: run scripts/test (it installs Debian's caddy)")
    stack = Stack(tmp_path).start()
    yield stack
    stack.stop()


@pytest.fixture
def phone(playwright_instance, tmp_path):
    """A real profile on disk (installability), that accepts the stack's untrusted certificate."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path(),
        # Playwright's ignore_https_errors covers pages, not a service worker's own fetches.
        args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],
        ignore_https_errors=True,
        viewport=PHONE,
        locale="nl-BE",
        service_workers="allow",
    )
    yield context
    context.close()


def add_staff_account(stack) -> None:
    """The admin's command on the server (flask staff add), with the service's data folder."""
    env = {**os.environ, "WEGWIJZER_DATA_DIR": str(stack.data_dir)}
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "staff", "add", EMAIL, "--role", "staff"],
        cwd=ROOT,
        env={**env, "WEGWIJZER_INSTANCE_DIR": str(stack.folder / "instance")},
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def receipt_status(stack, receipt: dict) -> dict:
    """The receipt as the phone asks for it, over https, trusting only Caddy's own authority."""
    request = urllib.request.Request(
        f"{stack.url}/api/receipts/{receipt['reference']}",
        headers={"X-Receipt-Token": receipt["receipt_token"]},
    )
    trusted = ssl.create_default_context(cafile=str(stack.root_certificate))
    with urllib.request.urlopen(request, context=trusted, timeout=10) as response:
        return json.load(response)


def test_a_teacher_and_a_staff_member_over_https(stack, phone):
    page = phone.pages[0]
    page.goto(f"{stack.url}/nl/")
    wait_until_offline_ready(page, "nl")
    cdp = phone.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    assert cdp.send("Page.getAppManifest")["url"] == f"{stack.url}/manifest.webmanifest"

    # In the corridor with no network: the guidance and the concern form still work.
    phone.set_offline(True)
    page.goto(f"{stack.url}/nl/antwerpen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Antwerpen (Vlaanderen)")
    page.goto(f"{stack.url}/nl/concerns/new")
    fill_concern(page, need=NEED)
    page.click(".send-button")
    page.wait_for_url("**/nl/concerns/")
    expect(page.locator("#list-waiting .concern")).to_have_count(1)
    assert list_concerns(stack.data_dir) == []

    # Back online: the outbox sends it through Caddy, once.
    phone.set_offline(False)
    sent = page.locator("#list-sent .concern")
    expect(sent).to_have_count(1, timeout=30_000)
    stored = list_concerns(stack.data_dir)
    assert [concern["fields"]["need"] for concern in stored] == [NEED]
    expect(sent.locator(".receipt-reference")).to_have_text(stored[0]["reference"])
    [receipt] = device_concerns(page)["receipts"]
    assert receipt_status(stack, receipt)["reference"] == stored[0]["reference"]

    # A CMP staff member signs in over https: the cookies are Secure, HSTS is on.
    add_staff_account(stack)
    staff = phone.new_page()
    first_sign_in(staff, stack.url, EMAIL, PASSWORD)
    response = staff.goto(f"{stack.url}/staff/inbox")
    assert response.status == 200
    hsts = response.headers["strict-transport-security"]
    assert hsts == "max-age=63072000; includeSubDomains"
    assert "server" not in response.headers
    cookies = phone.cookies(stack.url)
    assert "session" in [cookie["name"] for cookie in cookies]
    assert [c["name"] for c in cookies if not (c["secure"] and c["httpOnly"])] == []
    expect(staff.get_by_text(stored[0]["reference"])).to_be_visible()

    # The server's log: JSON lines only, gunicorn's own too, and nothing that was sent.
    stack.stop()
    log = stack.log("gunicorn")
    lines = [json.loads(line) for line in log.splitlines()]
    assert {"gunicorn.error", "wegwijzer.requests"} <= {line["logger"] for line in lines}
    requests = [line["request_id"] for line in lines if line.get("event") == "request"]
    assert len(requests) > 10 and len(set(requests)) == len(requests)  # each request once
    private = [NEED, PASSWORD, receipt["receipt_token"], stored[0]["reference"]]
    assert [text for text in private if text in log] == [], [
        line for line in log.splitlines() if any(text in line for text in private)
    ]


def test_plain_http_is_redirected_to_https(stack):
    host, port = stack.http_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/nl/contacts/?x=1")
    response = connection.getresponse()
    assert response.status in (301, 308)
    assert response.getheader("Location") == f"{stack.url}/nl/contacts/?x=1"
    connection.close()
