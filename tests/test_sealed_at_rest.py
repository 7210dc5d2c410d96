"""The test that decides issue #10: a copied disk reveals no pupil and no teacher.

A realistic run against the real app: keys made, the first admin signs in and is granted with
the recovery token, teachers send concerns (one from a phone with a receipt key), staff sign
in, work them through clarification and follow-up with notes, link two, export one, and the
retention purge deletes one. Then the whole data folder and instance folder are copied and
every file's bytes searched for every text typed (as is, JSON-escaped, base64): none found.
"""

import base64
import datetime as dt
import json
import logging
import re
import shutil
import uuid
from pathlib import Path

import pytest

from pwa import create_app
from pwa.storage import concerns, inbox, keys, staff
from tests.keys_helpers import FAST
from tests.samples import valid_concern
from tests.sealed_helpers import sign_in
from tests.test_receipt_sealing import Phone

TOKEN_LINE = re.compile(r"^(wegwijzer-recovery-[A-Z2-7-]+)$", re.MULTILINE)
ADMIN, WORKER = "admin@cmp.example", "worker@cmp.example"


def typed_concern(number: int, **extra) -> dict:
    """A concern with a distinctive text in every private field."""
    return valid_concern(
        kind="registration",
        school=f"Atheneum Kwartel {number}",
        reporter_name=f"Émile Kwartelkoning{number}",
        reporter_role="clb",
        reporter_phone=f"0470 12 34 5{number}",
        reporter_email=f"kwartel{number}@voorbeeld.be",
        pupil_ref=f"ZQ{number}",
        pupil_grade=f"Graadvijf{number} B",
        need=f"Nood{number}: zegt dingen over de groep “Vlammen” die zorgen baren",
        assessment="polarisation",
        steps_taken=f"Stappen{number}: gesprek met de klastitularis",
        talked_with_pupil=True,
        missing_info=f"Ontbrekend{number}: hoe het thuis gaat",
        urgent=True,
        **extra,
    )


