"""Idempotency claims on real files: concurrent duplicates, and kill -9 at every instant of a save.

The crash tests fork a child that saves a concern and SIGKILLs itself right before its Nth
file-system call (open, symlink, link, fsync...): a real kill -9 at a chosen instant, inside
or outside the lock. The storage code runs unchanged; only the child's os functions count.
"""

import itertools
import multiprocessing
import os
import signal
import threading
import uuid
from datetime import UTC, datetime

import pytest

from pwa.storage.concerns import (
    IdempotencyKeyReused,
    body_hash,
    delete_concern,
    existing_receipt,
    get_concern,
    get_receipt,
    list_concerns,
    save_concern,
    update_concern,
)
from pwa.storage.references import read_claim

SECRET = "test-secret"
FIELDS = {"kind": "consult", "school": "Atheneum", "need": "A question"}
OTHER = {**FIELDS, "need": "Another question"}
JUNE_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
# The calls by which the store changes the disk, or opens what it then changes.
CALLS = ("open", "symlink", "link", "unlink", "replace", "fsync", "pwrite")


def save(data_dir, key, fields=FIELDS, now=JUNE_2026):
    return save_concern(data_dir, key, fields, body_hash(fields), SECRET, "nl", now=now)


def _signal_before(calls: tuple[str, ...], number: int, sig: int) -> None:
    """From now on, send `sig` to this process right before its `number`-th call of `calls`."""
    count = itertools.count()
    for name in calls:
        real = getattr(os, name)

        def counted(*args, real=real, **kwargs):
            if next(count) == number:
                os.kill(os.getpid(), sig)
            return real(*args, **kwargs)

        setattr(os, name, counted)


def start_child(data_dir, key, number: int, calls=CALLS, sig=signal.SIGKILL) -> int:
    """Fork a child that saves, with `sig` before its `number`-th call; its pid."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _signal_before(calls, number, sig)
            save(data_dir, key)
            code = 0
        finally:
            os._exit(code)
    return pid


def save_in_child(data_dir, key, number: int, calls=CALLS) -> bool:
    """Save in a child killed (kill -9) before its `number`-th call; False if it was killed."""
    status = os.waitpid(start_child(data_dir, key, number, calls), 0)[1]
    assert os.WIFEXITED(status) or os.WTERMSIG(status) == signal.SIGKILL
    assert not os.WIFEXITED(status) or os.WEXITSTATUS(status) == 0, "the save failed"
    return os.WIFEXITED(status)


def names(data_dir, suffix):
    return sorted(p.name for p in (data_dir / "concerns").iterdir() if p.name.endswith(suffix))


def test_a_retry_after_kill_9_at_any_instant_completes_the_same_concern(tmp_path):
    claims_without_file = 0
    for instant in itertools.count():
        data_dir, key = tmp_path / str(instant), str(uuid.uuid4())
        finished = save_in_child(data_dir, key, instant)
        claimed = read_claim(data_dir / "concerns", key)
        stored = list_concerns(data_dir)  # never half a concern, whatever the instant
        assert [r["id"] for r in stored] in ([], [key])
        assert claimed is not None or not stored, "a concern stored without its claim"
        claims_without_file += claimed is not None and not stored
        receipt, created = save(data_dir, key)
        assert created != bool(stored)
        if claimed is not None:
            assert receipt["reference"] == claimed.reference, "a claimed key got a new reference"
            assert receipt["received_at"] == claimed.received_at
        # A crash before the claim may cost a number (a gap), never give one twice.
        assert receipt["reference"] in ("CMP-2026-0001", "CMP-2026-0002")
        assert names(data_dir, ".json") == [f"{key}.json"]
        assert names(data_dir, ".claim") == [f"{key}.claim"]
        assert [r["reference"] for r in list_concerns(data_dir)] == [receipt["reference"]]
        token = receipt["receipt_token"]
        assert get_receipt(data_dir, receipt["reference"], token, SECRET)["status"] == "received"
        assert save(data_dir, key) == (receipt, False)
        if finished:
            break
    # Every instant of a save was covered (about a dozen calls), among them the three of the
    # write outside the lock that come before the file is published: open, fsync, link.
    assert instant >= 10 and claims_without_file >= 3


def crash_after_claiming(data_dir, key):
    """kill -9 outside the lock, right before the concern file's first fsync."""
    assert not save_in_child(data_dir, key, 0, calls=("fsync",))
    return read_claim(data_dir / "concerns", key)


