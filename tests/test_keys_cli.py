"""`flask keys ...` and the staff commands' effect on access, through the CLI runner."""

import json
import logging
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from pwa import sealing
from pwa.storage import audit, keys, staff
from tests.keys_helpers import PASSWORD, everything_on_disk, opened, sealed_concern, signed_in_once

TOKEN_LINE = re.compile(r"^wegwijzer-recovery-[A-Z2-7-]+$", re.MULTILINE)
ADMIN, STAFF = "admin@cmp.example", "staff@cmp.example"


@pytest.fixture
def data_dir(app):
    return app.config["DATA_DIR"]


def init(runner) -> str:
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0, result.output
    (token,) = TOKEN_LINE.findall(result.output)
    return token


def grant(runner, email, token):
    return runner.invoke(args=["keys", "grant", email], input=f"{token}\n")


def test_init_prints_the_token_once_with_what_to_do_with_it(runner, data_dir):
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0
    assert "shown only this once" in result.output and "Store it offline now" in result.output
    assert "flask --app wsgi keys grant EMAIL" in result.output
    (token,) = TOKEN_LINE.findall(result.output)
    assert keys.open_cmp_key_with_recovery(data_dir, token)
    assert token not in everything_on_disk(data_dir)
    assert audit.read_entries(data_dir)[0]["action"] == "keys-init"


def test_init_twice_is_refused_and_changes_nothing(runner, data_dir):
    token = init(runner)
    before = everything_on_disk(data_dir)
    again = runner.invoke(args=["keys", "init"])
    assert again.exit_code == 1
    assert "keys exist already; nothing changed" in again.output
    assert not TOKEN_LINE.search(again.output)
    assert everything_on_disk(data_dir) == before
    assert keys.open_cmp_key_with_recovery(data_dir, token)


def test_grant_reads_the_token_from_stdin_and_gives_access(runner, data_dir):
    token = init(runner)
    concern = sealed_concern(data_dir, 1, "need", "note")
    signed_in_once(data_dir, ADMIN, "admin")
    result = grant(runner, ADMIN, token)
    assert result.exit_code == 0, result.output
    assert f"Granted: {ADMIN} can open the concerns" in result.output
    assert token not in result.output
    admin_keys = keys.open_cmp_key(data_dir, ADMIN, PASSWORD)
    assert opened(data_dir, concern["id"], admin_keys) == ("need", "note")
    entry = audit.read_entries(data_dir)[0]
    assert (entry["action"], entry["detail"]) == ("keys-grant", ADMIN)


def test_grant_errors_are_clear_and_change_nothing(runner, data_dir):
    no_keys = grant(runner, ADMIN, "x")
    assert (
        no_keys.exit_code == 1 and "no keys yet: run `flask --app wsgi keys init`" in no_keys.output
    )
    token = init(runner)
    cases = [
        ("ghost@cmp.example", token, "no account for ghost@cmp.example"),
        (STAFF, token, "no key pair yet: they must sign in once first"),
        (ADMIN, token[:-2], "not a whole recovery token"),
        (ADMIN, token[:25] + ("A" if token[25] != "A" else "B") + token[26:], "has a typo"),
        (ADMIN, sealing.new_recovery_key()[0], "wrong recovery key: the token is well-formed"),
        (ADMIN, "", "no recovery token"),
    ]
    staff.create_account(data_dir, STAFF, PASSWORD, "staff")
    signed_in_once(data_dir, ADMIN, "admin")
    for email, given, message in cases:
        result = grant(runner, email, given)
        assert result.exit_code == 1, (email, result.output)
        assert message in result.output and "Traceback" not in result.output
        assert token not in result.output
    assert keys.access_status(data_dir, ADMIN) == "not-granted"


def test_grant_with_a_damaged_key_file_is_an_error_not_a_crash(runner, data_dir):
    token = init(runner)
    signed_in_once(data_dir, ADMIN, "admin")
    (Path(data_dir) / "keys" / "cmp.json").write_text("{ damaged")
    result = grant(runner, ADMIN, token)
    assert result.exit_code == 1 and "damaged key file cmp.json" in result.output


def test_revoke_and_status(runner, data_dir):
    assert "No keys yet" in runner.invoke(args=["keys", "status"]).output
    token = init(runner)
    signed_in_once(data_dir, ADMIN, "admin")
    signed_in_once(data_dir, STAFF)
    staff.create_account(data_dir, "new@cmp.example", PASSWORD, "staff")
    grant(runner, ADMIN, token)
    status = runner.invoke(args=["keys", "status"])
    assert status.exit_code == 0
    current = keys.summary(data_dir)["current"]
    assert f"Key {current} (made " in status.output
    assert f"{ADMIN}\tadmin\tactive\taccess\n" in status.output
    assert f"{STAFF}\tstaff\tactive\tno access (not granted)" in status.output
    assert "new@cmp.example\tstaff\tactive\tno access (no key pair yet" in status.output
    cmp_text = (Path(data_dir) / "keys" / "cmp.json").read_text()
    for secret in re.findall(r'"([A-Za-z0-9_-]{40,})"', cmp_text):
        assert secret not in status.output  # no public key, wrap or grant either

    revoked = runner.invoke(args=["keys", "revoke", ADMIN])
    assert revoked.exit_code == 0 and "can no longer open the concerns" in revoked.output
    assert keys.access_status(data_dir, ADMIN) == "not-granted"
    again = runner.invoke(args=["keys", "revoke", ADMIN])
    assert again.exit_code == 0 and "had no access; nothing changed" in again.output


