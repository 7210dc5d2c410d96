"""The CMP admins' working copy of the guidance: read it, change it (validated), publish it.

Views call these; they hold the rules that must not differ between the editor, the import
and publishing: a document is saved only when it passes the same validation as at start-up,
and what is published is exactly the draft that was previewed.
"""

from dataclasses import dataclass

from flask import current_app

from .guidance import Content, build_content, default_text
from .storage import audit
from .storage import guidance as store


@dataclass(frozen=True)
class WorkingCopy:
    text: str  # the draft's document, or the live one when there is no draft
    based_on: int  # the live version the draft started from
    live_version: int
    live_text: str
    draft: dict | None  # the stored draft (who, when), if any

    @property
    def has_changes(self) -> bool:
        return self.draft is not None and self.text != self.live_text

    @property
    def outdated(self) -> bool:
        """Someone published (or rolled back) after this draft was started."""
        return self.has_changes and self.based_on != self.live_version


def _data_dir() -> str:
    return current_app.config["DATA_DIR"]


def live_text() -> tuple[int, str]:
    """The live version's number and document (0 and the package's defaults before any)."""
    published = store.read_published(_data_dir())
    if published is None:
        return 0, default_text(current_app.config["CONTENT_FILE"])
    return published["version"], published["text"]


def working_copy() -> WorkingCopy:
    version, text = live_text()
    draft = store.read_draft(_data_dir())
    if draft is None:
        return WorkingCopy(text, version, version, text, None)
    return WorkingCopy(draft["text"], draft["based_on"], version, text, draft)


def save_draft(text: str, by: str, now, based_on: int | None = None) -> Content:
    """Validate a whole document and keep it as the draft; ContentError changes nothing."""
    content = build_content(text)
    copy = working_copy()
    start = copy.based_on if copy.draft else copy.live_version
    store.save_draft(_data_dir(), text, start if based_on is None else based_on, by, now)
    return content


def discard(by: str, now) -> None:
    store.discard_draft(_data_dir())
    audit.record(_data_dir(), by, "content-draft-discarded", now=now)


def publish(text: str, by: str, now, expected: int) -> int:
    """Publish `text` (validated again) if `expected` is still live; audit it. Conflict if not."""
    build_content(text)
    number = store.publish(_data_dir(), text, by, now, expected=expected)
    audit.record(_data_dir(), by, "content-publish", detail=f"version {number}", now=now)
    return number


def roll_back(to_version: int, by: str, now, expected: int) -> int:
    """Publish an earlier version's document again, as a new version; the draft stays."""
    if to_version == 0:
        text = default_text(current_app.config["CONTENT_FILE"])
    else:
        old = store.read_version(_data_dir(), to_version)
        if old is None:
            raise LookupError(f"no published version {to_version}")
        text = old["text"]
    build_content(text)  # the rules may have grown stricter since: never publish a bad one
    number = store.publish(
        _data_dir(),
        text,
        by,
        now,
        expected=expected,
        action="rollback",
        from_version=to_version,
    )
    detail = f"version {number} = version {to_version}"
    audit.record(_data_dir(), by, "content-rollback", detail=detail, now=now)
    return number
