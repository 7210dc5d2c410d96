"""The content files are validated at start-up; a broken one stops the app with a clear message."""

import shutil
from pathlib import Path

import pytest

from pwa import create_app
from pwa.guidance import DEFAULT_FILE, LOCALES, ContentError, load_content

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the real content file."""
    target = tmp_path / "guidance.toml"
    shutil.copy(DEFAULT_FILE, target)
    return target


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def start_with(path: Path, tmp_path: Path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "CONTENT_FILE": str(path),
            "DATA_DIR": str(tmp_path / "data"),
        }
    )


def test_real_content_loads():
    content = load_content()
    assert set(content.regions) == {"antwerpen", "nederland"}
    assert [s.id for s in content.regions["antwerpen"].steps] == [
        "clb-anchor",
        "information-consult",
        "registration",
        "clarification",
        "case-discussion",
        "follow-up",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '"03 338 32 66"',
            '"03 338 32 6"',
            "phone '03 338 32 6' is not a valid BE",
        ),
        ('"03 338 31 37"', '"call us"', "phone 'call us' cannot be parsed"),
        ('"0900-1113111"', '"03 338 32 66"', "is not a valid NL number"),
        ('opens = "09:00"', 'opens = "9h"', "times must be HH:MM"),
        ('closes = "12:30"', 'closes = "08:00"', "is not before closes"),
        ('"mon", "wed"', '"monday", "wed"', "days must be some of"),
        ('fr = "Anvers (Flandre)"\n', "", "regions[0] (antwerpen).name: no 'fr' text"),
        (
            'id = "school"\nsource = "seed-nederland"',
            'id = "school"\nsource = "a-blog"',
            "source 'a-blog'",
        ),
        ('contacts = ["cmp"]', 'contacts = ["cpm"]', "unknown contact 'cpm'"),
        ('phone = "112"', 'phone = "113"', "phone '113'"),
        ("[regions.name]", "[regions.name", "not valid TOML"),
    ],
)
def test_broken_content_is_reported_clearly_at_start_up(content_copy, tmp_path, old, new, message):
    break_file(content_copy, old, new)
    with pytest.raises(ContentError, match=None) as error:
        start_with(content_copy, tmp_path)
    assert str(error.value).startswith("guidance.toml: ")
    assert message in str(error.value)


def all_texts(content):
    texts = [content.emergency.name, content.emergency.role]
    for region in content.regions.values():
        texts += [region.name, region.intro]
        for contact in region.contacts:
            texts += [contact.name, contact.role] + ([contact.hours_text] if contact.hours else [])
        for step in region.steps:
            texts += [step.title, step.who, step.what] + [item.text for item in step.checklist]
    return texts


def test_every_text_item_exists_in_every_language():
    for text in all_texts(load_content()):
        assert set(text) == set(LOCALES)
        assert all(text[lang].strip() for lang in LOCALES)


def test_every_item_names_a_declared_source():
    content = load_content()
    for region in content.regions.values():
        items = [region, *region.contacts, *region.steps]
        assert all(item.source in content.sources for item in items)
    seeds = {s.get("document") for s in content.sources.values()}
    assert {"000_de0ce2feefe292f8.txt", "004_3f4869e789d755a3.txt"} <= seeds


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds is not beside this checkout")
def test_every_number_appears_in_its_seed():
    """Fidelity: no number in the app that its seed document does not contain."""
    content = load_content()
    for region in content.regions.values():
        for contact in region.contacts:
            source = content.sources[contact.source]["document"]
            seed = (SEEDS / source).read_text()
            assert contact.phone.written in seed, (contact.id, contact.phone.written)
    antwerp = (SEEDS / "000_de0ce2feefe292f8.txt").read_text()
    assert "9 tot 12.30" in antwerp and "behalve dinsdagvoormiddag" in antwerp


def test_pdf_extraction_damage_is_repaired():
    dutch = " ".join(text["nl"] for text in all_texts(load_content()))
    for damaged in ["fl ow", "e\ufffd ectief", "\ufffd", "draaischij unctie", "draaischij\ufffd"]:
        assert damaged not in dutch
    assert "draaischijffunctie" in dutch and "effectief" in dutch and " flow" in dutch
