"""A concern written on the phone reaches the CMP exactly once, whatever the connection does."""

import json
import re

import pytest
from playwright.sync_api import expect

from pwa.storage.concerns import list_concerns, update_concern
from pwa.storage.inbox import save_step

from .conftest import (
    PHONE,
    LoggedLiveServer,
    device_concerns,
    fill_concern,
    wait_until_offline_ready,
)

WAITING = "Op deze telefoon, wacht op verzending"
SENT = "Verstuurd — ontvangen door het CMP als "
REFERENCE = re.compile(r"CMP-\d{4}-\d{4}")
TIMEOUT = 30_000  # the first retry after "server down" comes 5 s later


@pytest.fixture
def server(tmp_path):
    server = LoggedLiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def send(page) -> None:
    page.click(".send-button")
    page.wait_for_url("**/nl/concerns/")


def needs_stored(server) -> list[str]:
    return [concern["fields"]["need"] for concern in list_concerns(server.data_dir)]


def cached_responses(page) -> list[tuple[str, str]]:
    """(url, body) of everything the service worker keeps in its caches."""
    return page.evaluate(
        """async () => {
          const found = [];
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
              found.push([request.url, await (await cache.match(request)).text()]);
            }
          }
          return found;
        }"""
    )


def test_a_draft_written_with_the_server_down_survives_closing_and_is_sent_once(server, context):
    text = "Hij zegt in de klas dat geweld soms nodig is."
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    server.stop()

    page.reload()  # now from the offline copy
    fill_concern(page, need=text)
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard op deze telefoon")
    page.close()

    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/")
    draft = page.locator("#list-open .concern")
    expect(draft).to_have_count(1)
    expect(draft.locator(".state-badge")).to_have_text(re.compile("Concept$"))
    draft.get_by_role("link", name="Openen").click()
    expect(page.locator("#field-need")).to_have_value(text)
    expect(page.locator("#field-kind-registration")).to_be_checked()
    send(page)

    waiting = page.locator("#list-waiting .concern")
    expect(waiting.locator(".state-badge")).to_contain_text(WAITING)
    expect(page.locator("#sync-status")).to_contain_text("niet bereikbaar")
    expect(page.get_by_text("ontvangen door het CMP")).to_have_count(0)  # waiting never looks sent
    assert needs_stored(server) == []

    server.start()  # same port and data; no `online` event: the back-off timer finds it
    sent = page.locator("#list-sent .concern")
    expect(sent).to_have_count(1, timeout=TIMEOUT)
    reference = sent.locator(".receipt-reference").inner_text()
    assert REFERENCE.fullmatch(reference)
    expect(sent.locator(".state-badge")).to_contain_text(SENT + reference)
    expect(page.locator("#group-waiting")).to_be_hidden()
    # What follows is the next step of the Antwerp flow.
    expect(sent.locator(".concern-next")).to_have_text(
        "Wat volgt: Vraagverheldering en dossieranalyse (Het CMP, samen met het CLB of de school)"
    )
    assert needs_stored(server) == [text]
    assert list_concerns(server.data_dir)[0]["reference"] == reference

    on_phone = device_concerns(page)
    assert on_phone["drafts"] == []
    assert text not in json.dumps(on_phone)
    assert on_phone["receipts"][0]["reference"] == reference
    assert {"id", "reference", "receipt_token", "received_at", "status"} <= set(
        on_phone["receipts"][0]
    )
    assert "fields" not in on_phone["receipts"][0]
    cached = cached_responses(page)
    assert cached and not any("/api/" in url for url, _body in cached)
    assert not any(text in body for _url, body in cached)

    # The CMP writes a follow-up agreement (saved as the workspace saves it, sealed to the
    # phone's receipt key): the teacher sees it with the reference.
    concern_id = list_concerns(server.data_dir)[0]["id"]
    update_concern(server.data_dir, concern_id, lambda record: record.update(status="follow_up"))
    agreement = {"follow_up": "Gesprek op school, maandag."}
    save_step(server.data_dir, concern_id, "staff@cmp.example", agreement)
    page.reload()
    expect(sent.locator(".follow-up-text")).to_have_text("Gesprek op school, maandag.")
    expect(sent.locator(".concern-status")).to_contain_text("opvolging afgesproken")
    expect(sent.locator(".concern-checked")).to_contain_text("Laatst nagekeken op")
    expect(sent.locator(".concern-next")).to_have_count(0)  # the agreement is what follows

    server.stop()
    assert server.count("POST /api/concerns", 201) == 1
    assert server.count("POST /api/concerns", 200) == 0


