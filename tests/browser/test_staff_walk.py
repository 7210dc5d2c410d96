"""The whole way in a real browser: CLI account, password + TOTP, a teacher's concern, follow-up."""

import json
import os
import subprocess
import sys
import urllib.request

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import ROOT, device_concerns, fill_concern

EMAIL = "noemie@cmp.example"
PASSWORD = "een lang wachtwoord voor het CMP"
AGREEMENT = "We bellen het CLB-anker dinsdag; trajectopvolging door het CMP."


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every visible control with the box a tap lands in (a checkbox's box is its label).
SMALL_TAP_TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select')]
  .map((el) => [el, ((el.matches('input') && el.closest('label')) || el).getBoundingClientRect()])
  .filter(([el, box]) => box.width > 0 && box.right > 0 && (box.width < 44 || box.height < 44))
  .map(([el, box]) => `${el.tagName} ${el.name || el.textContent.trim().slice(0, 30)} `
    + `${Math.round(box.width)}x${Math.round(box.height)}`)"""


def assert_accessible(page) -> None:
    """No WCAG 2.1 AA violation in light and dark, and every control a 44px target."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert not results.violations_count, f"{page.url} ({scheme}):\n{results.generate_report()}"
    assert page.evaluate(SMALL_TAP_TARGETS) == [], page.url


def add_staff_account_from_the_cli(server) -> subprocess.CompletedProcess:
    """What the admin types on the server: the password only ever goes to the hidden prompt."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "staff", "add", EMAIL, "--role", "staff"],
        cwd=ROOT,
        env={
            **os.environ,
            "WEGWIJZER_SECRET_KEY": "browser-tests",
            "WEGWIJZER_DATA_DIR": str(server.data_dir),
        },
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_staff_take_a_synced_concern_to_follow_up_and_the_teacher_sees_it(live_server, browser):
    result = add_staff_account_from_the_cli(live_server)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr

    # The teacher, on their own phone, sends a concern through the app.
    teacher_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-BE", service_workers="allow"
    )
    teacher = teacher_context.new_page()
    teacher.goto(f"{live_server.url}/nl/concerns/new")
    fill_concern(teacher, school="Sint-Jansschool Deurne", need="Uitspraken in de klas.")
    teacher.click(".send-button")
    teacher.wait_for_url("**/nl/concerns/")
    sent = teacher.locator("#list-sent .concern")
    expect(sent).to_have_count(1, timeout=30_000)
    reference = sent.locator(".receipt-reference").inner_text()

    # The CMP staff member signs in on a desktop: password, then the TOTP set-up.
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = staff_context.new_page()
    page.goto(f"{live_server.url}/staff/inbox")
    expect(page).to_have_url(f"{live_server.url}/staff/login")
    assert_accessible(page)
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{live_server.url}/staff/totp/setup")
    expect(page.locator("figure.qr-box svg")).to_be_visible()
    assert_accessible(page)
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Code van 6 cijfers uit je authenticator-app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(f"{live_server.url}/staff/inbox")

    # The concern is in the inbox, marked new; the staff member works it through the flow.
    case = page.locator(".case", has_text=reference)
    expect(case).to_contain_text("Nieuw")
    expect(case).to_contain_text("Sint-Jansschool Deurne")
    assert_accessible(page)
    case.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_have_text(reference)
    assert_accessible(page)

    def advance():
        page.locator("button[name=advance]").click()
        expect(page.locator(".flash")).to_contain_text("Bewaard.")

    page.get_by_label("Notitie bij deze stap (intern)").fill("Eerste contact met het CLB.")
    advance()
    page.get_by_label("Vanuit welke nood wordt er met het CMP contact opgenomen?").fill(
        "Zorgen over uitspraken in de klas."
    )
    advance()
    assert_accessible(page)
    page.locator("#done_expert-team").check()
    page.locator("#date_expert-team").fill("2026-03-02")
    advance()
    expect(page.locator("#current-step")).to_contain_text("Opvolgings- en doorverwijzingsafspraken")
    assert_accessible(page)
    page.get_by_label("Een trajectopvolging door het CMP.").check()
    page.get_by_label("Opvolgingsafspraak (de melder ziet deze tekst)").fill(AGREEMENT)
    page.get_by_role("button", name="Bewaren", exact=True).click()
    expect(page.locator(".reporter-view")).to_contain_text(AGREEMENT)

    # The teacher's app shows the agreement for the reference...
    teacher.reload()
    expect(sent.locator(".follow-up-text")).to_have_text(AGREEMENT, timeout=15_000)
    # ...from the receipt API the app reads, with the token kept on the phone.
    token = device_concerns(teacher)["receipts"][0]["receipt_token"]
    request = urllib.request.Request(
        f"{live_server.url}/api/receipts/{reference}", headers={"X-Receipt-Token": token}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        receipt = json.load(response)
    # The agreement travels sealed to the phone's receipt key: the app opened it on the phone.
    assert receipt["status"] == "follow_up" and receipt["follow_up"] is None
    assert receipt["follow_up_sealed"]["version"] == 1
    assert "trajectopvolging" not in json.dumps(receipt)
    assert "Eerste contact" not in json.dumps(receipt)  # the internal note stays inside

    # Signing out ends the session for good.
    page.get_by_role("button", name="Afmelden").click()
    page.goto(f"{live_server.url}/staff/inbox")
    expect(page).to_have_url(f"{live_server.url}/staff/login")
    teacher_context.close()
    staff_context.close()
