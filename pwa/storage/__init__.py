"""All persistence. Only this package imports TinyDB; views call the named functions below.

Submodules:
- atomic: crash-safe TinyDB storage and the cross-process lock (shared by all stores)
- concerns: concerns sent by teachers, idempotency, references, receipts (issue #3), on
  concern_files (one file per concern) and references (claims and CMP-YYYY-NNNN numbers)
- links: links between concerns about the same pupil (one write per link)
- clock: the one timestamp format (UTC, Z) every store writes
- staff: staff accounts and sign-in throttling; audit: the append-only audit log (issue #4)
- keys (on key_files): the CMP key pair, each account's key pair and grant, recovery;
  key_rotation: a new key pair with every sealed value re-sealed, resumable (issue #10)
"""

from .atomic import Busy

__all__ = ["Busy"]
