"""`keys init` on a folder of plain concerns seals each one: atomic per file, resumable."""

import re

import pytest

from pwa.storage import concerns, inbox, keys, sealed_records
from tests.sealed_helpers import concern_file

TOKEN_LINE = re.compile(r"^(wegwijzer-recovery-[A-Z2-7-]+)$", re.MULTILINE)


@pytest.fixture
def plain_concerns(staff_app, make_concern):
    """Five concerns stored before keys, one worked to follow-up with notes: (id, texts)."""
    data_dir = staff_app.config["DATA_DIR"]
    made = []
    for number in range(5):
        receipt = make_concern(need=f"NEED-M{number} worry", pupil_ref=f"M{number}")
        made.append((receipt["id"], [f"NEED-M{number} worry"]))
    worked = made[0][0]
    inbox.step_action(data_dir, worked, "s@cmp.example", advance=True, note="STEP-M0 moved")
    inbox.save_step(data_dir, worked, "s@cmp.example", {"clarification": {"q": "CLAR-M0 answer"}})
    inbox.add_note(data_dir, worked, "s@cmp.example", "NOTE-M0 internal")
    made[0][1].extend(["STEP-M0 moved", "CLAR-M0 answer", "NOTE-M0 internal"])
    return made


def texts_on_disk(app, made) -> list[str]:
    return [text for cid, texts in made for text in texts if text in concern_file(app, cid)]


def test_init_seals_every_plain_concern_and_they_open_as_they_were(
    staff_app, runner, plain_concerns
):
    data_dir = staff_app.config["DATA_DIR"]
    runner = staff_app.test_cli_runner()
    before = {cid: concerns.get_concern(data_dir, cid) for cid, _ in plain_concerns}
    assert len(texts_on_disk(staff_app, plain_concerns)) == 8
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0 and "Sealed 5 concern file(s)" in result.output
    assert texts_on_disk(staff_app, plain_concerns) == []
    (token,) = TOKEN_LINE.findall(result.output)
    keyring = keys.open_cmp_key_with_recovery(data_dir, token)
    for cid, record in before.items():
        after = concerns.get_concern(data_dir, cid)
        assert sealed_records.plain_parts(after) == []
        assert after["updated_at"] == record["updated_at"]  # nobody worked on it
        assert sealed_records.open_record(after, keyring) == record


def test_an_interrupted_sealing_leaves_whole_files_and_a_rerun_seals_the_rest(
    staff_app, plain_concerns
):
    data_dir = staff_app.config["DATA_DIR"]
    runner = staff_app.test_cli_runner()
    keys.init_keys(data_dir)  # as `keys init` does first, before it seals

    class Interrupted(Exception):
        pass

    def stop_after_two(_concern_id, count=[]):  # noqa: B006 (a counter across calls)
        count.append(1)
        if len(count) == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        sealed_records.seal_stored_concerns(data_dir, stop_after_two)
    still_plain = [
        cid
        for cid, _ in plain_concerns
        if sealed_records.plain_parts(concerns.get_concern(data_dir, cid))
    ]
    assert len(still_plain) == 3  # every file whole: sealed, or untouched
    sealed_files = {
        cid: concern_file(staff_app, cid) for cid, _ in plain_concerns if cid not in still_plain
    }
    again = runner.invoke(args=["keys", "init"])
    assert again.exit_code == 0 and "sealed 3 concern file(s)" in again.output
    assert not TOKEN_LINE.search(again.output)  # the token is shown once, by the first run
    assert texts_on_disk(staff_app, plain_concerns) == []
    # Files sealed by the first run were skipped, not sealed twice.
    assert all(concern_file(staff_app, cid) == text for cid, text in sealed_files.items())
    third = runner.invoke(args=["keys", "init"])
    assert third.exit_code == 1 and "keys exist already; nothing changed" in third.output
