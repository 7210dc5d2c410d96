"""The CMP card's "open now / closed, opens <day> at 9:00": worked out on the device, offline too.

The CMP takes calls every morning except Tuesday, 9:00-12:30, Brussels time, and is closed on
Belgium's public holidays and 11 July. The phone here is set to New York time and the instants
are given in UTC, so only a computation in Europe/Brussels (with its summer time) gives these
answers. New York changes its clocks on other dates than Brussels (8 March and 1 November 2026,
against 29 March and 25 October), so the weeks in between catch a computation that follows the
phone's summer time instead.

The server's clock stands at 29 November 2026, so the pages carry the calendar of 2026 and 2027
(tests/browser/fixed_clock.py); the phone's clock is set by Playwright.
"""

import datetime as dt
import shutil

import pytest

from pwa.guidance import DEFAULT_FILE
from tests.samples import CMP_CLOSING_DAYS, CMP_HOLIDAYS_LINE

from .conftest import PHONE, LiveServer, wait_until_offline_ready

SERVER_NOW = "2026-11-29T12:00:00+00:00"
NL_UNKNOWN = (
    "Deze versie van de app kent feestdagen en sluitingsdagen alleen van 1 januari 2026 tot "
    "31 december 2027."
)
EN_UNKNOWN = (
    "This version of the app only knows holidays and closing days from 1 January 2026 to "
    "31 December 2027."
)

