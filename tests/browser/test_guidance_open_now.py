"""The CMP card's "open now / closed, opens <day> at 9:00": worked out on the device, offline too.

The CMP takes calls every morning except Tuesday, 9:00-12:30, Brussels time. The phone here is
set to New York time and the instants are given in UTC, so only a computation in
Europe/Brussels (with its summer time) gives these answers. New York changes its clocks on
other dates than Brussels (9 March and 2 November 2025, against 30 March and 26 October), so
the weeks in between catch a computation that follows the phone's summer time instead.
"""

import datetime as dt

from .conftest import PHONE, wait_until_offline_ready

CASES = [
    # (language, instant in UTC, what the card says)      Brussels local time
    ("nl", "2025-06-02T08:00Z", "Nu open, tot 12:30"),  # Monday 10:00
    ("nl", "2025-06-02T06:00Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:00
    ("nl", "2025-06-02T10:30Z", "Gesloten. Opent woensdag om 09:00"),  # Monday 12:30, closing
    ("nl", "2025-06-03T08:00Z", "Gesloten. Opent morgen om 09:00"),  # Tuesday 10:00
    ("nl", "2025-06-04T11:00Z", "Gesloten. Opent morgen om 09:00"),  # Wednesday 13:00
    ("nl", "2025-06-06T11:00Z", "Gesloten. Opent maandag om 09:00"),  # Friday 13:00
    ("nl", "2025-06-08T10:00Z", "Gesloten. Opent morgen om 09:00"),  # Sunday 12:00
    # Same UTC time of day, either side of the switch to summer time on 30 March 2025
    # (New York is on summer time both days):
    ("nl", "2025-03-24T07:30Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:30 (CET)
    ("nl", "2025-03-31T07:30Z", "Nu open, tot 12:30"),  # Monday 09:30 (CEST)
    # ...and either side of the switch back on 26 October 2025 (New York still on summer time):
    ("nl", "2025-10-20T07:30Z", "Nu open, tot 12:30"),  # Monday 09:30 (CEST)
    ("nl", "2025-10-27T07:30Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:30 (CET)
    # Still Tuesday in UTC and in New York, already Wednesday 00:30 in Brussels:
    ("nl", "2025-06-03T22:30Z", "Gesloten. Opent vandaag om 09:00"),
    # Years away from now (a copy kept offline that long): the browser's zone data still knows:
    ("nl", "2060-06-07T08:00Z", "Nu open, tot 12:30"),  # Monday 10:00 (CEST)
    ("nl", "2060-01-05T07:30Z", "Gesloten. Opent vandaag om 09:00"),  # Monday 08:30 (CET)
    ("nl", "2019-04-01T07:30Z", "Nu open, tot 12:30"),  # Monday 09:30 (CEST)
    ("fr", "2025-06-02T08:00Z", "Ouvert maintenant, jusqu'à 12:30"),  # Monday 10:00
    ("fr", "2025-06-03T08:00Z", "Fermé. Ouvre demain à 09:00"),  # Tuesday 10:00
    ("fr", "2025-06-02T11:00Z", "Fermé. Ouvre mercredi à 09:00"),  # Monday 13:00
    ("en", "2025-06-02T08:00Z", "Open now, until 12:30"),  # Monday 10:00
    ("en", "2025-06-06T11:00Z", "Closed. Opens Monday at 09:00"),  # Friday 13:00
]


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def cmp_status(page):
    return page.locator("#contact-cmp [data-open-status]")


def test_open_now_is_computed_on_the_device_in_brussels_time_offline(live_server, browser):
    context = browser.new_context(
        viewport=PHONE, timezone_id="America/New_York", service_workers="allow"
    )
    page = context.new_page()
    for lang in ("nl", "fr", "en"):
        page.goto(f"{live_server.url}/{lang}/")
        wait_until_offline_ready(page, lang)
    context.set_offline(True)

    wrong = []
    for lang, when, expected in CASES:
        page.clock.set_fixed_time(instant(when))
        page.goto(f"{live_server.url}/{lang}/contacts/")
        shown = cmp_status(page).inner_text()
        if shown != expected:
            wrong.append(f"{lang} {when}: {shown!r}, expected {expected!r}")
    context.close()
    assert not wrong, "\n".join(wrong)


def test_the_status_turns_to_closed_while_the_app_stays_open(live_server, page):
    page.clock.install(time=instant("2025-06-02T10:29:40Z"))  # Monday 12:29:40 in Brussels
    page.goto(f"{live_server.url}/nl/antwerpen/")
    status = cmp_status(page)
    assert status.inner_text() == "Nu open, tot 12:30"
    assert "is-open" in status.get_attribute("class")
    page.clock.run_for("00:30")
    assert status.inner_text() == "Gesloten. Opent woensdag om 09:00"
    assert "is-closed" in status.get_attribute("class")
