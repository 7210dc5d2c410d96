"""One staff action, one atomic write: a failure at any write leaves the concern before or after."""

import os

import pytest

from pwa.storage import concerns, inbox


def state(record: dict) -> tuple:
    """What a staff action on the clarification step changes."""
    return (
        record["status"],
        record.get("clarification"),
        [entry["note"] for entry in record.get("history", [])],
    )


ANSWERS = {"q_need": "Zorgen over uitspraken", "q_assessment": "Nog onduidelijk"}


# The action's writes: the concern (file, folder), then two audit entries (saved, moved on).
@pytest.mark.parametrize("failing_sync", range(1, 5))
def test_a_failed_write_leaves_the_step_before_or_after_never_between(
    staff_app, signed_in, make_concern, monkeypatch, failing_sync
):
    """Every fsync of the action in turn fails, as a full or broken disk would."""
    client = signed_in()
    receipt = make_concern()
    data_dir = staff_app.config["DATA_DIR"]
    client.post(f"/staff/concerns/{receipt['id']}/step", data={"advance": "1"})
    before = state(concerns.get_concern(data_dir, receipt["id"]))
    assert before == ("clarification", None, [""])

    real_fsync, calls = os.fsync, []

    def failing(fd):
        calls.append(fd)
        if len(calls) == failing_sync:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError):
        # Answers, the move on and its note: the whole of one staff action.
        client.post(
            f"/staff/concerns/{receipt['id']}/step",
            data={**ANSWERS, "advance": "1", "note": "naar de dossierbespreking"},
        )
    monkeypatch.setattr(os, "fsync", real_fsync)

    after = (
        "case_discussion",
        {"need": ANSWERS["q_need"], "assessment": ANSWERS["q_assessment"]}
        | {key: "" for key in ("steps_taken", "missing_info")},
        ["", "naar de dossierbespreking"],
    )
    found = state(concerns.get_concern(data_dir, receipt["id"]))
    assert found in (before, after), f"half a step after fsync #{failing_sync} failed"


def test_an_action_on_a_step_someone_else_left_changes_nothing(staff_app, make_concern):
    receipt = make_concern()
    data_dir = staff_app.config["DATA_DIR"]
    inbox.transition(data_dir, receipt["id"], "clarification", "first@cmp.example")
    seen = concerns.get_concern(data_dir, receipt["id"])  # the second opens the step...
    inbox.transition(data_dir, receipt["id"], "case_discussion", "first@cmp.example")
    with pytest.raises(inbox.FlowError) as refused:  # ...and saves after the first moved on
        inbox.step_action(
            data_dir,
            receipt["id"],
            "second@cmp.example",
            at_status=seen["status"],
            sections={"clarification": {"need": "late answer"}},
            advance=True,
        )
    assert refused.value.code == "not_this_step"
    record = concerns.get_concern(data_dir, receipt["id"])
    assert record["status"] == "case_discussion" and "clarification" not in record
    assert [entry["by"] for entry in record["history"]] == ["first@cmp.example"] * 2
