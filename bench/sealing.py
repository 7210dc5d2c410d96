"""Sealing benchmark (issue #10): prints figures, asserts nothing (not run by CI).

    .venv/bin/python bench/sealing.py [--rounds 2000] [--unwraps 5]

1. argon2id at the limits the app uses (sealing.PASSWORD_LIMITS): the wrap at first sign-in and
   the unwrap at every sign-in (median of --unwraps), and what the test-only limits cost.
2. A typical concern's private fields (the form's text fields, as a teacher fills them):
   seal_fields and open_fields in µs (median of --rounds), and the size sealed vs plain.
3. The session's keyring: sealed for the server-side session and opened on each request.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pwa import sealing  # noqa: E402

FIELDS = {
    "reporter_name": "An Janssens",
    "reporter_phone": "+3233383266",
    "reporter_email": "an.janssens@school.example.be",
    "pupil_ref": "J.P.",
    "pupil_grade": "4de jaar",
    "need": "Zegt sinds kort dingen die me zorgen baren: verheerlijkt geweld in de klas en "
    "deelt filmpjes met leeftijdsgenoten. Ik weet niet of dit een fase is.",
    "steps_taken": "Gesprek met de klastitularis en de CLB-ankerfiguur; ouders nog niet.",
    "missing_info": "Of er thuis iets veranderd is.",
    "assessment": "unsure",
}


def timed(action, rounds: int) -> float:
    """Median seconds of `action()` over `rounds` runs."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def argon2(unwraps: int) -> None:
    limits = sealing.PASSWORD_LIMITS
    secret = sealing.KeyPair.generate().private_key
    start = time.perf_counter()
    wrapped = sealing.wrap_with_password(secret, "a long staff password")
    wrap = time.perf_counter() - start
    unwrap = timed(lambda: sealing.unwrap_with_password(wrapped, "a long staff password"), unwraps)
    print(
        f"argon2id opslimit={limits.opslimit} memlimit={limits.memlimit // 2**20} MiB: "
        f"wrap {wrap:.3f} s, unwrap {unwrap:.3f} s (median of {unwraps})"
    )
    fast = sealing.Argon2Limits(1, 8192)
    quick = sealing.wrap_with_password(secret, "pw", fast)
    cost = timed(lambda: sealing.unwrap_with_password(quick, "pw"), 50)
    print(f"  test-only limits (1 pass, 8 KiB): unwrap {cost * 1e6:.0f} µs")


def fields(rounds: int) -> None:
    pair = sealing.KeyPair.generate()
    text = sealing.seal_fields(pair.public_key, FIELDS)
    seal = timed(lambda: sealing.seal_fields(pair.public_key, FIELDS), rounds)
    keyring = {pair.key_id: pair.private_key}  # what a signed-in session holds
    opened = timed(lambda: sealing.open_fields(keyring, text), rounds)
    plain = len(json.dumps(FIELDS, ensure_ascii=False).encode())
    print(
        f"a concern's private fields ({plain} bytes as JSON): seal {seal * 1e6:.0f} µs, "
        f"open {opened * 1e6:.0f} µs (median of {rounds}); sealed text {len(text)} bytes"
    )


def session(rounds: int) -> None:
    pair = sealing.KeyPair.generate()
    keyring = {pair.key_id: pair.private_key}
    key = sealing.new_session_key()
    stored = sealing.seal_keyring_for_session(keyring, key)
    seal = timed(lambda: sealing.seal_keyring_for_session(keyring, key), rounds)
    opened = timed(lambda: sealing.open_keyring_for_session(stored, key), rounds)
    print(f"the session's keyring: seal {seal * 1e6:.0f} µs, open {opened * 1e6:.0f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--unwraps", type=int, default=5)
    args = parser.parse_args()
    argon2(args.unwraps)
    fields(args.rounds)
    session(args.rounds)


if __name__ == "__main__":
    main()
