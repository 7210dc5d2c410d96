"""The sync API the device uses: a CSRF token, sending a concern once, reading its receipt.

POST /api/concerns answers, checked in this order:
- 400 {"error": "csrf_failed"}: missing or bad X-CSRFToken (checked first, by CSRFProtect)
- 415 {"error": "unsupported_media_type"}: Content-Type is not JSON
- 400 {"error": "idempotency_key_missing" | "idempotency_key_invalid"}: not a UUID v4
- 413 {"error": "request_entity_too_large"}: body over 64 KiB
- 400 {"error": "malformed_json"}: not parseable (syntax, encoding, absurd numbers)
- 422 {"errors": {"_body": [...]}}: JSON but not an object
- 200 receipt: this key is stored with this body already (before validation, see below)
- 422 {"error": "idempotency_key_reused"}: this key is stored with another body
- 429 {"error": "rate_limited"} + Retry-After (whole seconds): this client address used up its
  WEGWIJZER_RATE_LIMIT (a replay never counts: pwa/rate_limit.py); nothing stored
- 422 {"errors": {"field": ["message", ...]}}: invalid, unknown or mistyped fields
- 201 {"id", "reference", "receipt_token", "status", "received_at"}: stored now
- 503 {"error": "busy"} + Retry-After: the storage lock timed out; nothing stored

GET /api/csrf answers 200 {"csrf_token"}, or 429 {"error": "rate_limited"} + Retry-After past
its own allowance (four times the concerns', see pwa/rate_limit.py).

Error messages for fields come in the request's language: `?lang=nl|fr|en` when given,
else the best match for Accept-Language, else Dutch. Nothing about a concern's contents
is ever logged.

The body holds the form's fields by name (pwa/forms.py) and, from the phone's app, optionally
`receipt_key`: the phone's P-256 public key, base64url (no padding) of the 65-byte uncompressed
point. It is validated like any field: a wrong curve, a point off the curve or garbage gets
422 {"errors": {"receipt_key": [...]}} and nothing is stored.

GET /api/receipts/<reference> with header X-Receipt-Token answers (Cache-Control: no-store):
- 404 {"error": "not_found"}: a wrong token or an unknown reference, the same bytes for both
- 200 {"reference", "status", "updated_at", "follow_up", "follow_up_sealed"}:
  for a concern sent with a receipt_key, "follow_up" is always null and "follow_up_sealed" is
  the agreement sealed to that key (null until there is one):
  {"version": 1, "ephemeral_key": "<base64url, 65-byte P-256 point>", "nonce": "<base64url,
  12 bytes>", "ciphertext": "<base64url, ciphertext and 16-byte GCM tag>"}, opened only on the
  phone (scheme: pwa/receipt_sealing.py). For a concern sent without one (an older app, the
  no-JavaScript form), "follow_up" is the agreement's text (or null) and "follow_up_sealed"
  is null.
"""

import json

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from .. import rate_limit
from ..forms import ConcernForm
from ..guidance import LOCALES
from ..intake import RETRY_AFTER_SECONDS, Outcome, receive_concern
from ..storage.concerns import body_hash, get_receipt, is_concern_id

bp = Blueprint("api", __name__, url_prefix="/api")


def error(status: int, code: str, **extra):
    return jsonify(error=code, **extra), status


@bp.before_request
def choose_language():
    requested = request.args.get("lang")
    g.lang = requested if requested in LOCALES else request.accept_languages.best_match(LOCALES)
    g.lang = g.lang or "nl"


@bp.errorhandler(CSRFError)
def csrf_failed(exc: CSRFError):
    # The device fetches a fresh token (GET /api/csrf) and tries again.
    return error(400, "csrf_failed", message=exc.description)


@bp.app_errorhandler(HTTPException)
def json_errors_for_the_api(exc: HTTPException):
    """413, 404, 405... as JSON under /api/; every other page keeps Flask's own answer."""
    if not request.path.startswith("/api/"):
        return exc
    code = (exc.name or "error").lower().replace(" ", "_")
    return error(exc.code or 500, code)


@bp.get("/csrf")
def csrf_token():
    """A fresh CSRF token; the device fetches one right before each sync."""
    admission = rate_limit.admit("csrf")
    if not admission.allowed:
        return rate_limited(admission.retry_after)
    return jsonify(csrf_token=generate_csrf())


def rate_limited(retry_after: int):
    return jsonify(error="rate_limited"), 429, {"Retry-After": str(retry_after)}


def _idempotency_key() -> tuple[str | None, str | None]:
    """(key, problem): the key is a UUID v4 made on the device, stored in lower case."""
    raw = request.headers.get("Idempotency-Key")
    if not raw:
        return None, "idempotency_key_missing"
    key = raw.strip().lower()
    return (key, None) if is_concern_id(key) else (None, "idempotency_key_invalid")


def _json_body():
    """The parsed body, or None when it is not valid JSON (any encoding problem included)."""
    raw = request.get_data(cache=False)  # over 64 KiB: werkzeug raises 413 here
    try:
        return True, json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, a 5,000-digit number, deep nesting
        return False, None


@bp.post("/concerns")
def create_concern():
    """Store a concern exactly once (statuses: see the module docstring)."""
    if not request.is_json:
        return error(415, "unsupported_media_type")
    key, problem = _idempotency_key()
    if problem:
        return error(400, problem)
    parsed, payload = _json_body()
    if not parsed:
        return error(400, "malformed_json")
    if not isinstance(payload, dict):
        return jsonify(errors={"_body": [_("Send the concern as a JSON object.")]}), 422

    form = ConcernForm.from_json(payload)
    received = receive_concern(form, key, body_hash(payload), g.lang)
    match received.outcome:
        case Outcome.CREATED:
            return jsonify(received.receipt), 201
        case Outcome.REPLAYED:
            return jsonify(received.receipt), 200
        case Outcome.INVALID:
            return jsonify(errors=form.error_messages()), 422
        case Outcome.KEY_REUSED:
            return error(422, "idempotency_key_reused")
        case Outcome.BUSY:
            return jsonify(error="busy"), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
        case Outcome.LIMITED:
            return rate_limited(received.retry_after)


# One body for every "not found", so a wrong token cannot tell that a reference exists.
NOT_FOUND = {"error": "not_found"}


@bp.get("/receipts/<reference>")
def receipt(reference: str):
    """The status and follow-up the CMP shares with the reporter, for the right token only."""
    found = get_receipt(
        current_app.config["DATA_DIR"],
        reference,
        request.headers.get("X-Receipt-Token", ""),
        current_app.config["SECRET_KEY"],
    )
    if found is None:
        return jsonify(NOT_FOUND), 404
    return jsonify(found)
