"""All persistence. Only this package imports TinyDB; views call the named functions below.

Submodules:
- atomic: crash-safe TinyDB storage and the cross-process lock (shared by all stores)
- concerns: concerns sent by teachers, idempotency, references, receipts (issue #3), on
  concern_files (one file per concern) and references (claims and CMP-YYYY-NNNN numbers)
- staff: staff accounts and sign-in throttling; audit: the append-only audit log (issue #4)
"""
