"""The concern form as plain pages: it works online without JavaScript (routes on `pages`)."""

import uuid

from flask import current_app, g, render_template, request
from flask_wtf.csrf import CSRFError

from ..forms import API_KEYS, ConcernForm
from ..offline import offline_page
from ..storage.concerns import (
    IdempotencyKeyReused,
    body_hash,
    existing_receipt,
    is_concern_id,
    save_concern,
)
from .public import pages

# Shells only: no concern is in them. JS refreshes the cached form's CSRF token before a send.
offline_page("pages.concern_new")
offline_page("pages.concerns")


@pages.get("/concerns/")
def concerns():
    """The concerns on this device (drafts, waiting, sent), filled in by JavaScript."""
    return render_template("concerns.html")


def _form_page(form: ConcernForm, key: str, status: int = 200, problem: str | None = None):
    # Answers to a POST get Cache-Control: no-store in pwa/security.py: what was typed must
    # not linger in a cache (back button, proxies).
    html = render_template("concern_form.html", form=form, idempotency_key=key, problem=problem)
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
    data_dir = current_app.config["DATA_DIR"]
    secret = current_app.config["SECRET_KEY"]
    digest = body_hash({name: request.form.getlist(name) for name in API_KEYS})
    try:
        receipt = existing_receipt(data_dir, key, digest, secret)
        if receipt is None:
            if not form.validate():
                return _form_page(form, key, 422)
            receipt, _created = save_concern(
                data_dir, key, form.concern_fields(), digest, secret, locale=g.lang
            )
    except IdempotencyKeyReused:
        # Back button, edit, send again: this form was already sent; start a new one.
        form.validate()
        return _form_page(form, str(uuid.uuid4()), 422, problem="already_sent")
    return render_template("concern_receipt.html", receipt=receipt, urgent=form.urgent.data)


@pages.errorhandler(CSRFError)
def form_expired(exc: CSRFError):
    """A stale or missing token: show the form again with what was typed, to send again."""
    if request.endpoint != "pages.concern_send":
        return exc
    form = ConcernForm(meta={"csrf": False})
    form.validate()
    return _form_page(form, request.form.get("idempotency_key", ""), 400, problem="expired")