def test_a_cli_password_reset_drops_access_until_granted_again(runner, data_dir):
    token = init(runner)
    concern = sealed_concern(data_dir, 1, "need", "note")
    signed_in_once(data_dir, ADMIN, "admin")
    grant(runner, ADMIN, token)
    new = "reset by the operator"
    result = runner.invoke(args=["staff", "reset-password", ADMIN], input=f"{new}\n{new}\n")
    assert result.exit_code == 0
    assert "Its access to the concerns is dropped" in result.output
    assert keys.access_status(data_dir, ADMIN) == "no-keypair"
    assert keys.open_cmp_key(data_dir, ADMIN, new) is None
    # The recovery drill: sign in again, grant with the token, everything opens.
    signed_in_once(data_dir, ADMIN, password=new)
    assert grant(runner, ADMIN, token).exit_code == 0
    assert opened(data_dir, concern["id"], keys.open_cmp_key(data_dir, ADMIN, new))[0] == "need"


def test_disabling_revokes_access_and_enabling_does_not_restore_it(runner, data_dir):
    token = init(runner)
    signed_in_once(data_dir, STAFF)
    grant(runner, STAFF, token)
    disabled = runner.invoke(args=["staff", "disable", STAFF])
    assert disabled.exit_code == 0 and "access to the concerns is revoked" in disabled.output
    assert keys.access_status(data_dir, STAFF) == "not-granted"
    refused = grant(runner, STAFF, token)
    assert refused.exit_code == 1 and "is disabled: enable the account first" in refused.output
    enabled = runner.invoke(args=["staff", "enable", STAFF])
    assert "no access to the concerns until an admin grants it" in enabled.output
    assert grant(runner, STAFF, token).exit_code == 0
    assert keys.open_cmp_key(data_dir, STAFF, PASSWORD)


def test_staff_commands_without_keys_say_nothing_about_access(runner, data_dir):
    signed_in_once(data_dir, STAFF)
    new = "reset by the operator"
    result = runner.invoke(args=["staff", "reset-password", STAFF], input=f"{new}\n{new}\n")
    # No keys: nothing is sealed, but the account's stale key pair goes all the same.
    assert "dropped" in result.output and keys.access_status(data_dir, STAFF) == "no-keys"
    assert "revoked" not in runner.invoke(args=["staff", "disable", STAFF]).output
    assert "grants" not in runner.invoke(args=["staff", "enable", STAFF]).output


def test_rotate_prints_a_new_token_and_the_old_one_stops_working(runner, data_dir):
    token = init(runner)
    concern = sealed_concern(data_dir, 1, "need", "note")
    signed_in_once(data_dir, ADMIN, "admin")
    grant(runner, ADMIN, token)
    result = runner.invoke(args=["keys", "rotate"], input=f"{token}\n")
    assert result.exit_code == 0, result.output
    (new_token,) = TOKEN_LINE.findall(result.output)
    assert new_token != token and "NEW RECOVERY TOKEN" in result.output
    assert "1 concern file(s) re-sealed" in result.output
    wrong = grant(runner, ADMIN, token)
    assert wrong.exit_code == 1 and "wrong recovery key" in wrong.output
    assert (
        opened(data_dir, concern["id"], keys.open_cmp_key(data_dir, ADMIN, PASSWORD))[0] == "need"
    )
    assert audit.read_entries(data_dir)[0]["action"] == "keys-rotate"
    refused = runner.invoke(args=["keys", "rotate"], input=f"{token}\n")
    assert refused.exit_code == 1 and "wrong recovery key" in refused.output


def test_the_token_never_reaches_a_log_or_the_audit(runner, data_dir, caplog):
    caplog.set_level(logging.DEBUG)
    token = init(runner)
    signed_in_once(data_dir, ADMIN, "admin")
    grant(runner, ADMIN, token)
    grant(runner, "ghost@cmp.example", token)
    grant(runner, ADMIN, token[:-1])
    runner.invoke(args=["keys", "status"])
    rotated = runner.invoke(args=["keys", "rotate"], input=f"{token}\n")
    (new_token,) = TOKEN_LINE.findall(rotated.output)
    for secret in (token, new_token):
        assert secret not in caplog.text
        assert secret[19:] not in json.dumps(audit.read_entries(data_dir))
        assert secret not in everything_on_disk(data_dir)


def test_grant_asks_for_the_token_at_a_hidden_prompt_on_a_terminal(tmp_path):
    """A real terminal (a pty): the prompt shows, the typed token is not echoed."""
    import pty

    data_dir = tmp_path / "data"
    token = keys.init_keys(str(data_dir))
    signed_in_once(str(data_dir), ADMIN, "admin")
    env = {**os.environ, "WEGWIJZER_DATA_DIR": str(data_dir), "WEGWIJZER_SECRET_KEY": "t"}
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "keys", "grant", ADMIN],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        cwd=Path(__file__).parent.parent,
    )
    os.close(child)

    def read_until(expected: bytes, seen: bytes = b"") -> bytes:
        while expected not in seen:
            ready, _, _ = select.select([main], [], [], 30)
            assert ready, f"waited 30 s for {expected!r}; saw {seen!r}"
            try:
                chunk = os.read(main, 1024)
            except OSError:  # the child has gone
                return seen
            if not chunk:
                return seen
            seen += chunk
        return seen

    seen = read_until(b"Recovery token:")
    os.write(main, f"{token}\n".encode())
    seen = read_until(b"next sign-in.", seen)
    process.wait(timeout=30)
    os.close(main)
    assert process.returncode == 0, seen
    assert b"Granted: admin@cmp.example" in seen
    assert token.encode() not in seen and token[19:30].encode() not in seen