def test_a_rejected_concern_keeps_its_errors_and_does_not_block_the_next(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    context.set_offline(True)

    page.reload()
    # "12345" passes the browser's checks; only the server knows it is no phone number.
    fill_concern(page, reporter_phone="12345", need="Eerste, met een fout nummer.")
    send(page)
    page.goto(f"{server.url}/nl/concerns/new")
    fill_concern(page, need="Tweede, in orde.")
    send(page)
    expect(page.locator("#list-waiting .concern")).to_have_count(2)

    context.set_offline(False)  # the `online` event starts a sync
    rejected = page.locator("#list-open .concern-rejected")
    expect(rejected).to_have_count(1)
    expect(rejected.locator(".concern-errors")).to_contain_text("telefoonnummer")
    expect(page.locator("#list-sent .concern")).to_have_count(1)
    expect(page.locator("#group-waiting")).to_be_hidden()
    assert needs_stored(server) == ["Tweede, in orde."]

    rejected.get_by_role("link", name="Verbeteren en versturen").click()
    expect(page.locator("#error-reporter_phone")).to_contain_text("telefoonnummer")
    expect(page.locator("#field-reporter_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#field-need")).to_have_value("Eerste, met een fout nummer.")
    page.fill("#field-reporter_phone", "03 234 56 78")
    send(page)
    expect(page.locator("#list-sent .concern")).to_have_count(2)
    expect(page.locator("#group-open")).to_be_hidden()
    assert sorted(needs_stored(server)) == ["Eerste, met een fout nummer.", "Tweede, in orde."]
    assert device_concerns(page)["drafts"] == []


def test_a_sync_cut_off_after_the_server_stored_it_is_retried_and_yields_one(server, context):
    answers_lost = []

    def lose_answers(route):
        if route.request.method == "POST" and cutting:
            route.fetch()  # the server stores the concern...
            answers_lost.append(route.request.url)
            route.abort()  # ...but its answer never reaches the phone
        else:
            route.fallback()

    # On the context: the page and the service worker (Background Sync) alike.
    cutting = True
    context.route("**/api/concerns", lose_answers)
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    fill_concern(page, need="Eén keer, ook na een verloren antwoord.")
    send(page)

    expect(page.locator("#sync-status")).to_contain_text("niet bereikbaar")
    assert answers_lost
    assert [d["state"] for d in device_concerns(page)["drafts"]] == ["waiting"]
    assert len(list_concerns(server.data_dir)) == 1  # the server has it already

    cutting = False
    page.get_by_role("button", name="Nu versturen").click()
    sent = page.locator("#list-sent .concern")
    expect(sent).to_have_count(1)
    stored = list_concerns(server.data_dir)
    assert len(stored) == 1
    expect(sent.locator(".receipt-reference")).to_have_text(stored[0]["reference"])
    assert device_concerns(page)["drafts"] == []
    server.stop()
    assert server.count("POST /api/concerns", 201) == 1
    # Every retry was answered from the Idempotency-Key: one 200 per lost answer, plus the last.
    assert server.count("POST /api/concerns", 200) == len(answers_lost)


def wait_until(page, condition, seconds: float = 10) -> None:
    """Let the browser run (events, routes) until `condition()` holds."""
    for _ in range(int(seconds * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("condition never held")


def queue_with_the_server_down(server, context, need: str) -> None:
    """Write and send a concern while the server is down, then close the page: it waits."""
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    server.stop()
    fill_concern(page, need=need)
    send(page)
    expect(page.locator("#list-waiting .concern")).to_have_count(1)
    page.close()


def test_background_sync_sends_the_outbox_with_no_concern_page_open(server, context):
    # Afterwards no page is left that could send it.
    queue_with_the_server_down(server, context, "Verstuurd door de service worker.")

    # Opened while the server is still down, so the app-open sync finds it unreachable and
    # only the `sync` event below can send it.
    guidance = context.new_page()  # a guidance page has no outbox code of its own
    guidance.goto(f"{server.url}/nl/contacts/")
    guidance.wait_for_timeout(1000)
    assert device_concerns(guidance)["receipts"] == []
    server.start()
    # Chromium fires `sync` when it sees the network come back; the test fires it the same way.
    cdp = context.new_cdp_session(guidance)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    wait_until(guidance, lambda: registrations)
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": server.url,
            "registrationId": registrations[-1]["registrationId"],
            "tag": "wegwijzer-outbox",
            "lastChance": False,
        },
    )
    wait_until(guidance, lambda: device_concerns(guidance)["receipts"])
    assert needs_stored(server) == ["Verstuurd door de service worker."]
    on_phone = device_concerns(guidance)
    assert on_phone["drafts"] == []
    assert on_phone["receipts"][0]["reference"] == list_concerns(server.data_dir)[0]["reference"]
    server.stop()
    assert server.count("POST /api/concerns", 201) == 1


def test_opening_the_app_on_a_guidance_page_sends_what_waits(server, context):
    queue_with_the_server_down(server, context, "Verstuurd bij het openen van de app.")

    server.start()
    guidance = context.new_page()  # the teacher opens the app on the Antwerp flow
    guidance.goto(f"{server.url}/nl/antwerpen/")
    wait_until(guidance, lambda: device_concerns(guidance)["receipts"])
    assert needs_stored(server) == ["Verstuurd bij het openen van de app."]
    assert device_concerns(guidance)["drafts"] == []
    server.stop()
    assert server.count("POST /api/concerns", 201) == 1


def test_two_open_tabs_send_the_outbox_exactly_once(server, context):
    fields = {
        "kind": "consult",
        "school": "Atheneum",
        "reporter_name": "Sara Claes",
        "reporter_role": "clb",
        "reporter_phone": "+31 6 12345678",
        "reporter_email": "",
        "clb_informed": True,
        "pupil_ref": "",
        "pupil_grade": "",
        "assessment": "unsure",
        "steps_taken": "",
        "talked_with_pupil": False,
        "talked_with_parents": False,
        "missing_info": "",
        "urgent": False,
    }
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.goto(f"{server.url}/nl/concerns/")
        expect(tab.locator("#concern-empty")).to_be_visible()
    context.set_offline(True)
    for number in range(4):
        first.evaluate(
            "fields => WegwijzerDrafts.queueDraft(WegwijzerDrafts.newId(), fields, 'nl')",
            {**fields, "need": f"Vraag {number}"},
        )

    context.set_offline(False)  # both tabs hear `online` at the same moment
    for tab in (first, second):
        expect(tab.locator("#list-sent .concern")).to_have_count(4, timeout=TIMEOUT)
    assert sorted(needs_stored(server)) == [f"Vraag {number}" for number in range(4)]
    server.stop()
    assert server.count("POST /api/concerns", 201) == 4
    assert server.count("POST /api/concerns", 200) == 0  # no tab sent anything twice


def test_without_web_locks_the_form_is_sent_as_a_plain_page(server, browser):
    """Outside the browsers the app targets (no Web Locks), nothing is kept on the phone."""
    context = browser.new_context(viewport=PHONE, locale="nl-BE", service_workers="block")
    context.add_init_script("delete Navigator.prototype.locks")
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    assert page.evaluate("'locks' in navigator") is False
    fill_concern(page, need="Zonder Web Locks, gewoon verstuurd.")
    page.click(".send-button")
    expect(page.locator(".reference")).to_have_text(REFERENCE)
    assert needs_stored(server) == ["Zonder Web Locks, gewoon verstuurd."]
    assert device_concerns(page) == {"drafts": [], "receipts": []}
    context.close()
