"""Publishing the CMP's draft: every page and every worker serves it, and a stale one is refused."""

import re

from pwa import create_app
from pwa.storage import audit
from pwa.storage import guidance as store
from tests.content_helpers import (
    NEW_TEL,
    OLD_TEL,
    change_lines,
    cmp_tel,
    flashes,
    import_document,
    in_english,
    panel_fields,
    publish,
    with_cmp_number,
)

PUBLISHED = "Version {n} is published. Phones get it the next time they open the app online."


def sw_version(client) -> str:
    return re.search(r"const VERSION = '(\w+)';", client.get("/sw.js").get_data(as_text=True))[1]


def live_tel(client, lang="nl") -> str:
    return cmp_tel(client.get(f"/{lang}/contacts/").get_data(as_text=True))


def test_publishing_the_draft_updates_the_pages_and_the_app_version(staff_app, signed_in):
    admin = in_english(signed_in("admin"))
    teacher = staff_app.test_client()
    version_before = sw_version(teacher)
    assert import_document(admin, with_cmp_number('"03 338 32 67"')).status_code == 302
    # A draft is not live: teachers still get the old number and the same app version.
    assert live_tel(teacher) == OLD_TEL
    assert sw_version(teacher) == version_before

    page = publish(admin).get_data(as_text=True)

    assert PUBLISHED.format(n=1) in flashes(page)
    assert "Version 1, published by admin1@cmp.example" in page
    assert "No unpublished changes" in page
    for lang in ("nl", "fr", "en"):
        assert live_tel(teacher, lang) == NEW_TEL
    assert sw_version(teacher) != version_before
    assert store.current_version(staff_app.config["DATA_DIR"]) == 1
    assert store.read_draft(staff_app.config["DATA_DIR"]) is None
    entry = audit.read_entries(staff_app.config["DATA_DIR"])[0]
    assert (entry["who"], entry["action"], entry["detail"]) == (
        admin.email,
        "content-publish",
        "version 1",
    )
    audit_page = admin.get("/staff/audit").get_data(as_text=True)
    assert "content-publish: version 1" in audit_page


