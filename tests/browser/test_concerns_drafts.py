"""Drafts on the phone: nothing typed is lost to a reload or an app update; deleting asks first."""

import pytest
from playwright.sync_api import expect

from .conftest import LoggedLiveServer, device_concerns, fill_concern, wait_until_offline_ready


@pytest.fixture
def server(tmp_path):
    server = LoggedLiveServer(tmp_path / "data", WEGWIJZER_APP_VERSION="version-one").start()
    yield server
    server.stop()


def wait_for_reload(page, action) -> None:
    """Run `action` and wait until it has loaded the page anew."""
    page.evaluate("window.beforeReload = true")
    action()
    page.wait_for_function("() => !window.beforeReload && document.readyState === 'complete'")


def test_half_typed_text_survives_accepting_an_app_update(server, page):
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    fill_concern(page)
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard")

    server.stop()
    server.start(WEGWIJZER_APP_VERSION="version-two")  # a deploy
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(page.locator("#update-banner")).to_be_visible()

    # Typed just now, less than the autosave pause before tapping "update".
    page.fill("#field-missing_info", "Half getypt")
    wait_for_reload(page, lambda: page.click("#update-button"))

    expect(page.locator("#field-missing_info")).to_have_value("Half getypt")
    expect(page.locator("#field-school")).to_have_value("Sint-Jansschool")
    [draft] = device_concerns(page)["drafts"]
    assert draft["fields"]["missing_info"] == "Half getypt"
    assert draft["state"] == "draft"


def test_half_typed_text_survives_a_reload(server, page):
    page.goto(f"{server.url}/nl/concerns/new")
    page.fill("#field-need", "Net getypt")
    wait_for_reload(page, page.reload)  # no pause: saved as the page goes away
    expect(page.locator("#field-need")).to_have_value("Net getypt")
    assert page.url.startswith(f"{server.url}/nl/concerns/new?draft=")


def test_urgent_shows_112_and_deleting_a_draft_asks_first(server, page):
    page.goto(f"{server.url}/nl/concerns/new")
    guidance = page.locator("#urgent-guidance")
    expect(guidance).to_be_hidden()
    page.check("#field-urgent")
    expect(guidance).to_be_visible()
    expect(guidance.locator("a[href='tel:112']")).to_be_visible()
    page.fill("#field-need", "Te verwijderen")
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard")

    page.goto(f"{server.url}/nl/concerns/")
    # Where the browser does not promise to keep the drafts, the page says so.
    note = page.locator("#storage-note")
    if page.evaluate("navigator.storage.persisted()"):
        expect(note).to_be_hidden()
    else:
        expect(note).to_be_visible()
        expect(note.get_by_role("link")).to_have_attribute("href", "/nl/about/")
    draft = page.locator("#list-open .concern")
    expect(draft).to_have_count(1)
    dialog = page.locator("#delete-dialog")

    draft.get_by_role("button", name="Verwijderen").click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Bewaren").click()
    expect(dialog).to_be_hidden()
    expect(draft).to_have_count(1)

    draft.get_by_role("button", name="Verwijderen").click()
    dialog.get_by_role("button", name="Concept verwijderen").click()
    expect(draft).to_have_count(0)
    expect(page.locator("#concern-empty")).to_be_visible()
    assert device_concerns(page)["drafts"] == []


# Marks a new draft as sent (nothing goes to the server), noting every transaction it opens.
# A function cannot be stored in IndexedDB: with `unstorable` the receipt's put fails.
SWAP_FOR_RECEIPT = """async ({ answer, unstorable }) => {
  const opened = [];
  const original = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode, options) {
    opened.push(`${[].concat(names).sort().join('+')} ${mode}`);
    return original.call(this, names, mode, options);
  };
  const id = WegwijzerDrafts.newId();
  await WegwijzerDrafts.saveDraft(id, { need: 'Geheime tekst' }, 'nl');
  opened.length = 0;
  const sent = unstorable ? { ...answer, status: () => 'received' } : answer;
  const failed = await WegwijzerDrafts.markSent(id, sent).then(() => false, () => true);
  IDBDatabase.prototype.transaction = original;
  const draft = await WegwijzerDrafts.getDraft(id);
  const receipt = await WegwijzerDrafts.getReceipt(id);
  return { opened, failed, draft: draft || null, receipt: receipt || null };
}"""
ANSWER = {
    "reference": "CMP-2026-0001",
    "receipt_token": "token",
    "received_at": "2026-01-05T09:00:00Z",
    "status": "received",
}


def writes(swap: dict) -> list[str]:
    """The read-write transactions the swap opened (the list page may read meanwhile)."""
    return [opened for opened in swap["opened"] if opened.endswith("readwrite")]


def test_a_draft_is_swapped_for_its_receipt_in_one_transaction(server, page):
    page.goto(f"{server.url}/nl/concerns/")
    swapped = page.evaluate(SWAP_FOR_RECEIPT, {"answer": ANSWER, "unstorable": False})
    assert writes(swapped) == ["drafts+receipts readwrite"]
    assert not swapped["failed"] and swapped["draft"] is None
    assert swapped["receipt"]["reference"] == "CMP-2026-0001"
    assert "Geheime tekst" not in str(swapped["receipt"])

    # When the receipt cannot be stored, the draft stays, text and all: never neither.
    broken = page.evaluate(SWAP_FOR_RECEIPT, {"answer": ANSWER, "unstorable": True})
    assert writes(broken) == ["drafts+receipts readwrite"]
    assert broken["failed"] and broken["receipt"] is None
    assert broken["draft"]["fields"] == {"need": "Geheime tekst"}
