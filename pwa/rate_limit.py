"""The public side's limit per client address (WEGWIJZER_RATE_LIMIT), shared by all workers.

What counts, and why:
- Concerns: every POST that reaches intake, except a replay (the same Idempotency-Key and
  body, answered from storage). A phone retries after a lost answer; that retry stores nothing
  new and must get its receipt even past the limit, or the teacher waits for nothing. A
  request the store was too busy to take (503) is given back: nothing was stored.
- CSRF tokens (GET /api/csrf): CSRF_FACTOR times the concerns' allowance, same period. Each
  try to send fetches a token first and, after a CSRF failure, one more; tries answered 429
  or 503 fetched one too. Four tokens per concern leave room for all of that.
- The client is `request.remote_addr`: behind Caddy with WEGWIJZER_PROXY_COUNT=1, ProxyFix
  made it the real client's address; without it, X-Forwarded-For is ignored. An IPv6 client
  counts per /64 (one household or one school network), else each of its 2^64 addresses
  would have a fresh allowance.
- Fail open: when the limiter's store cannot answer (lock busy past a second, disk error),
  the request goes through, logged. The limiter must never cost a concern; the concern store
  itself still answers 503 when it is busy.
"""

import ipaddress
from dataclasses import dataclass

from flask import current_app, request

from .storage import Busy
from .storage.rate_limits import Allowance, bucket_name, give_back, take

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
CSRF_FACTOR = 4
SYNTAX = "<count>/<unit> with unit second, minute, hour or day (e.g. 30/hour), or 0 or off"


def parse(value) -> Allowance | None:
    """'30/hour' -> Allowance(30, 3600); 0 or 'off' -> None (no limit); else ValueError."""
    text = "" if isinstance(value, bool) else str(value).strip().lower()
    if text in ("0", "off"):
        return None
    count, _slash, unit = (part.strip() for part in text.partition("/"))
    if not (count.isascii() and count.isdigit()) or int(count) < 1 or unit not in UNITS:
        raise ValueError(f"WEGWIJZER_RATE_LIMIT must be {SYNTAX} (not {value!r})")
    return Allowance(int(count), UNITS[unit])


def _allowance(purpose: str) -> Allowance | None:
    allowance = parse(current_app.config["RATE_LIMIT"])
    if allowance is None or purpose != "csrf":
        return allowance
    return Allowance(allowance.count * CSRF_FACTOR, allowance.seconds)


def client() -> str:
    """Who is counted: the IPv4 address, or the /64 network of an IPv6 address."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return "unknown"
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Admission:
    """The limiter's answer: allowed, or the seconds to wait; give_back() uncounts it."""

    allowed: bool
    retry_after: int = 0
    bucket: str | None = None
    at: float = 0.0

    def give_back(self) -> None:
        if self.bucket is None:
            return
        try:
            give_back(current_app.config["DATA_DIR"], self.bucket, self.at)
        except (Busy, OSError):
            current_app.logger.warning("rate limit store unavailable; a request stays counted")


NOT_COUNTED = Admission(True)


def admit(purpose: str) -> Admission:
    """Count this request for `purpose` ("concerns" or "csrf"), or say how long to wait."""
    allowance = _allowance(purpose)
    if allowance is None:
        return NOT_COUNTED
    bucket = bucket_name(current_app.config["SECRET_KEY"], purpose, client())
    try:
        decision = take(current_app.config["DATA_DIR"], bucket, allowance)
    except (Busy, OSError):
        current_app.logger.warning("rate limit store unavailable; request let through")
        return NOT_COUNTED
    if not decision.allowed:
        return Admission(False, retry_after=decision.retry_after)
    return Admission(True, bucket=bucket, at=decision.at)
