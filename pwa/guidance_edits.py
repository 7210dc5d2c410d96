"""Changes an admin makes to a guidance document: TOML text in, TOML text out.

Edited with tomlkit, so every comment and the layout of the parts nobody touched stay as
they were: the document remains the one a person reviews (see pwa/content/guidance.toml).
Nothing here validates a whole document or knows about Flask: the caller saves the result
through guidance_drafts.save_draft(), which validates it as at start-up.
"""

import datetime as dt
import re

import tomlkit

from .content_reader import CMP_SOURCE
from .guidance import LOCALES, WEEKDAYS

# Checklists the workspace records answers against (pwa/views/staff/cases.py): a concern keeps
# its answers by item id, so these items can be reworded, never removed.
RECORDED_CHECKLISTS = {"clarification", "case-discussion", "follow-up"}


class EditError(ValueError):
    """The edit cannot apply; the message is a code the workspace words for the admin."""


# ---------------------------------------------------------------- finding an item


def _region(doc, region_id: str):
    """A region's table by its `region` key."""
    for region in doc.get("regions", []):
        if region.get("region") == region_id:
            return region
    raise EditError("unknown-item")


def list_keys(region) -> tuple[str, str]:
    """A flow has steps with a checklist; a wegwijzer has situations with actions."""
    return ("steps", "checklist") if "steps" in region else ("situations", "actions")


def _find(items, item_id: str):
    """The first item of a list with this id."""
    for item in items or []:
        if item.get("id") == item_id:
            return item
    raise EditError("unknown-item")


def find_item(doc, kind: str, region_id: str | None, item_id: str | None):
    """One item's table: the emergency card, a region, a contact or a step; else EditError."""
    if kind == "emergency":
        return doc["emergency"]
    region = _region(doc, region_id)
    if kind == "region":
        return region
    if kind == "contact":
        return _find(region.get("contacts"), item_id)
    if kind == "step":
        return _find(region.get(list_keys(region)[0]), item_id)
    raise EditError("unknown-item")


# ---------------------------------------------------------------- writing values


def clean(value: str) -> str:
    """A guidance text is one paragraph: runs of spaces and line breaks become one space."""
    return " ".join(str(value or "").split())


def _inline(pairs: dict) -> str:
    """An inline table in the document's own style: { key = value, ... }."""
    parts = []
    for key, value in pairs.items():
        written = _inline(value) if isinstance(value, dict) else tomlkit.item(value).as_string()
        parts.append(f"{key} = {written}")
    return "{ " + ", ".join(parts) + " }"


def inline_array(rows: list[dict], multiline: bool):
    """An array of inline tables; one per line when `multiline` (long ones, as closing days)."""
    if not rows:
        return tomlkit.array()
    if multiline:
        body = "[\n" + "".join(f"  {_inline(row)},\n" for row in rows) + "]"
    else:
        body = "[" + ", ".join(_inline(row) for row in rows) + "]"
    return tomlkit.parse(f"value = {body}\n")["value"]


def set_after(table, after: str, key: str, value) -> None:
    """Set `key`, placed right after `after` when it is new (readable: verified_by by its date)."""
    if key in table or after not in table:
        table[key] = value
        return
    # tomlkit has no public "insert after"; its container's is stable in the pinned version.
    table.value._insert_after(after, key, value)


def _set_text(table, key: str, texts: dict) -> None:
    """Set a three-language text, touching only the languages that changed."""
    if key not in table:
        new = tomlkit.table()
        for locale in LOCALES:
            new[locale] = clean(texts[locale])
        table[key] = new
        return
    for locale in LOCALES:
        if str(table[key].get(locale, "")) != clean(texts[locale]):
            table[key][locale] = clean(texts[locale])


def _stamp(item, by: str, today: dt.date) -> None:
    """The CMP checked this item today: its source is now the CMP, named by its admin."""
    item["source"] = CMP_SOURCE
    item["verified_on"] = today
    set_after(item, "verified_on", "verified_by", by)


def _changed(item, apply) -> bool:
    """Apply a change; True when the item's data differs afterwards (not just its layout)."""
    before = item.unwrap()
    apply()
    return item.unwrap() != before


# ---------------------------------------------------------------- edits