def variants(text: str) -> set[bytes]:
    """How a text could sit in a file: as is, JSON-escaped, and base64 (any alignment)."""
    found = {text.encode(), text.encode("utf-16-le")}
    found.add(json.dumps(text)[1:-1].encode())  # \\u escapes for non-ASCII
    found.add(json.dumps(text, ensure_ascii=False)[1:-1].encode())
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * pad + text.encode()).rstrip(b"=")
            # Drop the characters that mix in the padding or the next byte.
            found.add(encoded[(pad * 4 + 2) // 3 + 1 : -2])
    return {v for v in found if len(v) >= 6}


def searched_copy(app, tmp_path) -> dict[str, bytes]:
    """A copy of the whole data folder and instance folder: every file's bytes by path."""
    copy = tmp_path / "disk-copy"
    shutil.copytree(app.config["DATA_DIR"], copy / "data", symlinks=True)
    if Path(app.instance_path).exists():
        shutil.copytree(app.instance_path, copy / "instance", symlinks=True)
    files = {}
    for path in copy.rglob("*"):
        if path.is_symlink():  # a claim: its target text is its content
            files[str(path)] = str(path.readlink()).encode()
        elif path.is_file():
            files[str(path)] = path.read_bytes()
    return files


@pytest.fixture
def app(tmp_path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "deciding-test",
            "DATA_DIR": str(tmp_path / "data"),
            "WTF_CSRF_ENABLED": False,
            "KEY_WRAP_LIMITS": FAST,
        }
    )


def send(client, body: dict) -> dict:
    response = client.post(
        "/api/concerns", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def work_through(client, concern_id: str, number: int, typed: list[str]) -> None:
    """Clarification answers, case discussion, follow-up agreement, notes: all typed."""
    url = f"/staff/concerns/{concern_id}/step"
    texts = {
        "step1": f"Stapnota{number} naar verduidelijking",
        "clar": f"Verduidelijkt{number}: de leerling volgt een kanaal",
        "note": f"Internenota{number}: school belt terug",
        "step2": f"Stapnota{number} naar opvolging",
        "agreement": f"Afspraak{number}: trajectbegeleiding met het CLB vanaf maandag",
    }
    typed.extend(texts.values())
    posts = [
        {"advance": "1", "note": texts["step1"]},
        {"q_need": texts["clar"], "save": "1"},
        {"q_need": texts["clar"], "advance": "1", "note": ""},
        {
            "done_expert-team": "y",
            "date_expert-team": "2026-11-20",
            "advance": "1",
            "note": texts["step2"],
        },
        {"options": ["cmp-trajectory"], "agreement": texts["agreement"], "advance": "1"},
    ]
    for data in posts:
        assert client.post(url, data=data).status_code == 302
    client.post(f"/staff/concerns/{concern_id}/note", data={"text": texts["note"]})
    assert (
        concerns.get_concern(client.application.config["DATA_DIR"], concern_id)["status"]
        == "closed"
    )


def test_a_copied_disk_reveals_no_pupil_and_no_teacher(app, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    data_dir = app.config["DATA_DIR"]
    runner = app.test_cli_runner()
    # The first admin: keys init, a first sign-in (it makes the account's key pair), a grant
    # with the recovery token; then the admin grants a colleague in the workspace.
    (token,) = TOKEN_LINE.findall(runner.invoke(args=["keys", "init"]).output)
    staff.create_account(data_dir, ADMIN, "a long admin password", "admin")
    sign_in(app, ADMIN, "admin", "a long admin password")
    granted = runner.invoke(args=["keys", "grant", ADMIN], input=token + "\n")
    assert granted.exit_code == 0, granted.output
    admin = sign_in(app, ADMIN, "admin", "a long admin password")
    sign_in(app, WORKER)
    admin.post("/staff/access/grant", data={"email": WORKER})
    assert keys.access_status(data_dir, WORKER) == "granted"
    worker = sign_in(app, WORKER)

    # Teachers send four concerns; the second from a phone with its receipt key.
    phone = Phone()
    bodies = [typed_concern(n) for n in range(4)]
    bodies[1]["receipt_key"] = phone.key_text
    teacher = app.test_client()
    sent = [send(teacher, body) for body in bodies]
    typed = [
        value
        for body in bodies
        for name, value in body.items()
        if isinstance(value, str)
        and name not in ("kind", "school", "receipt_key")
        and name != "reporter_role"
    ]
    typed += ["+32470123450", "+32470123451", "Kwartelkoning", "Graadvijf", "Vlammen"]

    # The retention purge deletes one closed concern; staff work two more, link them, export.
    work_through(worker, sent[3]["id"], 3, typed)
    # As `flask purge` from cron, a day later (the app's clock runs ahead for the TOTP codes).
    later = app.config["CLOCK"]() + dt.timedelta(days=1)
    assert inbox.purge_closed(data_dir, 0, now=later) == [sent[3]["reference"]]
    assert concerns.get_concern(data_dir, sent[3]["id"]) is None
    for number in (0, 1):
        work_through(worker, sent[number]["id"], number, typed)
    worker.post(f"/staff/concerns/{sent[0]['id']}/link", data={"reference": sent[1]["reference"]})
    export = worker.get(f"/staff/concerns/{sent[0]['id']}/export").get_data(as_text=True)
    page = worker.get(f"/staff/concerns/{sent[1]['id']}").get_data(as_text=True)
    # The workspace reads it all in the signed-in session...
    for text in ("Nood0", "Afspraak0", "Internenota0", "Verduidelijkt0", "Afspraak1"):
        assert text in export + page, text
    assert sent[1]["reference"] in export  # the link shows in the chronology
    # ...and the phone opens its agreement with its own key.
    receipt = teacher.get(
        f"/api/receipts/{sent[1]['reference']}",
        headers={"X-Receipt-Token": sent[1]["receipt_token"]},
    ).get_json()
    assert phone.open(receipt["follow_up_sealed"]).startswith("Afspraak1")
    worker.post("/staff/logout")
    admin.post("/staff/logout")

    files = searched_copy(app, tmp_path)
    assert any("secret_key" in name for name in files) or "SECRET_KEY" in app.config
    for text in typed:
        for variant in variants(text):
            for name, content in files.items():
                assert variant not in content, f"{text!r} readable in {name}"
    # Logs: never a typed text.
    for text in typed:
        assert text not in caplog.text, text

    # What stays readable, as the README says: reference, dates, status, kind, school.
    concern_files = {
        n: c.decode() for n, c in files.items() if "/concerns/" in n and n.endswith(".json")
    }
    assert len(concern_files) == 3
    record = json.loads(concern_files[next(n for n in concern_files if sent[0]["id"] in n)])
    stored = record["concern"]["1"]
    assert stored["reference"] == sent[0]["reference"] and stored["status"] == "closed"
    assert stored["fields"] == {"kind": "registration", "school": "Atheneum Kwartel 0"}
    assert stored["received_at"] and stored["closed_at"]
    audit_text = b"".join(c for n, c in files.items() if "/audit/" in n).decode()
    assert sent[3]["reference"] in audit_text and "purge" in audit_text
