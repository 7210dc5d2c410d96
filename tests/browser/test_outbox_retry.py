"""The outbox after an outage and under a rate limit: back soon, never before the server said."""

import re
import time

import pytest
from playwright.sync_api import expect

from pwa.storage.concerns import list_concerns
from pwa.storage.rate_limits import Allowance, bucket_name, take

from .conftest import LoggedLiveServer, fill_concern, wait_until_offline_ready

SECRET = "browser-tests"  # LiveServer's WEGWIJZER_SECRET_KEY
OUTAGE_SECONDS = 20


def send(page) -> None:
    page.click(".send-button")
    page.wait_for_url("**/nl/concerns/")


def seconds_until_stored(server, text: str, timeout: float) -> float:
    """Seconds from now until a concern with this text is in the data folder."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if [c["fields"]["need"] for c in list_concerns(server.data_dir)] == [text]:
            return time.monotonic() - started
        time.sleep(0.1)
    pytest.fail(f"not stored within {timeout} s")


@pytest.fixture
def server(tmp_path):
    server = LoggedLiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def test_a_concern_waiting_through_an_outage_arrives_within_30_s_of_the_return(server, context):
    text = "Verstuurd terwijl de server plat lag."
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    fill_concern(page, need=text)
    server.stop()  # the process is gone, the phone's network is fine: no `online` event
    send(page)
    expect(page.locator("#sync-status")).to_contain_text("niet bereikbaar")

    time.sleep(OUTAGE_SECONDS)
    restarted = time.monotonic()
    server.start()  # same port, same data
    seconds = time.monotonic() - restarted + seconds_until_stored(server, text, timeout=40)
    print(f"\nstored {seconds:.1f} s after the server's restart began (outage {OUTAGE_SECONDS} s)")
    assert seconds < 30
    expect(page.locator("#list-sent .concern")).to_have_count(1)
    server.stop()
    assert server.count("POST /api/concerns", 201) == 1


def test_the_phone_waits_as_long_as_a_429_says_and_then_sends(tmp_path, context):
    server = LoggedLiveServer(tmp_path / "data", WEGWIJZER_RATE_LIMIT="1/minute").start()
    text = "Verstuurd na de wachttijd."
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    fill_concern(page, need=text)
    # Someone on the same network sent a concern 50 s ago: the server says "wait 10 s".
    earlier = time.time() - 50
    take(server.data_dir, bucket_name(SECRET, "concerns", "127.0.0.1"), Allowance(1, 60), earlier)
    send(page)
    status = page.locator("#sync-status")
    expect(status).to_contain_text(re.compile(r"vroeg om even te wachten.*poging om \d\d?:\d\d"))
    expect(page.locator("#list-waiting .concern")).to_have_count(1)
    # The teacher taps "send now": it tries at once (a button that did nothing would mislead),
    # and the server, still limiting, refuses again and stores nothing.
    page.click("#send-now")
    deadline = time.monotonic() + 10
    while server.count("POST /api/concerns", 429) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.count("POST /api/concerns", 429) == 2
    expect(status).to_contain_text("vroeg om even te wachten")
    assert list_concerns(server.data_dir) == []

    seconds_until_stored(server, text, timeout=25)
    stored_at = time.time()
    assert stored_at >= earlier + 60  # not one moment before the window had room
    expect(page.locator("#list-sent .concern")).to_have_count(1)
    server.stop()
    # The first refusal and the teacher's own try, then the concern: no try in between.
    assert server.count("POST /api/concerns", 429) == 2
    assert server.count("POST /api/concerns", 201) == 1