def test_a_claim_without_its_file_is_invisible_and_completed_by_the_retry(tmp_path):
    first = str(uuid.uuid4())
    save(tmp_path, first)
    key = str(uuid.uuid4())
    claimed = crash_after_claiming(tmp_path, key)
    assert claimed is not None and claimed.reference == "CMP-2026-0002"
    assert not (tmp_path / "concerns" / f"{key}.json").exists()
    # Listing, reading and receipts ignore the claim: nothing half-stored shows.
    assert [r["id"] for r in list_concerns(tmp_path)] == [first]
    assert get_concern(tmp_path, key) is None
    assert existing_receipt(tmp_path, key, body_hash(FIELDS), SECRET) is None
    # The retry, days later, completes it: the same reference, the claim's time.
    receipt, created = save(tmp_path, key, now=datetime(2026, 6, 3, tzinfo=UTC))
    assert created and receipt["reference"] == "CMP-2026-0002"
    assert receipt["received_at"] == claimed.received_at == "2026-06-01T10:00:00Z"
    assert save(tmp_path, str(uuid.uuid4()))[0]["reference"] == "CMP-2026-0003"


def test_another_body_with_a_claimed_key_is_refused(tmp_path):
    key = str(uuid.uuid4())
    crash_after_claiming(tmp_path, key)
    with pytest.raises(IdempotencyKeyReused):
        existing_receipt(tmp_path, key, body_hash(OTHER), SECRET)
    with pytest.raises(IdempotencyKeyReused):
        save(tmp_path, key, fields=OTHER)
    assert names(tmp_path, ".json") == [] and names(tmp_path, ".ref") == ["CMP-2026-0001.ref"]
    save(tmp_path, key)
    with pytest.raises(IdempotencyKeyReused):
        save(tmp_path, key, fields=OTHER)
    assert get_concern(tmp_path, key)["fields"] == FIELDS


def test_a_late_duplicate_never_overwrites_the_stored_concern(tmp_path):
    """A writer paused after claiming (a slow worker) resumes after a duplicate stored the
    concern and staff changed it: its write does not replace the file, the change stays."""
    key = str(uuid.uuid4())
    pid, status = start_child(tmp_path, key, 0, calls=("fsync",), sig=signal.SIGSTOP), None
    try:
        assert os.WIFSTOPPED(os.waitpid(pid, os.WUNTRACED)[1])
        # The duplicate does not wait for the paused writer: it writes the record itself.
        receipt, created = save(tmp_path, key)
        assert created and receipt["reference"] == "CMP-2026-0001"
        update_concern(tmp_path, key, lambda record: record.update(status="clarification"))
        os.kill(pid, signal.SIGCONT)
        status = os.waitpid(pid, 0)[1]
    finally:
        if status is None:  # the test failed while the child was paused
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert get_concern(tmp_path, key)["status"] == "clarification"
    assert names(tmp_path, ".json") == [f"{key}.json"]
    assert [n for n in os.listdir(tmp_path / "concerns") if n.endswith(".partial")] == []


def test_a_deleted_concern_keeps_its_number_taken_and_nothing_of_its_claim(tmp_path):
    key = str(uuid.uuid4())
    reference = save(tmp_path, key)[0]["reference"]
    assert delete_concern(tmp_path, key)
    # The reference names the id only again: no body hash or time outlives the concern.
    assert os.readlink(tmp_path / "concerns" / f"{reference}.ref") == f"{key}.json"
    assert names(tmp_path, ".claim") == [] and names(tmp_path, ".partial") == []
    assert save(tmp_path, str(uuid.uuid4()))[0]["reference"] == "CMP-2026-0002"
    # As before claims: a late retry of a deleted concern stores it anew, under a new number.
    assert save(tmp_path, key)[0]["reference"] == "CMP-2026-0003"


def assert_stored_once(data_dir, key, results):
    """Every duplicate got the same receipt, exactly one 'created', one file, one number."""
    receipts = [receipt for receipt, _created in results]
    assert all(receipt == receipts[0] for receipt in receipts)
    assert sum(created for _receipt, created in results) == 1
    assert names(data_dir, ".json") == [f"{key}.json"]
    assert names(data_dir, ".ref") == [f"{receipts[0]['reference']}.ref"]
    assert [r["id"] for r in list_concerns(data_dir)] == [key]


def test_the_same_key_from_many_threads_at_once_is_stored_once(tmp_path):
    for round_ in range(5):
        data_dir, key = tmp_path / str(round_), str(uuid.uuid4())
        start, results = threading.Barrier(8), []

        def send(data_dir=data_dir, key=key, start=start, results=results):
            start.wait()
            results.append(save(data_dir, key))

        threads = [threading.Thread(target=send) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 8
        assert_stored_once(data_dir, key, results)


def _send_when_all_are_ready(data_dir, key, start, answers):
    start.wait()
    answers.put(save(data_dir, key))


def test_the_same_key_from_many_processes_at_once_is_stored_once(tmp_path):
    fork = multiprocessing.get_context("fork")
    for round_ in range(3):
        data_dir, key = tmp_path / str(round_), str(uuid.uuid4())
        start, answers = fork.Barrier(4), fork.Queue()
        senders = [
            fork.Process(target=_send_when_all_are_ready, args=(data_dir, key, start, answers))
            for _ in range(4)
        ]
        for sender in senders:
            sender.start()
        results = [answers.get(timeout=30) for _ in senders]
        for sender in senders:
            sender.join()
        assert_stored_once(data_dir, key, results)