def edit_contact(text: str, region_id: str, contact_id: str, facts: dict, by, today) -> str:
    """Set a contact's texts, phone and weekly hours; stamp it when a fact changed.

    facts: name, role (texts), call (texts or None: no call text), phone (as to write it),
    hours ([{days, opens, closes}], may be empty), hours_text (texts, needed with hours).
    """
    doc = tomlkit.parse(text)
    contact = find_item(doc, "contact", region_id, contact_id)

    def apply():
        _set_text(contact, "name", facts["name"])
        _set_text(contact, "role", facts["role"])
        if facts.get("call"):
            _set_text(contact, "call", facts["call"])
        elif "call" in contact:
            del contact["call"]
        if str(contact["phone"]) != facts["phone"]:
            contact["phone"] = facts["phone"]
        _set_hours(contact, facts.get("hours") or [], facts.get("hours_text"))

    if _changed(contact, apply):
        _stamp(contact, by, today)
    return tomlkit.dumps(doc)


def _set_hours(contact, hours: list[dict], hours_text: dict | None) -> None:
    rows = [
        {
            "days": [day for day in WEEKDAYS if day in row["days"]],
            "opens": row["opens"],
            "closes": row["closes"],
        }
        for row in hours
    ]
    if not rows:
        for key in ("hours", "hours_text"):
            if key in contact:
                del contact[key]
        return
    old = contact["hours"].unwrap() if "hours" in contact else []
    if old != rows:
        set_after(contact, "verified_on", "hours", inline_array(rows, multiline=len(rows) > 1))
    _set_text(contact, "hours_text", hours_text)


def edit_step(text: str, region_id: str, step_id: str, facts: dict, by, today) -> str:
    """Set a step's (or situation's) texts and its list items; stamp it when a fact changed.

    facts: title, who, what (texts); items: [{id (None: a new item), nl, fr, en}] in order,
    every item left out is removed (EditError "recorded-item" for one concerns record).
    """
    doc = tomlkit.parse(text)
    region = _region(doc, region_id)
    step = find_item(doc, "step", region_id, step_id)
    items_key = list_keys(region)[1]

    def apply():
        for key in ("title", "who", "what"):
            _set_text(step, key, facts[key])
        _set_items(step, items_key, facts.get("items", []))

    if _changed(step, apply):
        _stamp(step, by, today)
    return tomlkit.dumps(doc)


def _set_items(step, key: str, items: list[dict]) -> None:
    old = step.get(key) or []
    old_ids = [str(entry["id"]) for entry in old]
    kept = [item["id"] for item in items if item.get("id")]
    if any(item_id not in old_ids for item_id in kept):
        raise EditError("unknown-item")
    if step["id"] in RECORDED_CHECKLISTS and set(old_ids) - set(kept):
        raise EditError("recorded-item")
    for index in reversed(range(len(old))):
        if old_ids[index] not in kept:
            del old[index]
    for item in items:
        if item.get("id"):
            entry = _find(old, item["id"])
            for locale in LOCALES:
                if str(entry[locale]) != clean(item[locale]):
                    entry[locale] = clean(item[locale])
            continue
        entry = tomlkit.table()
        entry["id"] = new_item_id(item["en"], old_ids + kept)
        kept.append(entry["id"])
        for locale in LOCALES:
            entry[locale] = clean(item[locale])
        entry.add(tomlkit.nl())
        if key not in step:
            step[key] = tomlkit.aot()
        step[key].append(entry)
    if key in step and not step[key]:
        del step[key]


def new_item_id(english: str, taken: list[str]) -> str:
    """A readable id for a new list item, from its English text, unique in its list."""
    slug = re.sub(r"[^a-z0-9]+", "-", english.lower()).strip("-")[:40].rstrip("-") or "item"
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def reverify(text: str, kind: str, region_id, item_id, by: str, today: dt.date) -> str:
    """Checked again, unchanged: today's date and the admin's name; the source stays."""
    doc = tomlkit.parse(text)
    item = find_item(doc, kind, region_id, item_id)
    if item.get("verified_on") != today:
        item["verified_on"] = today
    if item.get("verified_by") != by:
        set_after(item, "verified_on", "verified_by", by)
    return tomlkit.dumps(doc)
