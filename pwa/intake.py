"""One way in for a concern: the sync API and the no-JavaScript form both call receive_concern().

The order matters and lives only here: a replay is answered first, then the address's rate
limit is checked, then the concern is validated, then stored once. Each way in turns the
outcome into its own answer (JSON or page).
"""

import enum
from dataclasses import dataclass

from flask import current_app

from . import clock, rate_limit
from .forms import ConcernForm
from .storage import Busy
from .storage.concerns import IdempotencyKeyReused, existing_receipt, save_concern


class Outcome(enum.Enum):
    CREATED = "created"  # stored now
    REPLAYED = "replayed"  # this key and body were stored before: the same receipt again
    INVALID = "invalid"  # the form's errors say why; nothing stored
    KEY_REUSED = "key_reused"  # this key was stored with another body; nothing stored
    BUSY = "busy"  # the store stayed locked too long; nothing stored, try again soon
    LIMITED = "limited"  # this address sent too many lately; nothing stored, see retry_after


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    receipt: dict | None = None
    retry_after: int = 0  # LIMITED: whole seconds until this address may send again


RETRY_AFTER_SECONDS = Busy.retry_after_seconds


def receive_concern(form: ConcernForm, key: str, body_digest: str, locale: str) -> Received:
    """Answer a replay, else validate and store the concern once; say what happened."""
    data_dir = current_app.config["DATA_DIR"]
    secret = current_app.config["SECRET_KEY"]
    admission = rate_limit.NOT_COUNTED
    try:
        # A retry of a stored concern is answered before validation: a rule changed by a
        # deploy in between must not reject a concern the CMP already has.
        receipt = existing_receipt(data_dir, key, body_digest, secret)
        if receipt is not None:
            return Received(Outcome.REPLAYED, receipt)
        # Counted before validation, so a flood of invalid posts is limited too; a replay is
        # never counted (pwa/rate_limit.py says why).
        admission = rate_limit.admit("concerns")
        if not admission.allowed:
            return Received(Outcome.LIMITED, retry_after=admission.retry_after)
        if not form.validate():
            return Received(Outcome.INVALID)
        receipt, created = save_concern(
            data_dir,
            key,
            form.concern_fields(),
            body_digest,
            secret,
            locale,
            now=clock.now(),
            receipt_key=form.device_fields()["receipt_key"],
        )
    except IdempotencyKeyReused:
        return Received(Outcome.KEY_REUSED)
    except Busy:
        admission.give_back()  # nothing stored: the phone's retry must not cost a second slot
        return Received(Outcome.BUSY)
    if not created:
        admission.give_back()  # a parallel retry of the same concern stored it first
    return Received(Outcome.CREATED if created else Outcome.REPLAYED, receipt)