def test_another_worker_serves_the_new_version_on_its_next_request(staff_app, signed_in):
    other_worker = create_app({**staff_app.config, "TESTING": True})
    other = other_worker.test_client()
    assert live_tel(other) == OLD_TEL
    admin = in_english(signed_in("admin"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    publish(admin)

    assert live_tel(other) == NEW_TEL  # no restart
    assert sw_version(other) == sw_version(staff_app.test_client())


def test_a_publish_after_someone_else_published_is_refused(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    first, second = in_english(signed_in("admin")), in_english(signed_in("admin"))
    import_document(first, with_cmp_number('"03 338 32 67"'))
    seen_by_first = panel_fields(first)  # the first admin opens the overview...
    publish(second)  # ...the second publishes, then starts a new draft
    import_document(second, with_cmp_number('"03 338 32 68"'))
    draft = store.read_draft(data_dir)

    page = publish(first, **seen_by_first).get_data(as_text=True)

    assert (
        "Someone else published version 1 meanwhile: nothing was published. "
        "Review the draft (and the history) before you publish."
    ) in flashes(page)
    assert store.current_version(data_dir) == 1
    assert store.read_draft(data_dir) == draft
    assert live_tel(staff_app.test_client()) == NEW_TEL


def test_a_draft_changed_since_the_admin_looked_is_not_published(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    first, second = in_english(signed_in("admin")), in_english(signed_in("admin"))
    import_document(first, with_cmp_number('"03 338 32 67"'))
    seen_by_first = panel_fields(first)
    import_document(second, with_cmp_number('"03 338 32 68"'))

    page = publish(first, **seen_by_first).get_data(as_text=True)

    assert any("The draft changed since you opened this page" in f for f in flashes(page))
    assert store.current_version(data_dir) == 0
    assert live_tel(staff_app.test_client()) == OLD_TEL


def test_without_changes_there_is_nothing_to_publish(staff_app, signed_in):
    admin = in_english(signed_in("admin"))
    page = admin.get("/staff/content/").get_data(as_text=True)
    assert "Version 0: the package defaults (nothing published yet)" in page
    assert "Publish as version" not in page
    response = admin.post(
        "/staff/content/publish", data={"expected": "0", "draft_digest": "x"}, follow_redirects=True
    )
    assert "Nothing to publish: the draft has no changes." in flashes(
        response.get_data(as_text=True)
    )
    assert store.current_version(staff_app.config["DATA_DIR"]) == 0


def test_discarding_the_draft_needs_the_box_ticked(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    admin = in_english(signed_in("admin"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    page = admin.post("/staff/content/discard", follow_redirects=True).get_data(as_text=True)
    assert "Tick the box to confirm that the draft is thrown away." in flashes(page)
    assert store.read_draft(data_dir) is not None

    page = admin.post(
        "/staff/content/discard", data={"confirm": "y"}, follow_redirects=True
    ).get_data(as_text=True)

    assert "The draft is discarded. The live version did not change." in flashes(page)
    assert store.read_draft(data_dir) is None
    assert audit.read_entries(data_dir)[0]["action"] == "content-draft-discarded"


def test_an_outdated_draft_is_flagged_on_the_overview(staff_app, signed_in):
    admin = in_english(signed_in("admin"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    publish(admin)
    import_document(admin, with_cmp_number('"03 338 32 68"'))
    rollback = admin.post("/staff/content/rollback/0", data={"expected": "1", "confirm": "y"})
    assert rollback.status_code == 302
    page = admin.get("/staff/content/").get_data(as_text=True)
    assert 'id="draft-outdated"' in page
    assert "version 2 was published after this draft was started from version 1" in page


def test_staff_who_are_not_admins_may_look_but_not_change(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    admin, colleague = in_english(signed_in("admin")), in_english(signed_in("staff"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    publish(admin)
    import_document(admin, with_cmp_number('"03 338 32 68"'))
    draft = store.read_draft(data_dir)

    for url, data in [
        ("/staff/content/publish", panel_fields(admin)),
        ("/staff/content/discard", {"confirm": "y"}),
        ("/staff/content/rollback/0", {"expected": "1", "confirm": "y"}),
        ("/staff/content/import", {}),
    ]:
        assert colleague.post(url, data=data).status_code == 403, url
    for url in ("/staff/content/rollback/0", "/staff/content/import"):
        assert colleague.get(url).status_code == 403, url
    assert store.current_version(data_dir) == 1
    assert store.read_draft(data_dir) == draft

    overview = colleague.get("/staff/content/").get_data(as_text=True)
    assert "Publish as version" not in overview and "Import a file" not in overview
    assert "Discard the draft" not in overview
    history = colleague.get("/staff/content/history").get_data(as_text=True)
    cmp_phone = "Antwerp (Flanders) › Central Reporting Point (CMP) › phone number"
    assert change_lines(history) == [[f"{cmp_phone}: 03 338 32 66 → 03 338 32 67"]]
    assert "Roll back" not in history
    assert colleague.get("/staff/content/preview/nl/contacts/").status_code == 200
    assert colleague.get("/staff/content/export?which=draft").status_code == 200


def test_a_draft_the_rules_now_refuse_is_neither_shown_nor_published(staff_app, signed_in):
    """A draft saved under older, looser rules (written straight to the data folder here)."""
    data_dir = staff_app.config["DATA_DIR"]
    admin = in_english(signed_in("admin"))
    store.save_draft(data_dir, with_cmp_number('"03 338 32"'), 0, "old@cmp.example")

    preview = admin.get("/staff/content/preview/nl/contacts/", follow_redirects=True)
    assert any(
        m.startswith("The draft cannot be shown:") and "phone '03 338 32' is not a valid BE" in m
        for m in flashes(preview.get_data(as_text=True))
    )
    page = publish(admin).get_data(as_text=True)
    assert any(m.startswith("Nothing was published: ") for m in flashes(page))
    assert store.current_version(data_dir) == 0
    assert live_tel(staff_app.test_client()) == OLD_TEL


def test_a_draft_saved_while_another_is_published_is_kept(tmp_path):
    """Storage ends the draft only if it is the text that was published."""
    from pwa.guidance import DEFAULT_FILE
    from pwa.storage import guidance as store

    data_dir = tmp_path / "data"
    published = DEFAULT_FILE.read_text().replace('"03 338 32 66"', '"03 338 32 67"', 1)
    store.save_draft(data_dir, published, 0, "a@cmp.example")
    newer = published.replace('"03 338 32 67"', '"03 338 32 68"', 1)
    store.save_draft(data_dir, newer, 0, "b@cmp.example")  # saved just before a's publish
    store.publish(data_dir, published, "a@cmp.example", expected=0)
    assert store.read_draft(data_dir)["text"] == newer
    store.publish(data_dir, newer, "b@cmp.example", expected=1)
    assert store.read_draft(data_dir) is None
