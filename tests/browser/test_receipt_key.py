"""The reporter's receipt key on a real phone: the agreement opens on the device, a lost phone
keeps none of the concern's text, and the agreement fetched online still shows offline."""

import json

import pytest
from playwright.sync_api import expect

from pwa.storage import inbox
from pwa.storage.concerns import get_concern, list_concerns

from .conftest import LoggedLiveServer, fill_concern, wait_until_offline_ready

AGREEMENT = "Gesprek met het CLB-anker op dinsdag 14u; het CMP start een traject. Één afspraak ✓"
# Everything the teacher typed, each unlike anything the app itself shows.
TYPED = {
    "school": "Koninklijk Atheneum Zwijndrecht-Oost",
    "reporter_name": "Marieke Vandeputte",
    "reporter_phone": "0470 98 76 54",
    "reporter_email": "marieke.vandeputte@example.be",
    "pupil_ref": "Q.Z.",
    "pupil_grade": "5 Latijn-Wiskunde",
    "need": "Deelt filmpjes van een haatprediker in de klasgroep.",
    "steps_taken": "Gesprek met de zorgcoördinator op maandag.",
    "missing_info": "Of de ouders het al weten.",
}
# The phone number as the server stores it, and its digits, must not be there either.
SECRETS = [*TYPED.values(), "+32470987654", "470987654", AGREEMENT, "CLB-anker op dinsdag"]

# Everything this origin keeps in the browser: every IndexedDB database and store (a CryptoKey
# described, as its bytes cannot be read), every Cache Storage response's body, and web storage.
DUMP_PHONE = """async () => {
  const described = (value) => JSON.stringify(value, (_key, v) => (v instanceof CryptoKey
    ? { cryptoKey: v.type, extractable: v.extractable, usages: v.usages } : v));
  const found = { indexedDB: {}, caches: {}, localStorage: {}, sessionStorage: {} };
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => {
      const request = indexedDB.open(info.name);
      request.onsuccess = () => ok(request.result);
      request.onerror = () => fail(request.error);
    });
    for (const store of db.objectStoreNames) {
      const all = await new Promise((ok) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => ok(request.result);
      });
      found.indexedDB[`${info.name}/${store}`] = described(all);
    }
    db.close();
  }
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      found.caches[request.url] = await (await cache.match(request)).text();
    }
  }
  for (const area of ['localStorage', 'sessionStorage']) {
    for (let i = 0; i < window[area].length; i++) {
      const key = window[area].key(i);
      found[area][key] = window[area].getItem(key);
    }
  }
  return found;
}"""


def dump_phone(page) -> dict:
    return page.evaluate(DUMP_PHONE)


def assert_no_concern_text(dump: dict) -> None:
    """The lost-phone test: nothing the teacher typed and not the agreement, anywhere."""
    everything = json.dumps(dump, ensure_ascii=False)
    unicode_escaped = json.dumps(dump)
    found = [text for text in SECRETS if text in everything or text in unicode_escaped]
    assert found == [], f"on the phone: {found}"


@pytest.fixture
def server(tmp_path):
    server = LoggedLiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def agree_on_follow_up(data_dir, concern_id: str, agreement: str) -> None:
    """What the workspace does: the flow up to follow-up, then the agreement saved."""
    by = "staff@cmp.example"
    for target in ("clarification", "case_discussion"):
        inbox.transition(data_dir, concern_id, target, by)
    inbox.save_step(data_dir, concern_id, by, {"case_discussion": {"expert-team": {"done": True}}})
    inbox.transition(data_dir, concern_id, "follow_up", by)
    sections = {"follow_up_options": ["cmp-trajectory"], "follow_up": agreement}
    inbox.save_step(data_dir, concern_id, by, sections)


