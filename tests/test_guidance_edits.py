"""Document edits, text to text: only the edited item changes; comments and layout stay."""

import datetime as dt
import difflib
import tomllib

import pytest

from pwa import guidance_closing_days as closing
from pwa import guidance_edits as edits
from pwa.guidance import build_content, default_text
from pwa.guidance_review import months_before, needs_checking

TODAY = dt.date(2026, 12, 1)
BY = "admin@cmp.example"


@pytest.fixture
def text() -> str:
    return default_text()


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+), without the diff's headers."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def cmp_facts(text: str, **changes) -> dict:
    contact = build_content(text).regions["antwerpen"].contacts[0]
    facts = {
        "name": dict(contact.name),
        "role": dict(contact.role),
        "call": dict(contact.call),
        "phone": contact.phone.written,
        "hours": [{"days": ["mon", "wed", "thu", "fri"], "opens": "09:00", "closes": "12:30"}],
        "hours_text": dict(contact.hours_text),
    }
    return {**facts, **changes}


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_an_unchanged_contact_gives_the_same_text(text):
    assert edits.edit_contact(text, "antwerpen", "cmp", cmp_facts(text), BY, TODAY) == text


def test_a_new_phone_changes_that_line_and_stamps_the_contact(text):
    after = edits.edit_contact(
        text, "antwerpen", "cmp", cmp_facts(text, phone="03 338 32 99"), BY, TODAY
    )
    assert changed_lines(text, after) == [
        '-phone = "03 338 32 66"',
        '-source = "seed-antwerpen"',
        "-verified_on = 2026-11-29",
        '+phone = "03 338 32 99"',
        '+source = "cmp"',
        "+verified_on = 2026-12-01",
        f'+verified_by = "{BY}"',
    ]
    assert comments(after) == comments(text)
    build_content(after)


def test_changed_hours_and_texts_keep_every_comment(text):
    facts = cmp_facts(
        text,
        hours=[
            {"days": ["fri", "mon"], "opens": "09:00", "closes": "12:30"},
            {"days": ["tue"], "opens": "13:00", "closes": "16:00"},
        ],
        role={"nl": "Nieuw", "fr": "Nouveau", "en": "New"},
    )
    after = edits.edit_contact(text, "antwerpen", "cmp", facts, BY, TODAY)
    assert comments(after) == comments(text)
    contact = tomllib.loads(after)["regions"][0]["contacts"][0]
    assert contact["hours"][0]["days"] == ["mon", "fri"]  # the week's order
    assert contact["role"] == {"nl": "Nieuw", "fr": "Nouveau", "en": "New"}
    # Only the CMP's stamp, hours and role lines changed.
    assert changed_lines(text, after) == [
        '-source = "seed-antwerpen"',
        "-verified_on = 2026-11-29",
        '+source = "cmp"',
        "+verified_on = 2026-12-01",
        f'+verified_by = "{BY}"',
        '-hours = [{ days = ["mon", "wed", "thu", "fri"], opens = "09:00", closes = "12:30" }]',
        "+hours = [",
        '+  { days = ["mon", "fri"], opens = "09:00", closes = "12:30" },',
        '+  { days = ["tue"], opens = "13:00", closes = "16:00" },',
        "+]",
        *[line for line in changed_lines(text, after) if line[1:4] in ("nl ", "fr ", "en ")],
    ]
    assert len(changed_lines(text, after)) == 10 + 6
    build_content(after)


def test_a_step_gets_a_new_item_with_a_readable_unique_id(text):
    step = build_content(text).regions["antwerpen"].steps[0]  # clb-anchor: no checklist yet
    facts = {
        "title": dict(step.title),
        "who": dict(step.who),
        "what": dict(step.what),
        "items": [{"id": None, "nl": "Vraag", "fr": "Question", "en": "Ask the CLB first!"}],
    }
    after = edits.edit_step(text, "antwerpen", "clb-anchor", facts, BY, TODAY)
    built = build_content(after).regions["antwerpen"].steps[0]
    assert [item.id for item in built.checklist] == ["ask-the-clb-first"]
    assert built.checked.source == "cmp"
    assert comments(after) == comments(text)
    assert edits.new_item_id("Ask the CLB first!", ["ask-the-clb-first"]) == "ask-the-clb-first-2"
    assert edits.new_item_id("???", []) == "item"


def test_items_concerns_record_cannot_be_removed(text):
    step = build_content(text).regions["antwerpen"].steps[3]
    assert step.id == "clarification"
    facts = {
        "title": dict(step.title),
        "who": dict(step.who),
        "what": dict(step.what),
        "items": [{"id": item.id, **item.text} for item in step.checklist[1:]],
    }
    with pytest.raises(edits.EditError, match="recorded-item"):
        edits.edit_step(text, "antwerpen", "clarification", facts, BY, TODAY)


def test_re_verifying_changes_two_lines(text):
    after = edits.reverify(text, "step", "nederland", "ess", BY, TODAY)
    assert changed_lines(text, after) == [
        "-verified_on = 2026-11-29",
        "+verified_on = 2026-12-01",
        f'+verified_by = "{BY}"',
    ]
    assert edits.reverify(after, "step", "nederland", "ess", BY, TODAY) == after
    with pytest.raises(edits.EditError):
        edits.reverify(text, "step", "nederland", "nothing", BY, TODAY)


def test_closing_days_are_toml_dates_in_date_order(text):
    reason = {"nl": "Kerst", "fr": "Noël", "en": "Christmas"}
    after = closing.add_closing_days(
        text, "antwerpen", "cmp", dt.date(2026, 12, 24), dt.date(2026, 12, 31), reason
    )
    after = closing.add_closing_days(
        after, "antwerpen", "cmp", dt.date(2026, 12, 7), dt.date(2026, 12, 7), reason
    )
    assert "  { first = 2026-12-07, reason = { nl = " in after  # one a line, readable
    days = tomllib.loads(after)["regions"][0]["contacts"][0]["closing_days"]
    assert days == [
        {"first": dt.date(2026, 12, 7), "reason": reason},
        {"first": dt.date(2026, 12, 24), "last": dt.date(2026, 12, 31), "reason": reason},
    ]
    assert comments(after) == comments(text)
    with pytest.raises(edits.EditError, match="overlap"):
        closing.add_closing_days(
            after, "antwerpen", "cmp", dt.date(2026, 12, 31), dt.date(2027, 1, 3), reason
        )
    after = closing.remove_closing_days(after, "antwerpen", "cmp", dt.date(2026, 12, 7))
    after = closing.remove_closing_days(after, "antwerpen", "cmp", dt.date(2026, 12, 24))
    assert after == text


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(dt.date(2026, 11, 29), 12) == dt.date(2025, 11, 29)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_needs_checking_lists_items_checked_before_the_limit(text):
    content = build_content(text)
    assert needs_checking(content, dt.date(2027, 11, 29), 12) == []
    stale = needs_checking(content, dt.date(2027, 11, 30), 12)
    assert {item.kind for item in stale} == {"emergency", "region", "contact", "step"}
    assert len(stale) == 1 + 2 + 4 + 6 + 4 + 1  # every item of the defaults
