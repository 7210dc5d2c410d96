"""Remember me, not the pupil (issue #8): the teacher's details fill the next concern."""

import json

import pytest
from playwright.sync_api import expect

from pwa import vocabulary
from pwa.storage.concerns import list_concerns

from .conftest import LoggedLiveServer, fill_concern
from .conftest import wait_until_offline_ready as offline_ready
from .test_concerns_sync import cached_responses, send

# The teacher's details, and the pupil's and the concern's: values found nowhere else on a page.
TEACHER = {
    "school": "Koninklijk Atheneum Zuid",
    "reporter_name": "Griet Vermeulen",
    "reporter_role": "clb",
    "reporter_phone": "03 234 56 78",
    "reporter_email": "griet.vermeulen@school.example",
}
PUPIL = {
    "pupil_ref": "Q.Z.",
    "pupil_grade": "5 Latijn-Wisk",
    "need": "Vertelt over filmpjes die geweld goedpraten.",
    "steps_taken": "Gesprek met de klastitularis op maandag.",
    "missing_info": "Wat er thuis gebeurt.",
}
REMEMBERED_KEY = "wegwijzer.my-details"
TEXT_FIELDS = [name for name in TEACHER if name != "reporter_role"]

# Everything the app keeps in this browser profile: web storage, every IndexedDB database
# (opened only if it exists) with all its stores, and the service worker's caches.
DEVICE_STORAGE = """async () => {
  const found = { local: { ...localStorage }, session: { ...sessionStorage }, idb: {} };
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((ok, fail) => {
      const request = indexedDB.open(info.name);
      request.onsuccess = () => ok(request.result);
      request.onerror = () => fail(request.error);
    });
    const stores = {};
    for (const name of db.objectStoreNames) {
      stores[name] = await new Promise((ok) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => ok(request.result);
      });
    }
    found.idb[info.name] = stores;
    db.close();
  }
  return found;
}"""


@pytest.fixture
def server(tmp_path):
    server = LoggedLiveServer(tmp_path / "data").start()
    yield server
    server.stop()


def teacher_fields(page) -> dict:
    """The "About you" details as the form shows them now."""
    shown = {name: page.input_value(f"#field-{name}") for name in TEXT_FIELDS}
    role = page.locator("input[name=reporter_role]:checked")
    shown["reporter_role"] = role.get_attribute("value") if role.count() else ""
    return shown


def pupil_fields(page) -> dict:
    return {name: page.input_value(f"#field-{name}") for name in PUPIL}


def write_and_send(page, server, remember: bool) -> None:
    page.goto(f"{server.url}/nl/concerns/new")
    box = page.locator("#remember-me")
    expect(box).to_be_visible()
    expect(box).not_to_be_checked()  # off by default
    fill_concern(page, **TEACHER, **PUPIL)
    box.set_checked(remember)
    send(page)


def test_ticked_the_next_form_has_the_teachers_details_and_nothing_of_the_pupil(server, context):
    posted = []  # what the page sent (the service worker's own sends may not be seen here)
    context.on(
        "request",
        lambda r: posted.append(r.post_data) if r.url.endswith("/api/concerns") else None,
    )
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    offline_ready(page, "nl")
    write_and_send(page, server, remember=True)
    expect(page.locator("#list-sent .concern")).to_have_count(1)

    # The box is not a field of the concern: not in what was synced (the API refuses unknown
    # keys, so a concern that arrived had none), not stored by the CMP.
    assert all("remember" not in (body or "") for body in posted)
    [stored] = list_concerns(server.data_dir)
    assert set(stored["fields"]) == set(vocabulary.FIELD_ORDER)
    assert stored["fields"]["need"] == PUPIL["need"]

    page.goto(f"{server.url}/nl/concerns/new")
    expect(page.locator("#field-school")).to_have_value(TEACHER["school"])
    assert teacher_fields(page) == TEACHER
    assert pupil_fields(page) == dict.fromkeys(PUPIL, "")
    expect(page.locator("#remember-me")).to_be_checked()
    expect(page.locator("input[name=kind]:checked")).to_have_count(0)
    expect(page.locator("#field-urgent")).not_to_be_checked()

    # On the phone: the five details under one key, and nothing of the pupil's anywhere (the
    # draft was deleted when the CMP confirmed; only its receipt stays).
    device = page.evaluate(DEVICE_STORAGE)
    assert json.loads(device["local"][REMEMBERED_KEY]) == TEACHER
    assert device["idb"]["wegwijzer"]["drafts"] == []
    everything = json.dumps(device, ensure_ascii=False) + json.dumps(
        cached_responses(page), ensure_ascii=False
    )
    for value in PUPIL.values():
        assert value not in everything, value
    assert "Vermeulen" in everything  # the search does find what is there


def test_unticked_nothing_is_remembered(server, context):
    page = context.new_page()
    write_and_send(page, server, remember=False)
    expect(page.locator("#list-sent .concern")).to_have_count(1)
    page.goto(f"{server.url}/nl/concerns/new")
    expect(page.locator("#remember-me")).not_to_be_checked()
    assert teacher_fields(page) == dict.fromkeys(TEACHER, "")
    assert REMEMBERED_KEY not in page.evaluate(DEVICE_STORAGE)["local"]


def test_unticking_forgets_and_a_draft_keeps_its_own_details(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/nl/concerns/new")
    fill_concern(page, **{**TEACHER, "school": "Oude school"}, need="Een concept, andere school.")
    expect(page.locator("#draft-status")).to_contain_text("Concept bewaard")
    draft_url = page.url

    # Ticked on a new concern, the details are kept at once; unticking forgets them.
    page.goto(f"{server.url}/nl/concerns/new")
    fill_concern(page, **TEACHER)
    page.check("#remember-me")
    assert json.loads(page.evaluate(f"localStorage.getItem('{REMEMBERED_KEY}')")) == TEACHER
    page.uncheck("#remember-me")
    assert page.evaluate(f"localStorage.getItem('{REMEMBERED_KEY}')") is None
    page.check("#remember-me")

    # The draft written before keeps the school it was written with.
    page.goto(draft_url)
    expect(page.locator("#field-need")).to_have_value("Een concept, andere school.")
    expect(page.locator("#field-school")).to_have_value("Oude school")
