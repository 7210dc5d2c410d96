"""Make tests/data/format1/: a data folder as main 5db838b wrote it, before format markers.

Run once at that commit (`.venv/bin/python tests/data/make_format1.py`); the folder and
format1.json (what the upgrade test needs to know: secret, password, receipts) are committed,
so the upgrade test reads what the OLD code wrote, not what today's code would write.
"""

import json
import shutil
import sys
import uuid
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pwa import create_app  # noqa: E402
from pwa.storage import inbox, keys, staff  # noqa: E402
from tests.keys_helpers import FAST  # noqa: E402
from tests.samples import valid_concern  # noqa: E402

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "format1"
SECRET = "format1-fixture-secret"
EMAIL = "admin@cmp.example"
PASSWORD = "a long staff password"


def main() -> None:
    shutil.rmtree(FOLDER, ignore_errors=True)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "DATA_DIR": str(FOLDER),
            "KEY_WRAP_LIMITS": FAST,
            "WTF_CSRF_ENABLED": False,
        }
    )
    data_dir = str(FOLDER)
    token = keys.init_keys(data_dir)
    staff.create_account(data_dir, EMAIL, PASSWORD, "admin")
    keys.ensure_account_keypair(data_dir, EMAIL, PASSWORD, limits=FAST)
    keys.grant(data_dir, EMAIL, keys.open_cmp_key_with_recovery(data_dir, token))
    client = app.test_client()
    client.post("/staff/login", data={"email": EMAIL, "password": PASSWORD})
    client.get("/staff/totp/setup")
    code = pyotp.TOTP(staff.get_account(data_dir, EMAIL)["totp_secret"]).now()
    signed_in = client.post("/staff/totp/setup", data={"code": code})
    assert signed_in.location.endswith("/staff/inbox"), "sign-in did not complete"
    csrf = client.get("/api/csrf").get_json()["csrf_token"]
    receipts = []
    for number in range(4):
        response = client.post(
            "/api/concerns",
            json=valid_concern(pupil_ref=f"P{number}"),
            headers={"X-CSRFToken": csrf, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        receipts.append(response.get_json())
    inbox.link_concerns(data_dir, receipts[0]["id"], receipts[1]["id"], EMAIL)
    deleted = receipts.pop()
    inbox.delete(data_dir, deleted["id"], EMAIL)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "import", app.config["CONTENT_FILE"]])
    assert result.exit_code == 0, result.output
    for lock in FOLDER.rglob("*.lock"):
        lock.unlink()
    facts = {
        "secret": SECRET,
        "email": EMAIL,
        "password": PASSWORD,
        "totp_secret": staff.get_account(data_dir, EMAIL)["totp_secret"],
        "recovery_token": token,
        "deleted_reference": deleted["reference"],
        "receipts": [{k: r[k] for k in ("id", "reference", "receipt_token")} for r in receipts],
    }
    (HERE / "format1.json").write_text(json.dumps(facts, indent=2) + "\n")
    print(f"Wrote {FOLDER} and format1.json")


if __name__ == "__main__":
    main()
