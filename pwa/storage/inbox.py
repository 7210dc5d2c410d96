"""The CMP inbox: listing, the flow's status steps, linked concerns and retention.

Built on the concern store (concerns.py); every change is written to the audit log here, so no
caller can change a concern without leaving a trace.
"""

import datetime as dt
import math
from pathlib import Path

from .. import vocabulary
from . import audit, concerns, links, sealed_records
from .atomic import locked
from .clock import parse_time, timestamp, utc_now

STATUS_CODES = tuple(status.code for status in vocabulary.FLOW)
KINDS = tuple(choice.value for choice in vocabulary.KINDS)
MAX_TEXT = 5000


class FlowError(ValueError):
    """A change the flow does not allow; `code` names the reason for the message shown."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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
    following = vocabulary.next_status(status)
    return following.code if following else None


def _check_step_done(record: dict, target: str, keys) -> None:
    """What the seed's flow requires before moving on (sealed parts opened with `keys`)."""
    # "Elke vraag of elk dossier wordt intern binnen het expertenteam besproken."
    if target == "follow_up":
        discussion = sealed_records.open_part(record.get("case_discussion"), keys) or {}
        if not discussion.get("expert-team", {}).get("done"):
            raise FlowError("expert_team_first")
    if target == "closed":
        # The reporter must be able to read what was agreed before the file is closed.
        agreement = sealed_records.open_part(record.get("follow_up"), keys)
        if not (agreement or "").strip():
            raise FlowError("agreement_first")


def step_action(
    data_dir,
    concern_id: str,
    by: str,
    *,
    at_status: str | None = None,
    sections: dict | None = None,
    advance: bool = False,
    note: str = "",
    keys=None,
    now=None,
) -> dict:
    """One staff action on the current step, written as ONE atomic update of the concern.

    `sections` and `note` come plain; once keys exist they are sealed to the CMP key before
    they reach the record, and `keys` (the session's CMP keys) open what the flow checks.

    Saves the step's work (`sections`), then either moves on to the next status with the note,
    or keeps the note as an internal note. `at_status` is the status the staff member saw:
    if someone moved the concern meanwhile, nothing is changed (FlowError "not_this_step").
    The audit entries are appended after the write: a crash in between loses an entry, never
    half a step.
    """
    at = timestamp(now)
    note = (note or "").strip()[:MAX_TEXT]
    done: list[tuple[str, str | None]] = []
    seal = sealed_records.sealer(data_dir)

    def change(record):
        status = record.get("status", "received")
        if at_status is not None and status != at_status:
            raise FlowError("not_this_step")
        if sections:
            if set(sections) - set(vocabulary.STATUSES[status].sections):
                raise FlowError("not_this_step")
            # The agreement is stored only sealed: to the CMP key (seal) for staff, and to
            # the phone's receipt key for the reporter; the plain text is never written.
            record.update({name: seal(value) for name, value in sections.items()})
            if "follow_up" in sections:
                concerns.seal_follow_up_for_phone(record, sections["follow_up"])
            done.append(("save:" + ",".join(sorted(sections)), None))
        if advance:
            target = next_status(status)
            if target is None:
                raise FlowError("not_next_step")
            _check_step_done(record, target, keys)
            record["status"] = target
            record.setdefault("history", []).append(
                {"status": target, "by": by, "at": at, "note": seal(note)}
            )
            if target == "closed":
                record["closed_at"] = at
            done.append((f"status:{target}", None))
        elif note:
            record.setdefault("internal_notes", []).append({"by": by, "at": at, "text": seal(note)})
            done.append(("note", None))

    record = concerns.update_concern(data_dir, concern_id, change, now=now)
    for action, detail in done:
        audit.record(data_dir, by, action, record["reference"], detail=detail, now=now)
    return record


def transition(
    data_dir, concern_id: str, target: str, by: str, note: str = "", now=None, keys=None
) -> dict:
    """Move a concern one step along the flow to `target`, recording who, when and a note."""
    record = concerns.get_concern(data_dir, concern_id)
    if record is None:
        raise concerns.ConcernNotFound(concern_id)
    if target != next_status(record["status"]):
        raise FlowError("not_next_step")
    return step_action(
        data_dir,
        concern_id,
        by,
        at_status=record["status"],
        advance=True,
        note=note,
        keys=keys,
        now=now,
    )


def save_step(data_dir, concern_id: str, by: str, sections: dict, now=None) -> dict:
    """Store the current step's work (answers, ticks, agreements); other steps stay as they are."""
    if not sections:
        raise FlowError("not_this_step")
    return step_action(data_dir, concern_id, by, sections=sections, now=now)


def add_note(data_dir, concern_id: str, by: str, text: str, now=None) -> dict:
    """An internal note: for the CMP only, never part of the receipt."""
    if not (text or "").strip():
        raise FlowError("empty_note")
    return step_action(data_dir, concern_id, by, note=text, now=now)


def link_concerns(data_dir, concern_id: str, other_id: str, by: str, now=None) -> None:
    """Link two concerns about the same pupil (a staff decision), both ways in one write."""
    if concern_id == other_id:
        raise FlowError("link_self")
    records = [concerns.get_concern(data_dir, one) for one in (concern_id, other_id)]
    if None in records:
        raise concerns.ConcernNotFound(concern_id if records[0] is None else other_id)
    links.add(data_dir, concern_id, other_id)
    for this, other in zip(records, reversed(records), strict=True):
        audit.record(data_dir, by, "link", this["reference"], detail=other["id"], now=now)


def unlink_concerns(data_dir, concern_id: str, other_id: str, by: str, now=None) -> None:
    links.remove(data_dir, concern_id, other_id)
    for this, other in ((concern_id, other_id), (other_id, concern_id)):
        record = concerns.get_concern(data_dir, this)
        if record is not None:
            audit.record(data_dir, by, "unlink", record["reference"], detail=other, now=now)


def linked_records(data_dir, record: dict) -> list[dict]:
    """The concerns linked to this one (those still stored)."""
    ids = links.linked_ids(data_dir, record["id"])
    found = (concerns.get_concern(data_dir, other) for other in ids)
    return [other for other in found if other is not None]


def chronology(data_dir, record: dict, opened=lambda item: item) -> list[dict]:
    """One timeline over a concern and its linked concerns: receipt, steps and notes.

    `opened(record)` gives a record with its notes readable (sealed_records.open_record).
    """
    events = []
    for item in map(opened, [record, *linked_records(data_dir, record)]):
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
    if record is None or not concerns.delete_concern(data_dir, concern_id):
        return None
    # After the delete: a crash in between leaves a link that reading ignores.
    links.forget(data_dir, concern_id)
    audit.record(data_dir, by, action, record["reference"], now=now)
    return record["reference"]


def purge_closed(data_dir, older_than_days: int, now=None) -> list[str]:
    """Delete every concern closed more than `older_than_days` ago; returns their references.

    Idempotent and safe to run from cron: a second run finds nothing more to delete, and the
    lock keeps two runs from working at once.
    """
    moment = utc_now(now)
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
