"""What changed between two guidance documents, field by field, for people to read.

Both documents are parsed as TOML data (no validation: the history must show any version) and
walked side by side. Lists of items (sources, regions, contacts, steps, checklist items) are
matched by their id, so an item that moved or was renamed is still the same item; other
lists (opening hours, a step's contacts) are compared as one value.
"""

import datetime as dt
import tomllib
from dataclasses import dataclass

LOCALES = ("nl", "fr", "en")
# The key that names an item in a list of tables.
ID_KEYS = ("id", "region")
# The keys whose text names an item in a path, in this order of preference.
LABEL_KEYS = ("name", "title")


@dataclass(frozen=True)
class Change:
    path: tuple[str, ...]  # the items, readable: ("Antwerpen (Vlaanderen)", "Centraal Meldpunt")
    field: str | None  # "phone", "name"...; None when a whole item was added or removed
    before: str | None  # None: added
    after: str | None  # None: removed
    lang: str | None = None  # for a text: the language of this one

    @property
    def kind(self) -> str:
        """Changed (a field), or added / removed (a whole item, named by after / before)."""
        if self.field is not None:
            return "changed"
        return "added" if self.before is None else "removed"


def changes(before_text: str, after_text: str, lang: str = "nl") -> list[Change]:
    """Every difference from `before_text` to `after_text`; items named in `lang`."""
    return _walk_table(_parse(before_text), _parse(after_text), (), lang)


def _parse(text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}  # a broken document shows as "everything changed", never as an error page


def _walk_table(before: dict, after: dict, path: tuple, lang: str) -> list[Change]:
    found = []
    for key in list(before) + [key for key in after if key not in before]:
        old, new = before.get(key), after.get(key)
        if old == new or key in ID_KEYS:
            continue
        if _is_item_list(old) and _is_item_list(new):
            found += _walk_items(old or [], new or [], path, key, lang)
        elif _is_text(old) or _is_text(new):
            found += _walk_text(old, new, path, key)
        elif isinstance(old, dict) and isinstance(new, dict):  # a single item: [emergency]
            found += _walk_table(old, new, path + (_label(new, lang, key),), lang)
        elif key in LOCALES:  # a checklist item's own text: {id, nl, fr, en}
            found.append(Change(path, "text", _show(old), _show(new), lang=key))
        else:
            found.append(Change(path, key, _show(old), _show(new)))
    return found


def _walk_items(before: list, after: list, path: tuple, key: str, lang: str) -> list[Change]:
    """Items matched by id: changed fields, added and removed items, and a new order."""
    old_items = {_item_id(item): item for item in before}
    new_items = {_item_id(item): item for item in after}
    found = []
    for item_id, new in new_items.items():
        old = old_items.get(item_id)
        here = path + (_label(new, lang),)
        if old is None:
            found.append(Change(path, None, None, _label(new, lang)))
        else:
            found += _walk_table(old, new, here, lang)
    for item_id, old in old_items.items():
        if item_id not in new_items:
            found.append(Change(path, None, _label(old, lang), None))
    kept_old = [item_id for item_id in old_items if item_id in new_items]
    kept_new = [item_id for item_id in new_items if item_id in old_items]
    if kept_old != kept_new:
        names = [_label(new_items[item_id], lang) for item_id in kept_old]
        new_names = [_label(new_items[item_id], lang) for item_id in kept_new]
        found.append(Change(path, f"{key} order", ", ".join(names), ", ".join(new_names)))
    return found


def _walk_text(before, after, path: tuple, key: str) -> list[Change]:
    """A text in three languages: one change per language that differs."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    found = []
    for locale in LOCALES:
        if old.get(locale) != new.get(locale):
            found.append(Change(path, key, _show(old.get(locale)), _show(new.get(locale)), locale))
    return found


def _is_text(value) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(LOCALES)


def _is_item_list(value) -> bool:
    """A list of tables that each carry an id (or nothing at all, on one side)."""
    if value is None:
        return True
    return isinstance(value, list) and all(
        isinstance(item, dict) and _item_id(item) for item in value
    )


def _item_id(item: dict) -> str | None:
    return next((str(item[key]) for key in ID_KEYS if key in item), None)


def _label(item: dict, lang: str, fallback: str = "?") -> str:
    """How a person recognises an item: its name or title in `lang`, else its own text, else id."""
    for key in LABEL_KEYS:
        value = item.get(key)
        if isinstance(value, dict) and value.get(lang):
            return str(value[lang])
        if isinstance(value, str) and value:
            return value
    if item.get(lang):
        return str(item[lang])
    return _item_id(item) or fallback


def _show(value) -> str | None:
    """A value as one line of text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_show(item) or "" for item in value)
    if isinstance(value, dict):
        return _show_table(value)
    return str(value)


def _show_table(value: dict) -> str:
    if {"days", "opens", "closes"} <= set(value):  # opening hours
        return f"{', '.join(map(str, value['days']))} {value['opens']}–{value['closes']}"
    return ", ".join(f"{key} {_show(item)}" for key, item in value.items())
