"""Browser tests: the real app in its own process, driven by Debian's Chromium via Playwright."""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from scripts.chromium import CHROMIUM_ARGS
from scripts.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
LANGS = ("nl", "fr", "en")
# Every guidance page, under /<lang>/ (the home page is the situation chooser; anchor/ is where
# the teacher saves their school's CLB anchor on the phone), and the privacy notice.
GUIDANCE_PAGES = ("", "antwerpen/", "nederland/", "contacts/", "about/", "privacy/", "anchor/")
# axe-core's runOnly option for WCAG 2.1 level A and AA.
WCAG_21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class LiveServer:
    """The app as a real server process on loopback; it can be stopped and started again."""

    app = "wsgi"  # what `flask --app` serves

    def __init__(self, data_dir: Path, port: int | None = None, **env):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.env = env
        self.process = None

    def start(self, **env) -> "LiveServer":
        self.env.update(env)
        environment = {
            **os.environ,
            "WEGWIJZER_SECRET_KEY": "browser-tests",
            "WEGWIJZER_DATA_DIR": str(self.data_dir),
            **self.env,
        }
        command = [
            sys.executable,
            "-m",
            "flask",
            "--app",
            self.app,
            "run",
            "--port",
            str(self.port),
        ]
        # stderr to a file, not a pipe: nobody drains a pipe while the test runs, and a full
        # one (64 KiB of log lines) would block the server mid-test.
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is missing: run scripts/test (it installs it)")
    return path


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    """A fresh phone-sized browser profile (no cache, no service worker yet)."""
    context = browser.new_context(viewport=PHONE, locale="nl-BE", service_workers="allow")
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def persistent_context(playwright_instance, tmp_path):
    """A real profile on disk: only there does Chromium report installability."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path(),
        args=CHROMIUM_ARGS,
        viewport=PHONE,
    )
    yield context
    context.close()


def wait_until_offline_ready(page, lang: str) -> None:
    """The page says so once the service worker holds every page of its language."""
    page.wait_for_function(
        "lang => document.documentElement.dataset.offlineReady === lang", arg=lang, timeout=15000
    )


# --- Concerns on the device (issue #3): helpers for tests/browser/test_concerns_*.py


class LoggedLiveServer(LiveServer):
    """A LiveServer that keeps its request log (werkzeug logs each request to stderr)."""

    @property
    def log(self) -> str:
        """Everything the server wrote to stderr, over all its starts."""
        return self.log_path.read_text(errors="replace")

    def count(self, request_line: str, status: int) -> int:
        """How often e.g. 'POST /api/concerns' was answered with `status` (after stop())."""
        plain = re.sub(r"\x1b\[[0-9;]*m", "", self.log)  # werkzeug colours some lines
        return plain.count(f'"{request_line} HTTP/1.1" {status} ')


CONCERN = {
    "kind": "registration",
    "school": "Sint-Jansschool",
    "reporter_name": "An Peeters",
    "reporter_role": "teacher",
    "reporter_phone": "0470 12 34 56",
    "pupil_ref": "J.P.",
    "need": "Uitspraken in de klas die me zorgen baren.",
    "urgent": False,
}


def fill_concern(page, **values) -> None:
    """Fill the concern form as a teacher would; `values` override the defaults above."""
    for key, value in {**CONCERN, **values}.items():
        if isinstance(value, bool):
            page.set_checked(f"#field-{key}", value)
        elif key in ("kind", "reporter_role", "assessment"):
            page.check(f"#field-{key}-{value}")
        else:
            page.fill(f"#field-{key}", value)


def device_concerns(page) -> dict:
    """What the app keeps in this browser's IndexedDB: {"drafts": [...], "receipts": [...]}."""
    return page.evaluate(
        """async () => {
          const db = await new Promise((ok, fail) => {
            const request = indexedDB.open('wegwijzer');
            // Never create the database here: that would stop the app from setting it up.
            request.onupgradeneeded = () => request.transaction.abort();
            request.onsuccess = () => ok(request.result);
            request.onerror = () => fail(request.error);
          }).catch(() => null);
          if (!db) return { drafts: [], receipts: [] };
          const all = (store) => new Promise((ok) => {
            const request = db.transaction(store).objectStore(store).getAll();
            request.onsuccess = () => ok(request.result);
          });
          const found = { drafts: await all('drafts'), receipts: await all('receipts') };
          db.close();
          return found;
        }"""
    )


# The sign-in page's and the TOTP set-up's labels, in the languages the tests sign in with.
SIGN_IN_LABELS = {
    "nl": (
        "E-mailadres",
        "Wachtwoord",
        "Aanmelden",
        "Code van 6 cijfers uit je authenticator-app",
        "Bevestigen",
    ),
    "en": (
        "E-mail address",
        "Password",
        "Sign in",
        "6-digit code from your authenticator app",
        "Confirm",
    ),
}


def first_sign_in(page, url: str, email: str, password: str, lang: str = "nl") -> None:
    """A staff member's first sign-in, as they do it: password, then setting up the TOTP app."""
    import pyotp
    from playwright.sync_api import expect

    email_label, password_label, sign_in, code_label, confirm = SIGN_IN_LABELS[lang]
    page.goto(f"{url}/staff/login")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=sign_in).click()
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label(code_label).fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name=confirm).click()
    expect(page).to_have_url(f"{url}/staff/inbox")
