"""The concern form as plain pages: it works online without JavaScript (routes on `pages`)."""

import datetime as dt
import uuid

from flask import g, render_template, request
from flask_babel import format_time
from flask_wtf.csrf import CSRFError

from .. import vocabulary
from ..forms import API_KEYS, ConcernForm
from ..intake import RETRY_AFTER_SECONDS, Outcome, receive_concern
from ..offline import offline_page
from ..storage.concerns import body_hash, is_concern_id
from ..validators import character_classes_for_scripts
from .public import pages

# Shells only: no concern is in them. JS refreshes the cached form's CSRF token before a send.
offline_page("pages.concern_new")
offline_page("pages.concerns")


@pages.get("/concerns/")
def concerns():
    """The concerns on this device (drafts, waiting, sent), filled in by JavaScript."""
    return render_template("concerns.html")


def _form_page(form: ConcernForm, key: str, status: int = 200, problem: str | None = None, **extra):
    # Answers to a POST get Cache-Control: no-store in pwa/security.py: what was typed must
    # not linger in a cache (back button, proxies).
    html = render_template(
        "concern_form.html",
        form=form,
        sections=vocabulary.SECTIONS,
        text_classes=character_classes_for_scripts(),
        remembered_fields=vocabulary.REMEMBERED_FIELDS,
        idempotency_key=key,
        problem=problem,
        **extra,
    )
    return html, status


@pages.get("/concerns/new")
def concern_new():
    """An empty form; its fresh key makes a double submit create one concern."""
    return _form_page(ConcernForm(formdata=None), str(uuid.uuid4()))


@pages.post("/concerns/new")
def concern_send():
    """Validate, store once, and show the reference with what follows."""
    key = request.form.get("idempotency_key", "").strip().lower()
    if not is_concern_id(key):
        key = str(uuid.uuid4())  # a tampered or missing key: still store the concern once
    form = ConcernForm()
    digest = body_hash({name: request.form.getlist(name) for name in API_KEYS})
    received = receive_concern(form, key, digest, g.lang)
    match received.outcome:
        case Outcome.CREATED | Outcome.REPLAYED:
            return render_template(
                "concern_receipt.html", receipt=received.receipt, urgent=form.urgent.data
            )
        case Outcome.INVALID:
            return _form_page(form, key, 422)
        case Outcome.KEY_REUSED:
            # Back button, edit, send again: this form was already sent; start a new one.
            form.validate()
            return _form_page(form, str(uuid.uuid4()), 422, problem="already_sent")
        case Outcome.BUSY:
            # Nothing stored: the same key again, so sending twice still makes one concern.
            form.validate()
            html, status = _form_page(form, key, 503, problem="busy")
            return html, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        case Outcome.LIMITED:
            return _too_many(form, key, received.retry_after)


def _too_many(form: ConcernForm, key: str, retry_after: int):
    """This network sent too many lately: the form again, as typed, and when to send it."""
    form.validate()  # shows any mistake now, so the next try can succeed
    # Rounded up to the minute: "after 14:05" must not be a minute too early.
    free = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry_after + 59)
    retry_at = format_time(free.replace(second=0, microsecond=0), "short")
    html, status = _form_page(form, key, 429, problem="limited", retry_at=retry_at)
    return html, status, {"Retry-After": str(retry_after)}


@pages.errorhandler(CSRFError)
def form_expired(exc: CSRFError):
    """A stale or missing token: show the form again with what was typed, to send again."""
    if request.endpoint != "pages.concern_send":
        return exc
    form = ConcernForm(meta={"csrf": False})
    form.validate()
    return _form_page(form, request.form.get("idempotency_key", ""), 400, problem="expired")
