"""What changed between two guidance documents, field by field (pwa/guidance_changes.py)."""

from pwa.guidance_changes import Change, changes
from tests.content_helpers import defaults, with_cmp_number

CMP = ("Antwerpen (Vlaanderen)", "Centraal Meldpunt (CMP)")


def test_the_same_document_has_no_changes():
    assert changes(defaults(), defaults()) == []


def test_a_new_number_is_one_change_on_its_contact():
    found = changes(defaults(), with_cmp_number('"03 338 32 67"'))
    assert found == [Change(CMP, "phone", "03 338 32 66", "03 338 32 67")]
    assert found[0].kind == "changed"


def test_items_are_named_in_the_readers_language():
    found = changes(defaults(), with_cmp_number('"03 338 32 67"'), "fr")
    assert found[0].path == ("Anvers (Flandre)", "Centraal Meldpunt (CMP)")
    assert changes(defaults(), with_cmp_number('"03 338 32 67"'), "en")[0].path == (
        "Antwerp (Flanders)",
        "Central Reporting Point (CMP)",
    )


def test_a_text_changes_per_language():
    old = 'en = "Every morning (except Tuesday morning) from 9:00 to 12:30."'
    new = 'en = "Every morning except Tuesday, 9:00 to 12:30."'
    found = changes(defaults(), defaults().replace(old, new, 1))
    assert found == [
        Change(
            CMP,
            "hours_text",
            "Every morning (except Tuesday morning) from 9:00 to 12:30.",
            "Every morning except Tuesday, 9:00 to 12:30.",
            lang="en",
        )
    ]


def test_opening_hours_read_as_days_and_times():
    after = defaults().replace(
        'opens = "09:00", closes = "12:30"', 'opens = "09:00", closes = "13:00"'
    )
    assert changes(defaults(), after) == [
        Change(CMP, "hours", "mon, wed, thu, fri 09:00–12:30", "mon, wed, thu, fri 09:00–13:00")
    ]


def test_a_checklist_item_is_matched_by_id_and_its_text_changes():
    old = 'nl = "Een trajectopvolging door het CMP."'
    found = changes(defaults(), defaults().replace(old, 'nl = "Trajectopvolging door het CMP."'))
    assert len(found) == 1
    assert found[0].path[0] == "Antwerpen (Vlaanderen)"
    assert found[0].path[-1] == "Trajectopvolging door het CMP."
    assert (found[0].field, found[0].lang) == ("text", "nl")
    assert (found[0].before, found[0].after) == (
        "Een trajectopvolging door het CMP.",
        "Trajectopvolging door het CMP.",
    )


def test_added_and_removed_items_are_named():
    text = defaults()
    start = text.index('[[regions.contacts]]\nid = "diane-bangels"')
    end = text.index("# ---------------------------------------------------------------- steps")
    without = text[:start] + text[end:]
    three = 'contacts = ["cmp", "noemie-goris", "diane-bangels"]'
    without = without.replace(three, 'contacts = ["cmp", "noemie-goris"]')
    removed = changes(text, without)
    assert Change(("Antwerpen (Vlaanderen)",), None, "Diane Bangels", None) in removed
    assert [c.kind for c in removed if c.field is None] == ["removed"]
    assert (
        Change(
            ("Antwerpen (Vlaanderen)", "Informatieconsult bij het CMP"),
            "contacts",
            "cmp; noemie-goris; diane-bangels",
            "cmp; noemie-goris",
        )
        in removed
    )
    added = changes(without, text)
    assert Change(("Antwerpen (Vlaanderen)",), None, None, "Diane Bangels") in added


def test_a_new_order_of_the_same_items_is_one_change():
    text = defaults()
    noemie = text.index('[[regions.contacts]]\nid = "noemie-goris"')
    diane = text.index('[[regions.contacts]]\nid = "diane-bangels"')
    end = text.index("# ---------------------------------------------------------------- steps")
    swapped = text[:noemie] + text[diane:end] + text[noemie:diane] + text[end:]
    assert changes(text, swapped) == [
        Change(
            ("Antwerpen (Vlaanderen)",),
            "contacts order",
            "Centraal Meldpunt (CMP), Noëmie Goris, Diane Bangels",
            "Centraal Meldpunt (CMP), Diane Bangels, Noëmie Goris",
        )
    ]


def test_a_document_that_is_not_toml_never_raises():
    found = changes("this is [not toml", with_cmp_number('"03 338 32 67"'))
    assert Change((), "format", None, "1") in found
    assert changes(defaults(), "[broken")  # everything removed, shown rather than an error