def test_the_agreement_opens_on_the_phone_and_a_lost_phone_keeps_no_concern_text(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    wait_until_offline_ready(page, "nl")
    fill_concern(page, **TYPED)
    page.click(".send-button")
    page.wait_for_url("**/nl/concerns/")
    sent = page.locator("#list-sent .concern")
    expect(sent).to_have_count(1, timeout=30_000)
    reference = sent.locator(".receipt-reference").inner_text()

    # The server got the phone's public key with the concern; the phone kept the private key,
    # which no script can read out.
    record = list_concerns(server.data_dir)[0]
    assert record["reference"] == reference and record["fields"]["need"] == TYPED["need"]
    key = page.evaluate(
        """async (id) => {
          const kept = await WegwijzerDrafts.getReceiptKey(id);
          let exported = 'exported';
          try { await crypto.subtle.exportKey('pkcs8', kept.private_key); }
          catch (error) { exported = error.name; }
          return { public_key: kept.public_key, extractable: kept.private_key.extractable,
                   type: kept.private_key.type, exported: exported };
        }""",
        record["id"],
    )
    assert key == {
        "public_key": record["receipt_key"],
        "extractable": False,
        "type": "private",
        "exported": "InvalidAccessError",
    }
    dump = dump_phone(page)
    assert reference in json.dumps(dump)  # the dump sees the receipt...
    assert_no_concern_text(dump)  # ...and after the receipt, none of the concern's text

    # The CMP writes the follow-up agreement; the phone opens it on the device.
    agree_on_follow_up(server.data_dir, record["id"], AGREEMENT)
    assert get_concern(server.data_dir, record["id"])["follow_up_for_phone"]["ciphertext"]
    page.reload()
    expect(sent.locator(".follow-up-text")).to_have_text(AGREEMENT)
    expect(sent.locator(".follow-up-title")).to_have_text("Afspraak voor de opvolging:")
    expect(sent.locator(".concern-status")).to_contain_text("opvolging afgesproken")
    expect(sent.locator(".concern-checked")).to_contain_text("Laatst nagekeken op")
    dump = dump_phone(page)
    receipts = json.loads(dump["indexedDB"]["wegwijzer/receipts"])
    assert receipts[0]["follow_up_sealed"]["version"] == 1  # kept, but only sealed
    assert receipts[0]["follow_up"] is None
    # After the send, the phone keeps the receipt only: no draft, no fields.
    assert set(receipts[0]) == {
        "id",
        "reference",
        "receipt_token",
        "received_at",
        "status",
        "updated_at",
        "follow_up",
        "follow_up_sealed",
        "checked_at",
        "unknown",
    }
    assert json.loads(dump["indexedDB"]["wegwijzer/drafts"]) == []
    assert_no_concern_text(dump)

    # Reopened with the server gone: the agreement fetched online before still shows.
    server.stop()
    page.reload()
    expect(sent.locator(".receipt-reference")).to_have_text(reference)
    expect(sent.locator(".follow-up-text")).to_have_text(AGREEMENT)
    assert_no_concern_text(dump_phone(page))
    server.start()
    assert server.count("POST /api/concerns", 201) == 1


def test_an_agreement_the_phone_cannot_open_says_so(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    fill_concern(page, need="Een melding waarvan de sleutel verloren gaat.")
    page.click(".send-button")
    sent = page.locator("#list-sent .concern")
    expect(sent).to_have_count(1, timeout=30_000)
    record = list_concerns(server.data_dir)[0]
    agree_on_follow_up(server.data_dir, record["id"], AGREEMENT)
    # Another key in the phone's place (as if its key were lost and made again).
    page.evaluate(
        """async (id) => {
          const db = await new Promise((ok) => {
            const request = indexedDB.open('wegwijzer');
            request.onsuccess = () => ok(request.result);
          });
          const pair = await crypto.subtle.generateKey(
            { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
          const kept = await WegwijzerDrafts.getReceiptKey(id);
          await new Promise((ok) => {
            const tx = db.transaction('receipt-keys', 'readwrite');
            tx.objectStore('receipt-keys').put({ ...kept, private_key: pair.privateKey });
            tx.oncomplete = ok;
          });
          db.close();
        }""",
        record["id"],
    )
    page.reload()
    expect(sent.locator(".follow-up-unreadable")).to_have_text(
        "De opvolgingsafspraak kan op deze telefoon niet geopend worden. Vraag ernaar bij het CMP."
    )
    expect(sent.locator(".follow-up-text")).to_have_count(0)


OLD_DATABASE = """async (url) => {
  // The app's database as version 1 of the app left it: a draft and a receipt with its
  // agreement in clear (concerns sent before receipt keys).
  const db = await new Promise((ok, fail) => {
    const request = indexedDB.open('wegwijzer', 1);
    request.onupgradeneeded = () => {
      const made = request.result;
      made.createObjectStore('drafts', { keyPath: 'id' });
      made.createObjectStore('receipts', { keyPath: 'id' });
      made.createObjectStore('meta', { keyPath: 'name' });
    };
    request.onsuccess = () => ok(request.result);
    request.onerror = () => fail(request.error);
  });
  const tx = db.transaction(['drafts', 'receipts'], 'readwrite');
  tx.objectStore('drafts').put({
    id: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', state: 'draft', lang: 'nl',
    fields: { kind: 'consult', school: 'Oude school', need: 'Een oud concept.' },
    created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T10:00:00Z'
  });
  tx.objectStore('receipts').put({
    id: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d', reference: 'CMP-2026-0042',
    receipt_token: 'x', received_at: '2026-10-01T10:00:00Z', status: 'follow_up',
    follow_up: 'Een oude afspraak, niet verzegeld.'
  });
  await new Promise((ok) => { tx.oncomplete = ok; });
  db.close();
}"""


def test_the_database_upgrade_keeps_drafts_and_receipts_from_before(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/about/")
    page.evaluate(OLD_DATABASE)
    # This server never had that concern: as if it could not be reached, the receipt stays.
    page.route("**/api/receipts/**", lambda route: route.abort())
    page.goto(f"{server.url}/nl/concerns/")
    expect(page.locator("#list-open .concern-excerpt")).to_have_text("Een oud concept.")
    old = page.locator("#list-sent .concern")
    expect(old.locator(".receipt-reference")).to_have_text("CMP-2026-0042")
    expect(old.locator(".follow-up-text")).to_have_text("Een oude afspraak, niet verzegeld.")
    stores = page.evaluate(
        """() => new Promise((ok) => {
          const request = indexedDB.open('wegwijzer');
          request.onsuccess = () => {
            const db = request.result;
            ok({ version: db.version, stores: [...db.objectStoreNames].sort() });
            db.close();
          };
        })"""
    )
    assert stores == {"version": 2, "stores": ["drafts", "meta", "receipt-keys", "receipts"]}
