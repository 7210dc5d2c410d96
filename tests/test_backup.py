"""Backup, restore and check on real folders: the round trip, and every archive or folder
they must refuse or report (tampered, not empty, path traversal, broken ref, mode, parse)."""

import io
import json
import os
import tarfile
import uuid

import pytest

from pwa import create_app
from pwa.storage.backup import BackupError, create_backup
from pwa.storage.data_check import check_data
from pwa.storage.restore import restore_backup
from tests.samples import valid_concern


def send(client, **fields) -> dict:
    token = client.get("/api/csrf").get_json()["csrf_token"]
    headers = {"X-CSRFToken": token, "Idempotency-Key": str(uuid.uuid4())}
    response = client.post("/api/concerns", json=valid_concern(**fields), headers=headers)
    assert response.status_code == 201
    return response.get_json()


def receipt_status(app, sent: dict) -> int:
    headers = {"X-Receipt-Token": sent["receipt_token"]}
    return app.test_client().get(f"/api/receipts/{sent['reference']}", headers=headers).status_code


@pytest.fixture
def sent(app, client):
    """Two concerns sent through the API; ratelimit/ and translations/ (compiled catalogs, when
    the data folder is the instance folder) as the app makes them: rebuilt, never backed up."""
    receipts = [send(client, pupil_ref="AB"), send(client, pupil_ref="CD")]
    for name in ("ratelimit", "translations"):
        # ratelimit/ is there already: the sends above were counted
        os.makedirs(os.path.join(app.config["DATA_DIR"], name), 0o755, exist_ok=True)
        with open(os.path.join(app.config["DATA_DIR"], name, "x.mo"), "wb") as handle:
            handle.write(b"\x00binary")
    return receipts


def test_backup_and_restore_keep_every_concern_its_receipt_and_the_secret(app, sent, tmp_path):
    instance = tmp_path / "instance"  # the app's secret key lives in its instance folder
    instance.mkdir()
    (instance / "secret_key").write_text(app.config["SECRET_KEY"])
    app.instance_path = str(instance)
    archive = tmp_path / "backup.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "keep it as safe as the server" in result.output
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        claim = tar.getmember(f"data/concerns/{sent[0]['id']}.claim")
    assert names[0] == "MANIFEST.json" and "data/secret_key" in names
    assert claim.issym() and claim.linkname.startswith(f"{sent[0]['id']}.json CMP-")
    left_out = (".lock", ".partial", "ratelimit", "translations")
    assert not [name for name in names if any(part in name for part in left_out)]

    restored = tmp_path / "restored"
    result = app.test_cli_runner().invoke(args=["restore", str(archive), "--to", str(restored)])
    assert result.exit_code == 0, result.output
    assert f"WEGWIJZER_DATA_DIR={restored}" in result.output
    assert check_data(restored)[0] == []
    # Another server, no secret configured: the restored folder's key answers the receipts.
    other = create_app({"TESTING": True, "DATA_DIR": str(restored)})
    assert other.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert [receipt_status(other, receipt) for receipt in sent] == [200, 200]


def test_a_secret_from_the_environment_is_named_not_archived(app, sent, tmp_path):
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tgz")])
    assert result.exit_code == 0 and "WEGWIJZER_SECRET_KEY is set" in result.output
    with tarfile.open(tmp_path / "b.tgz") as tar:
        assert "data/secret_key" not in tar.getnames()


def rewritten(archive, path, change_member):
    """A copy of `archive` whose members pass through change_member(info, data) -> (info, data)."""
    out = path / "changed.tar.gz"
    with tarfile.open(archive) as tar, tarfile.open(out, "w:gz") as copy:
        for info in tar.getmembers():
            data = tar.extractfile(info).read() if info.isfile() else None
            info, data = change_member(info, data)
            copy.addfile(info, io.BytesIO(data) if data is not None else None)
    return out


@pytest.fixture
def archive(app, sent, tmp_path):
    path = tmp_path / "good.tar.gz"
    create_backup(app.config["DATA_DIR"], path, "test")
    return path


def test_a_tampered_archive_is_refused_and_nothing_is_left(archive, sent, tmp_path):
    def change(info, data):
        if info.name == f"data/concerns/{sent[0]['id']}.json":
            data = data.replace(b"received", b"closed!!")  # same size, other bytes
        return info, data

    target = tmp_path / "target"
    with pytest.raises(BackupError, match="checksum mismatch"):
        restore_backup(rewritten(archive, tmp_path, change), target)
    assert not target.exists()


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(app, archive, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "mine.txt").write_text("keep")
    result = app.test_cli_runner().invoke(args=["restore", str(archive), "--to", str(target)])
    assert result.exit_code == 1 and "not an empty folder" in result.output
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def evil_archive(tmp_path, info: tarfile.TarInfo, entry: dict):
    """An archive whose manifest lists the one evil member, so only the path rules stop it."""
    path = tmp_path / "evil.tar.gz"
    manifest = json.dumps({"format": 2, "entries": [entry]}).encode()
    with tarfile.open(path, "w:gz") as tar:
        head = tarfile.TarInfo("MANIFEST.json")
        head.size = len(manifest)
        tar.addfile(head, io.BytesIO(manifest))
        tar.addfile(info, io.BytesIO(b"x") if info.isfile() else None)
    return path


@pytest.mark.parametrize("name", ["data/../escaped", "/tmp/escaped", "escaped", "data/a/../../x"])
def test_a_path_outside_the_target_is_refused(tmp_path, name):
    info = tarfile.TarInfo(name)
    info.size, info.mode = 1, 0o600
    entry = {"path": name.removeprefix("data/"), "type": "file", "mode": "0600", "size": 1}
    with pytest.raises(BackupError, match="unsafe path"):
        restore_backup(evil_archive(tmp_path, info, entry), tmp_path / "target")
    assert not (tmp_path / "target").exists() and not (tmp_path / "escaped").exists()


def test_a_link_pointing_out_of_its_folder_is_refused(tmp_path):
    info = tarfile.TarInfo("data/concerns")
    info.type, info.linkname, info.mode = tarfile.SYMTYPE, "../../../etc", 0o777
    entry = {"path": "concerns", "type": "symlink", "mode": "0777", "target": "../../../etc"}
    with pytest.raises(BackupError, match="points outside"):
        restore_backup(evil_archive(tmp_path, info, entry), tmp_path / "target")
    assert not (tmp_path / "target").exists()


def test_check_reports_a_broken_ref_a_bad_mode_and_an_unparsable_file(app, sent, tmp_path):
    data = app.config["DATA_DIR"]
    folder = os.path.join(data, "concerns")
    os.remove(os.path.join(folder, f"{sent[0]['reference']}.ref"))
    os.chmod(os.path.join(folder, f"{sent[1]['id']}.json"), 0o644)
    fd = os.open(os.path.join(data, "links.json"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as damaged:
        damaged.write('{"links": {"1": ')
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{folder}/{sent[0]['id']}.json: its reference has no .ref naming it" in lines
    assert f"{folder}/{sent[0]['id']}.claim: no .ref agrees with it" in lines
    assert (
        f"{folder}/{sent[1]['id']}.json: mode 0644 lets others read it (want owner only)" in lines
    )
    assert f"{data}/links.json: does not parse" in lines
    assert len(lines) == 4
    assert "Atheneum" not in result.output  # paths only, never what a file holds


def test_check_is_clean_on_a_folder_in_use(app, sent):
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 0 and result.output.startswith("OK: 2 concerns")
