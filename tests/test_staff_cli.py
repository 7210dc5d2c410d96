"""Accounts from the command line; retention with `flask purge`."""

import datetime as dt
from pathlib import Path

import pyotp

from pwa.storage import audit, concerns, inbox, links, staff

PASSWORD = "a long staff password"


def add(runner, email="new@cmp.example", role="staff", password=PASSWORD):
    return runner.invoke(
        args=["staff", "add", email, "--role", role], input=f"{password}\n{password}\n"
    )


def test_add_asks_for_the_password_twice_and_hashes_it(app, runner):
    result = add(runner, role="admin")
    assert result.exit_code == 0, result.output
    assert "Created admin account new@cmp.example" in result.output
    assert PASSWORD not in result.output
    account = staff.get_account(app.config["DATA_DIR"], "new@cmp.example")
    assert account["role"] == "admin" and account["password_hash"].startswith("$argon2id$")
    assert not account["totp_confirmed"]


def test_add_refuses_a_short_password_and_asks_again(app, runner):
    result = runner.invoke(
        args=["staff", "add", "x@cmp.example", "--role", "staff"],
        input=f"short\nshort\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0
    assert "at least 12 characters" in result.output
    assert staff.check_password(app.config["DATA_DIR"], "x@cmp.example", PASSWORD)


def test_add_refuses_mismatched_confirmation_an_unknown_role_and_a_duplicate(app, runner):
    mismatch = runner.invoke(
        args=["staff", "add", "m@cmp.example", "--role", "staff"],
        input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert "do not match" in mismatch.output.lower()
    assert staff.check_password(app.config["DATA_DIR"], "m@cmp.example", PASSWORD)
    assert runner.invoke(args=["staff", "add", "r@cmp.example", "--role", "boss"]).exit_code != 0
    assert add(runner).exit_code == 0
    again = add(runner)
    assert again.exit_code != 0 and "already exists" in again.output


def test_the_password_is_never_an_argument(runner):
    result = runner.invoke(args=["staff", "add", "p@cmp.example", "--role", "staff", PASSWORD])
    assert result.exit_code != 0


def test_list_disable_enable(app, runner):
    add(runner)
    add(runner, "admin@cmp.example", "admin")
    listing = runner.invoke(args=["staff", "list"]).output
    assert "admin@cmp.example\tadmin\tactive\t2FA not set up" in listing
    assert "$argon2" not in listing
    assert runner.invoke(args=["staff", "disable", "new@cmp.example"]).exit_code == 0
    assert "new@cmp.example\tstaff\tdisabled" in runner.invoke(args=["staff", "list"]).output
    assert staff.check_password(app.config["DATA_DIR"], "new@cmp.example", PASSWORD) is None
    runner.invoke(args=["staff", "enable", "new@cmp.example"])
    assert staff.check_password(app.config["DATA_DIR"], "new@cmp.example", PASSWORD)
    assert runner.invoke(args=["staff", "disable", "ghost@cmp.example"]).exit_code != 0


def test_reset_password_keeps_the_second_factor_unless_asked(app, runner):
    data_dir = app.config["DATA_DIR"]
    add(runner)
    secret = staff.totp_secret_for_setup(data_dir, "new@cmp.example")

    assert staff.check_totp(data_dir, "new@cmp.example", pyotp.TOTP(secret).now())
    new = "another long password"
    result = runner.invoke(
        args=["staff", "reset-password", "new@cmp.example"], input=f"{new}\n{new}\n"
    )
    assert result.exit_code == 0
    account = staff.get_account(data_dir, "new@cmp.example")
    assert account["totp_confirmed"] and account["totp_secret"] == secret
    assert staff.check_password(data_dir, "new@cmp.example", new)
    runner.invoke(
        args=["staff", "reset-password", "new@cmp.example", "--reset-totp"],
        input=f"{new}\n{new}\n",
    )
    account = staff.get_account(data_dir, "new@cmp.example")
    assert not account["totp_confirmed"] and account["totp_secret"] is None


def _closed_concern(app, days_ago: int, number: int) -> dict:
    data_dir = app.config["DATA_DIR"]
    fields = {"kind": "consult", "school": f"School {number}", "need": "n"}
    key = f"00000000-0000-4000-8000-{number:012d}"
    receipt, _ = concerns.save_concern(data_dir, key, fields, concerns.body_hash(fields), "s", "nl")
    closed_at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).isoformat()
    concerns.update_concern(data_dir, key, lambda r: r.update(status="closed", closed_at=closed_at))
    return receipt


def test_purge_deletes_only_concerns_closed_longer_than_the_retention(app, runner):
    data_dir = app.config["DATA_DIR"]
    old = _closed_concern(app, 731, 1)
    recent = _closed_concern(app, 729, 2)
    fields = {"kind": "consult", "school": "Open School", "need": "n"}
    open_one, _ = concerns.save_concern(
        data_dir,
        "00000000-0000-4000-8000-000000000003",
        fields,
        "h",
        "s",
        "nl",
        now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2000),
    )
    inbox.link_concerns(data_dir, old["id"], recent["id"], "t")

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0 and "Purged 1 concern(s)" in result.output
    assert concerns.get_concern(data_dir, old["id"]) is None
    assert links.linked_ids(data_dir, recent["id"]) == []  # the purged one's link is gone too
    assert concerns.get_concern(data_dir, open_one["id"]) is not None  # never closed: kept

    entry = audit.read_entries(data_dir, old["reference"])[0]
    assert entry["action"] == "purge" and entry["detail"] is None
    log = next(Path(data_dir).rglob("audit.jsonl")).read_text()
    assert "School 1" not in log  # the reference only, nothing of the content

    again = runner.invoke(args=["purge"])  # cron runs it again: nothing more, still exit 0
    assert again.exit_code == 0 and "Purged 0 concern(s)" in again.output


def test_purge_reads_the_retention_setting(app, runner):
    recent = _closed_concern(app, 10, 4)
    app.config["RETENTION_DAYS"] = 7
    assert "Purged 1" in runner.invoke(args=["purge"]).output
    assert concerns.get_concern(app.config["DATA_DIR"], recent["id"]) is None


def test_the_default_retention_is_730_days(app):
    assert app.config["RETENTION_DAYS"] == 730
