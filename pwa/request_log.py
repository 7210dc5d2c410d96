"""Logs as JSON lines: one per request (method, route, status, duration, request id) and the app's.

What a line may hold is decided here, once. Never the query string, a body, a header's or a
cookie's value, or the path as requested: the path is the route's template
(`/api/receipts/<reference>`), so a reference, a concern id or a token never reaches a log.
An error is logged by its type and where it happened, without its message: a message can quote
what a teacher typed.
"""

import datetime as dt
import json
import logging
import os
import re
import sys
import time
import traceback
import uuid

from flask import Flask, current_app, g, has_request_context, request

REQUESTS_LOGGER = "wegwijzer.requests"
# A request id a trusted proxy sends (Caddy's {http.request.uuid}); anything else is replaced.
GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, logger, then its fields or its message."""

    def format(self, record: logging.LogRecord) -> str:
        at = dt.datetime.fromtimestamp(record.created, dt.UTC)
        entry = {
            "time": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if has_request_context() and "request_id" not in entry:
            entry["request_id"] = g.get("request_id")
        if record.exc_info:
            entry["error"] = error_summary(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def error_summary(exc_info) -> dict:
    """An exception's type and frames (file, line, function), never its message."""
    kind, _value, tb = exc_info
    frames = traceback.extract_tb(tb)
    where = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in frames]
    return {"type": getattr(kind, "__name__", str(kind)), "frames": where}


def route_template() -> str:
    """The matched route's rule (never the requested path); '<unmatched>' for a 404."""
    return request.url_rule.rule if request.url_rule is not None else "<unmatched>"


def _request_id(app: Flask) -> str:
    """The proxy's request id when one is trusted and well-formed, else a new one."""
    offered = request.headers.get("X-Request-ID", "")
    if app.config["PROXY_COUNT"] and GOOD_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class StderrHandler(logging.StreamHandler):
    """stderr as it is when a line is written (a server or a test may have replaced it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def json_handler() -> logging.Handler:
    """stderr (journald under systemd), one JSON object per line."""
    handler = StderrHandler()
    handler.setFormatter(JsonLines())
    handler.set_name("wegwijzer-json")
    return handler


def _use_json(logger: logging.Logger) -> None:
    """Replace the logger's handlers by the JSON one (once, however often the app is made)."""
    if any(handler.get_name() == "wegwijzer-json" for handler in logger.handlers):
        return
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(json_handler())
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    """JSON lines for the app's logger and one access line per request."""
    _use_json(app.logger)
    _use_json(logging.getLogger(REQUESTS_LOGGER))
    app.log_exception = log_exception  # Flask's own names the requested path

    @app.before_request
    def start_clock():
        g.request_id = _request_id(app)
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started else None
        response.headers["X-Request-ID"] = g.get("request_id") or ""
        fields = {
            "event": "request",
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": route_template(),
            "status": response.status_code,
            "duration_ms": round(duration, 1) if duration is not None else None,
            "pid": os.getpid(),
        }
        logging.getLogger(REQUESTS_LOGGER).info("request", extra={"fields": fields})
        return response


def log_exception(exc_info) -> None:
    """Flask's hook for an unhandled error, without the requested path (it holds ids)."""
    fields = {"event": "unhandled_error", "method": request.method, "path": route_template()}
    current_app.logger.error("unhandled error", exc_info=exc_info, extra={"fields": fields})