CASES = [
    # (language, instant in UTC, what the card says)      Brussels local time
    ("nl", "2026-06-08T08:00Z", "Nu open, tot 12:30"),  # Monday 10:00
    ("nl", "2026-06-08T06:00Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:00
    ("nl", "2026-06-08T10:30Z", "Gesloten. Opent woensdag om 09:00"),  # Monday 12:30, closing
    ("nl", "2026-06-09T08:00Z", "Gesloten. Opent morgen om 09:00"),  # Tuesday 10:00
    ("nl", "2026-06-10T11:00Z", "Gesloten. Opent morgen om 09:00"),  # Wednesday 13:00
    ("nl", "2026-06-12T11:00Z", "Gesloten. Opent maandag om 09:00"),  # Friday 13:00
    ("nl", "2026-06-14T10:00Z", "Gesloten. Opent morgen om 09:00"),  # Sunday 12:00
    # Same UTC time of day, either side of the switch to summer time on 29 March 2026
    # (New York is on summer time both days):
    ("nl", "2026-03-23T07:30Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:30 (CET)
    ("nl", "2026-03-30T07:30Z", "Nu open, tot 12:30"),  # Monday 09:30 (CEST)
    # ...and either side of the switch back on 25 October 2026 (New York still on summer time):
    ("nl", "2026-10-19T07:30Z", "Nu open, tot 12:30"),  # Monday 09:30 (CEST)
    ("nl", "2026-10-26T07:30Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:30 (CET)
    # Still Tuesday in UTC and in New York, already Wednesday 00:30 in Brussels:
    ("nl", "2026-06-09T22:30Z", "Gesloten. Opent vandaag om 09:00"),
    # Christmas Day, Friday: closed, and Monday is named by its date (a closed day was skipped).
    ("nl", "2026-12-25T09:00Z", "Vandaag gesloten (Kerstmis). Opent maandag 28 december om 09:00"),
    ("fr", "2026-12-25T09:00Z", "Fermé aujourd'hui (Noël). Ouvre lundi 28 décembre à 09:00"),
    ("en", "2026-12-25T09:00Z", "Closed today (Christmas Day). Opens Monday 28 December at 09:00"),
    # The day before: not closed today, but the next opening lies past the holiday.
    ("nl", "2026-12-24T12:00Z", "Gesloten. Opent maandag 28 december om 09:00"),  # Thursday 13:00
    # 11 July 2027 (a Sunday), the Flemish Community's holiday; Monday opens as usual.
    (
        "nl",
        "2027-07-11T08:00Z",
        "Vandaag gesloten (Feest van de Vlaamse Gemeenschap). Opent morgen om 09:00",
    ),
    (
        "fr",
        "2027-07-11T08:00Z",
        "Fermé aujourd'hui (Fête de la Communauté flamande). Ouvre demain à 09:00",
    ),
    (
        "en",
        "2027-07-11T08:00Z",
        "Closed today (Day of the Flemish Community). Opens tomorrow at 09:00",
    ),
    # Easter Monday 2027; Tuesday has no hours, so Wednesday, by its date.
    ("en", "2027-03-29T08:00Z", "Closed today (Easter Monday). Opens Wednesday 31 March at 09:00"),
    ("fr", "2026-06-08T08:00Z", "Ouvert maintenant, jusqu'à 12:30"),  # Monday 10:00
    ("fr", "2026-06-09T08:00Z", "Fermé. Ouvre demain à 09:00"),  # Tuesday 10:00
    ("fr", "2026-06-08T11:00Z", "Fermé. Ouvre mercredi à 09:00"),  # Monday 13:00
    ("en", "2026-06-08T08:00Z", "Open now, until 12:30"),  # Monday 10:00
    ("en", "2026-06-12T11:00Z", "Closed. Opens Monday at 09:00"),  # Friday 13:00
    # Past the calendar the page carries: the weekly hours, and it says what it knows.
    # Friday 31 December 2027 13:00: Monday 3 January 2028 may be a closing day it can't know.
    ("en", "2027-12-31T12:00Z", f"Closed. Opens Monday at 09:00. {EN_UNKNOWN}"),
    # Years away (a copy kept that long offline): the browser's zone data still knows.
    ("nl", "2060-06-07T08:00Z", f"Nu open, tot 12:30. {NL_UNKNOWN}"),  # Monday 10:00 (CEST)
    ("nl", "2060-01-05T07:30Z", f"Gesloten. Opent vandaag om 09:00. {NL_UNKNOWN}"),  # 08:30 CET
    # A phone whose clock is years behind: the calendar does not cover that either.
    ("nl", "2019-04-01T07:30Z", f"Nu open, tot 12:30. {NL_UNKNOWN}"),  # Monday 09:30 (CEST)
]

CLOSING_CASES = [
    # Wednesday 23 December 13:00: the range, New Year's Day and the weekend lie ahead.
    ("nl", "2026-12-23T12:00Z", "Gesloten. Opent maandag 4 januari om 09:00"),
    # Christmas Day inside the range: the CMP's own reason, not the holiday's name.
    (
        "nl",
        "2026-12-25T09:00Z",
        "Vandaag gesloten (Kerstsluiting). Opent maandag 4 januari om 09:00",
    ),
    (
        "fr",
        "2026-12-28T09:00Z",
        "Fermé aujourd'hui (Fermeture de Noël). Ouvre lundi 4 janvier à 09:00",
    ),
    (
        "en",
        "2026-12-31T09:00Z",
        "Closed today (Christmas closure). Opens Monday 4 January at 09:00",
    ),
    # The day after the range is New Year's Day; the Monday after opens as usual.
    ("nl", "2027-01-01T09:00Z", "Vandaag gesloten (Nieuwjaar). Opent maandag 4 januari om 09:00"),
    ("nl", "2027-01-04T09:00Z", "Nu open, tot 12:30"),
    # One closing day (Wednesday 17 February 2027): the day before skips it, by date.
    ("en", "2027-02-16T09:00Z", "Closed. Opens Thursday 18 February at 09:00"),  # Tuesday 10:00
    ("en", "2027-02-17T09:00Z", "Closed today (Team day). Opens tomorrow at 09:00"),
]


class FixedClockServer(LiveServer):
    """The app with its clock at SERVER_NOW, so the pages' calendar is that of 2026 and 2027."""

    app = "tests.browser.fixed_clock"


@pytest.fixture
def server(tmp_path):
    server = FixedClockServer(tmp_path / "data", TEST_CLOCK=SERVER_NOW).start()
    yield server
    server.stop()


@pytest.fixture
def server_with_closing_days(tmp_path):
    toml = tmp_path / "guidance.toml"
    shutil.copy(DEFAULT_FILE, toml)
    assert CMP_HOLIDAYS_LINE in toml.read_text()
    toml.write_text(
        toml.read_text().replace(CMP_HOLIDAYS_LINE, CMP_HOLIDAYS_LINE + CMP_CLOSING_DAYS)
    )
    server = FixedClockServer(
        tmp_path / "data", TEST_CLOCK=SERVER_NOW, WEGWIJZER_CONTENT_FILE=str(toml)
    ).start()
    yield server
    server.stop()


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def cmp_status(page):
    return page.locator("#contact-cmp [data-open-status]")


def wrong_answers(browser, server, cases, timezone_id: str) -> list[str]:
    """Each case's card, read offline on a phone in `timezone_id`; what differs from expected."""
    context = browser.new_context(viewport=PHONE, timezone_id=timezone_id, service_workers="allow")
    page = context.new_page()
    for lang in ("nl", "fr", "en"):
        page.goto(f"{server.url}/{lang}/")
        wait_until_offline_ready(page, lang)
    context.set_offline(True)

    wrong = []
    for lang, when, expected in cases:
        page.clock.set_fixed_time(instant(when))
        page.goto(f"{server.url}/{lang}/contacts/")
        shown = cmp_status(page).inner_text()
        if shown != expected:
            wrong.append(f"{lang} {when}: {shown!r}, expected {expected!r}")
    context.close()
    return wrong


def test_open_now_is_computed_on_the_device_in_brussels_time_offline(server, browser):
    wrong = wrong_answers(browser, server, CASES, "America/New_York")
    assert not wrong, "\n".join(wrong)


def test_closing_days_close_the_cmp_offline_with_their_reason(server_with_closing_days, browser):
    wrong = wrong_answers(browser, server_with_closing_days, CLOSING_CASES, "Asia/Tokyo")
    assert not wrong, "\n".join(wrong)


def test_the_status_turns_to_closed_while_the_app_stays_open(server, page):
    page.clock.install(time=instant("2026-06-08T10:29:40Z"))  # Monday 12:29:40 in Brussels
    page.goto(f"{server.url}/nl/antwerpen/")
    status = cmp_status(page)
    assert status.inner_text() == "Nu open, tot 12:30"
    assert "is-open" in status.get_attribute("class")
    page.clock.run_for("00:30")
    assert status.inner_text() == "Gesloten. Opent woensdag om 09:00"
    assert "is-closed" in status.get_attribute("class")
