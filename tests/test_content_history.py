"""The history of published guidance versions (who, when, before → after) and rolling back."""

import re

from pwa.storage import audit
from pwa.storage import guidance as store
from tests.content_helpers import (
    NEW_TEL,
    OLD_TEL,
    change_lines,
    cmp_tel,
    defaults,
    flashes,
    import_document,
    in_english,
    publish,
    with_cmp_number,
)

CMP_PHONE = "Antwerp (Flanders) › Central Reporting Point (CMP) › phone number"
ROLE_FR = "Antwerp (Flanders) › Central Reporting Point (CMP) › role (fr)"
NEW_ROLE_FR = "Pour une consultation et pour une demande d'accompagnement."


def publish_number(admin, number: str, text: str | None = None) -> None:
    import_document(admin, with_cmp_number(number, text))
    publish(admin)


def live_tel(app) -> str:
    return cmp_tel(app.test_client().get("/nl/contacts/").get_data(as_text=True))


def version_blocks(html: str) -> dict[str, str]:
    """Each version's part of the history page, by its number."""
    item = r'<li class="version" id="version-(\d+)">(.*?)</li>\s*(?=<li class="version"|</ol>)'
    return dict(re.findall(item, html, re.S))


def test_history_lists_every_version_with_who_when_and_before_after(staff_app, signed_in):
    first, second = in_english(signed_in("admin")), in_english(signed_in("admin"))
    publish_number(first, '"03 338 32 67"')
    text = with_cmp_number('"03 338 32 68"').replace(
        'fr = "Le point de contact central (« Centraal Meldpunt » en néerlandais) : pour une '
        "consultation d'information et pour une demande d'accompagnement par l'école ou le CLB.\"",
        f'fr = "{NEW_ROLE_FR}"',
    )
    assert NEW_ROLE_FR in text
    import_document(second, text)
    publish(second)

    html = first.get("/staff/content/history").get_data(as_text=True)

    blocks = version_blocks(html)
    assert list(blocks) == ["2", "1", "0"]  # newest first, then the package defaults
    assert f"Published by {second.email} on " in blocks["2"]
    assert f"Published by {first.email} on " in blocks["1"]
    assert 'class="badge live"' in blocks["2"] and "badge live" not in blocks["1"]
    assert change_lines(blocks["2"]) == [
        [
            f"{CMP_PHONE}: 03 338 32 67 → 03 338 32 68",
            f"{ROLE_FR}: Le point de contact central (« Centraal Meldpunt » en néerlandais) : "
            "pour une consultation d'information et pour une demande d'accompagnement par "
            f"l'école ou le CLB. → {NEW_ROLE_FR}",
        ]
    ]
    assert change_lines(blocks["1"]) == [[f"{CMP_PHONE}: 03 338 32 66 → 03 338 32 67"]]
    assert "Roll back to version 1" in blocks["1"] and "Roll back" not in blocks["2"]
    assert "Roll back to the package defaults" in blocks["0"]


def test_a_rollback_restores_the_old_number_as_a_new_version(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    admin = in_english(signed_in("admin"))
    publish_number(admin, '"03 338 32 67"')
    publish_number(admin, '"03 338 32 68"')
    import_document(admin, with_cmp_number('"03 338 32 69"'))  # a draft in progress
    draft = store.read_draft(data_dir)

    confirm = admin.get("/staff/content/rollback/1").get_data(as_text=True)
    assert change_lines(confirm) == [[f"{CMP_PHONE}: 03 338 32 68 → 03 338 32 67"]]
    assert "as version 3" in confirm
    response = admin.post(
        "/staff/content/rollback/1", data={"expected": "2", "confirm": "y"}, follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert (
        "Version 3 is published: the guidance of version 1 again. Phones get it the next time "
        "they open the app online. The draft was kept, with its unpublished changes."
    ) in flashes(page)
    assert store.current_version(data_dir) == 3
    assert live_tel(staff_app) == NEW_TEL
    assert store.read_draft(data_dir) == draft
    assert (
        f"Rolled back by {admin.email} on " in version_blocks(page)["3"]
        and ": the guidance of version 1 again" in version_blocks(page)["3"]
    )
    overview = admin.get("/staff/content/").get_data(as_text=True)
    assert f"Version 3, published by {admin.email} on " in overview
    assert "(the guidance of version 1 again)" in overview
    entry = audit.read_entries(data_dir)[0]
    assert (entry["action"], entry["detail"]) == ("content-rollback", "version 3 = version 1")
    audit_page = admin.get("/staff/audit").get_data(as_text=True)
    assert "content-rollback: version 3 = version 1" in audit_page


def test_a_rollback_to_the_package_defaults(staff_app, signed_in):
    admin = in_english(signed_in("admin"))
    publish_number(admin, '"03 338 32 67"')
    response = admin.post("/staff/content/rollback/0", data={"expected": "1", "confirm": "y"})
    assert response.status_code == 302
    assert live_tel(staff_app) == OLD_TEL
    published = store.read_published(staff_app.config["DATA_DIR"])
    assert (published["version"], published["text"]) == (2, defaults())


def test_a_rollback_needs_the_box_and_the_version_the_admin_saw(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    admin = in_english(signed_in("admin"))
    publish_number(admin, '"03 338 32 67"')

    unticked = admin.post("/staff/content/rollback/0", data={"expected": "1"})
    assert unticked.status_code == 200
    assert "Tick the box to confirm the rollback." in flashes(unticked.get_data(as_text=True))
    stale = admin.post("/staff/content/rollback/0", data={"expected": "0", "confirm": "y"})
    assert "Someone else published version 1 meanwhile" in stale.get_data(as_text=True)

    assert store.current_version(data_dir) == 1
    assert live_tel(staff_app) == NEW_TEL
    assert admin.get("/staff/content/rollback/7").status_code == 404
    already = admin.get("/staff/content/rollback/1", follow_redirects=True)
    assert "Version 1 is already live." in flashes(already.get_data(as_text=True))


def test_before_anything_is_published_the_history_says_so(signed_in):
    admin = in_english(signed_in("admin"))
    blocks = version_blocks(admin.get("/staff/content/history").get_data(as_text=True))
    assert list(blocks) == ["0"]
    assert 'class="badge live"' in blocks["0"] and "Roll back" not in blocks["0"]
