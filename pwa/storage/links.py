"""Links between concerns about the same pupil: one file, so a link or unlink is one write.

A link joins two concerns; on each concern's own file it would take two writes, and a crash
between them would leave it one-way. Here both ends are one entry in <data_dir>/links.json.
A link to a concern since deleted or purged is ignored on reading and tidied on the next write.
"""

from pathlib import Path

from tinydb import Query

from .atomic import locked, open_db


def _table(data_dir):
    return open_db(Path(data_dir) / "links.json").table("links")


def _pair(one: str, other: str) -> list[str]:
    return sorted((one, other))


def linked_ids(data_dir, concern_id: str) -> list[str]:
    """The ids linked to this concern (whether or not they are still stored)."""
    found = set()
    for entry in _table(data_dir).all():
        if concern_id in entry["pair"]:
            found.update(other for other in entry["pair"] if other != concern_id)
    return sorted(found)


def add(data_dir, one: str, other: str) -> None:
    """Link two concerns both ways (a second link of the same pair changes nothing)."""
    pair = _pair(one, other)
    with locked(data_dir, "links"):
        table = _table(data_dir)
        if not table.contains(Query().pair == pair):
            table.insert({"pair": pair})


def remove(data_dir, one: str, other: str) -> None:
    with locked(data_dir, "links"):
        _table(data_dir).remove(Query().pair == _pair(one, other))


def forget(data_dir, concern_id: str) -> None:
    """Drop every link of a concern that no longer exists."""
    with locked(data_dir, "links"):
        _table(data_dir).remove(Query().pair.any([concern_id]))
