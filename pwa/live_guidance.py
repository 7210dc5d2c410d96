"""Which guidance this process serves: the CMP's published version, else the package's defaults.

Every worker of a multi-process server checks the published version's stamp on each request
(one stat) and reloads when another worker has published: no restart, no stale worker.
"""

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from .guidance import Content, ContentError, build_content, default_text, load_content
from .storage import guidance as store


@dataclass(frozen=True)
class Live:
    version: int  # 0: the package's defaults
    text: str  # the document, TOML
    content: Content
    digest: str  # changes with the text: part of the service worker's version


def _load(app: Flask) -> Live:
    data_dir = app.config["DATA_DIR"]
    published = store.read_published(data_dir)
    if published is None:
        text, version = default_text(app.config["CONTENT_FILE"]), 0
    else:
        text, version = published["text"], published["version"]
    try:
        content = build_content(text)
    except ContentError as exc:
        where = f"published version {version}" if version else Path(app.config["CONTENT_FILE"]).name
        raise ContentError(f"{where}: {exc}") from exc
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Live(version, text, content, digest)


class _Cache:
    """The loaded version and the stamp it was loaded at, per process."""

    def __init__(self, app: Flask):
        self.lock = threading.Lock()
        self.stamp = store.published_stamp(app.config["DATA_DIR"])
        self.live = _load(app)

    def get(self, app: Flask) -> Live:
        stamp = store.published_stamp(app.config["DATA_DIR"])
        if stamp != self.stamp:
            with self.lock:
                if stamp != self.stamp:
                    self.live, self.stamp = _load(app), stamp
        return self.live


def current() -> Live:
    """The guidance to serve for this request."""
    return current_app.extensions["wegwijzer.guidance"].get(current_app)


def current_content() -> Content:
    return current().content


def init_app(app: Flask) -> None:
    """Validate the defaults and the published version; a broken one stops the start.

    Better no app than an app with a wrong phone number: the message names the item.
    """
    cache = _Cache(app)  # validates what it serves: the defaults, or the published version
    if cache.live.version:
        load_content(app.config["CONTENT_FILE"])  # the defaults too: a rollback may need them
    app.extensions["wegwijzer.guidance"] = cache
