"""The CMP inbox: listing, the flow's status steps, linked concerns and retention.

Built on the concern store (concerns.py); every change is written to the audit log here, so no
caller can change a concern without leaving a trace.
"""

import datetime as dt
import math
from pathlib import Path

from . import audit, concerns
from .atomic import locked

FLOW = ("received", "clarification", "case_discussion", "follow_up", "closed")
KINDS = ("consult", "registration")
# The part of the record each step fills in (only while the concern is at that step).
STEP_SECTIONS = {
    "clarification": ("clarification",),
    "case_discussion": ("case_discussion",),
    "follow_up": ("follow_up_options", "follow_up"),
}
MAX_TEXT = 5000


class FlowError(ValueError):
    """A change the flow does not allow; `code` names the reason for the message shown."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _iso(now: dt.datetime | None) -> str:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")


def parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def list_inbox(data_dir, status=None, kind=None, search=None, page=1, per_page=20) -> dict:
    """One page of concerns, newest first, filtered by status and kind, searched by ref/school."""
    needle = (search or "").strip().casefold()
    matches = [
        record
        for record in concerns.list_concerns(data_dir)
        if (not status or record.get("status") == status)
        and (not kind or record["fields"].get("kind") == kind)
        and (
            not needle
            or needle in record.get("reference", "").casefold()
            or needle in str(record["fields"].get("school", "")).casefold()
        )
    ]
    pages = max(1, math.ceil(len(matches) / per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return {
        "items": matches[start : start + per_page],
        "total": len(matches),
        "page": page,
        "pages": pages,
    }


def find_by_reference(data_dir, reference: str) -> dict | None:
    wanted = (reference or "").strip().upper()
    for record in concerns.list_concerns(data_dir):
        if record.get("reference", "").upper() == wanted:
            return record
    return None


def next_status(status: str) -> str | None:
    index = FLOW.index(status)
    return FLOW[index + 1] if index + 1 < len(FLOW) else None


def _check_step_done(record: dict, target: str) -> None:
    """What the seed's flow requires before moving on."""
    # "Elke vraag of elk dossier wordt intern binnen het expertenteam besproken."
    expert_team = record.get("case_discussion", {}).get("expert-team", {})
    if target == "follow_up" and not expert_team.get("done"):
        raise FlowError("expert_team_first")
    if target == "closed" and not (record.get("follow_up") or "").strip():
        # The reporter must be able to read what was agreed before the file is closed.
        raise FlowError("agreement_first")


def transition(data_dir, concern_id: str, target: str, by: str, note: str = "", now=None) -> dict:
    """Move a concern one step along the flow, recording who, when and a note."""
    at = _iso(now)

    def change(record):
        if target != next_status(record.get("status", "received")):
            raise FlowError("not_next_step")
        _check_step_done(record, target)
        record["status"] = target
        record.setdefault("history", []).append(
            {"status": target, "by": by, "at": at, "note": (note or "").strip()[:MAX_TEXT]}
        )
        if target == "closed":
            record["closed_at"] = at

    record = concerns.update_concern(data_dir, concern_id, change)
    audit.record(data_dir, by, f"status:{target}", record["reference"], now=now)
    return record


def save_step(data_dir, concern_id: str, by: str, sections: dict, now=None) -> dict:
    """Store the current step's work (answers, ticks, agreements); other steps stay as they are."""

    def change(record):
        allowed = STEP_SECTIONS.get(record.get("status"), ())
        if not sections or set(sections) - set(allowed):
            raise FlowError("not_this_step")
        record.update(sections)

    record = concerns.update_concern(data_dir, concern_id, change)
    audit.record(data_dir, by, "save:" + ",".join(sorted(sections)), record["reference"], now=now)
    return record


def add_note(data_dir, concern_id: str, by: str, text: str, now=None) -> dict:
    """An internal note: for the CMP only, never part of the receipt."""
    at = _iso(now)
    text = (text or "").strip()[:MAX_TEXT]
    if not text:
        raise FlowError("empty_note")

    def change(record):
        record.setdefault("internal_notes", []).append({"by": by, "at": at, "text": text})

    record = concerns.update_concern(data_dir, concern_id, change)
    audit.record(data_dir, by, "note", record["reference"], now=now)
    return record


def link_concerns(data_dir, concern_id: str, other_id: str, by: str, now=None) -> None:
    """Link two concerns about the same pupil (a staff decision), both ways."""
    if concern_id == other_id:
        raise FlowError("link_self")
    for this, other in ((concern_id, other_id), (other_id, concern_id)):
        record = concerns.update_concern(
            data_dir,
            this,
            lambda r, o=other: r.__setitem__("links", sorted(set(r.get("links", [])) | {o})),
        )
        audit.record(data_dir, by, "link", record["reference"], detail=other, now=now)


def unlink_concerns(data_dir, concern_id: str, other_id: str, by: str, now=None) -> None:
    for this, other in ((concern_id, other_id), (other_id, concern_id)):
        if concerns.get_concern(data_dir, this) is None:
            continue
        record = concerns.update_concern(
            data_dir,
            this,
            lambda r, o=other: r.__setitem__("links", [x for x in r.get("links", []) if x != o]),
        )
        audit.record(data_dir, by, "unlink", record["reference"], detail=other, now=now)


def linked_records(data_dir, record: dict) -> list[dict]:
    """The concerns linked to this one (those still stored)."""
    found = (concerns.get_concern(data_dir, other) for other in record.get("links", []))
    return [other for other in found if other is not None]


def chronology(data_dir, record: dict) -> list[dict]:
    """One timeline over a concern and its linked concerns: receipt, steps and notes."""
    events = []
    for item in [record, *linked_records(data_dir, record)]:
        reference = item["reference"]
        events.append({"at": item["received_at"], "reference": reference, "type": "received"})
        for step in item.get("history", []):
            events.append({**step, "reference": reference, "type": "status"})
        for note in item.get("internal_notes", []):
            events.append({**note, "reference": reference, "type": "note"})
    return sorted(events, key=lambda event: parse_time(event["at"]))


def delete(data_dir, concern_id: str, by: str, now=None, action: str = "delete") -> str | None:
    """Delete one concern for good (an admin's decision); the audit keeps the reference only."""
    record = concerns.get_concern(data_dir, concern_id)
    if record is None:
        return None
    for other in record.get("links", []):
        if concerns.get_concern(data_dir, other) is not None:
            concerns.update_concern(
                data_dir,
                other,
                lambda r: r.__setitem__(
                    "links", [x for x in r.get("links", []) if x != concern_id]
                ),
            )
    if concerns.delete_concern(data_dir, concern_id):
        audit.record(data_dir, by, action, record["reference"], now=now)
        return record["reference"]
    return None


def purge_closed(data_dir, older_than_days: int, now=None) -> list[str]:
    """Delete every concern closed more than `older_than_days` ago; returns their references.

    Idempotent and safe to run from cron: a second run finds nothing more to delete, and the
    lock keeps two runs from working at once.
    """
    moment = now or dt.datetime.now(dt.UTC)
    limit = moment - dt.timedelta(days=older_than_days)
    purged = []
    with locked(Path(data_dir) / "audit", "purge"):
        for record in concerns.list_concerns(data_dir):
            closed_at = parse_time(record.get("closed_at"))
            if record.get("status") == "closed" and closed_at and closed_at < limit:
                reference = delete(data_dir, record["id"], "system", now=moment, action="purge")
                if reference:
                    purged.append(reference)
    return purged
