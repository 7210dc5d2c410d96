"""The public pages are valid HTML, as the Nu Html Checker (vnu.jar, npm vnu-jar) sees them.

The pages are rendered by the app, saved to one folder and checked by a single run of the
checker (Java starts once). scripts/test installs the checker (npm ci) and Java.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.samples import as_form_data, valid_concern

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = {
    "home": "/nl/",
    "antwerpen": "/nl/antwerpen/",
    "nederland": "/nl/nederland/",
    "contacts": "/nl/contacts/",
    "about": "/nl/about/",
    "privacy": "/nl/privacy/",
    "anchor": "/fr/anchor/",
    "concerns": "/nl/concerns/",
    "concern-form": "/nl/concerns/new",
}
# A concern the server takes (the sample concern, as a form without JavaScript posts it).
CONCERN = as_form_data(valid_concern(kind="registration", reporter_role="clb"))


def java() -> str:
    path = shutil.which("java")
    if not path:
        if os.environ.get("CI") == "true":
            pytest.fail("java is missing: CI must check the HTML (scripts/test installs it)")
        pytest.skip("java is missing (scripts/test installs it)")
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run scripts/test (npm ci)")
    return path


def sent_form(client, **fields) -> tuple[int, str]:
    """Open the concern form and send it as a browser without JavaScript would."""
    html = client.get("/nl/concerns/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]
    key = re.search(r'name="idempotency_key" id="idempotency-key" value="([^"]+)"', html)[1]
    response = client.post(
        "/nl/concerns/new", data={"csrf_token": token, "idempotency_key": key, **fields}
    )
    return response.status_code, response.get_data(as_text=True)


def html_errors(folder: Path) -> list[str]:
    """Every HTML error the Nu Html Checker finds in the folder's pages (one Java start).

    --verbose lists each file checked (stdout), so a page the checker skipped is noticed; the
    findings come as JSON on stderr.
    """
    options = ["--skip-non-html", "--errors-only", "--verbose", "--format", "json"]
    command = [java(), "-jar", str(VNU_JAR), *options, str(folder)]
    checked = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert {Path(line).name for line in checked.stdout.split()} == {
        path.name for path in folder.iterdir()
    }
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f"\n    {m.get('extract', '').strip()}"
        for m in json.loads(checked.stderr)["messages"]
        if m["type"] in ("error", "non-document-error")
    ]


def test_the_public_pages_have_no_html_errors(client, tmp_path):
    folder = tmp_path / "pages"  # tmp_path also holds the app's data folder
    folder.mkdir()
    for name, path in PAGES.items():
        response = client.get(path)
        assert response.status_code == 200, path
        (folder / f"{name}.html").write_bytes(response.data)
    # The form shown again after a send the server refuses, and the receipt after one it takes.
    status, html = sent_form(client, kind="registration", pupil_ref="Jan Peeters")
    assert status == 422
    (folder / "concern-form-with-errors.html").write_text(html)
    status, html = sent_form(client, **CONCERN)
    assert status == 200 and 'class="reference"' in html
    (folder / "concern-receipt.html").write_text(html)
    # The form shown again when this network sent too many (429, with the time to try again).
    client.application.config["RATE_LIMIT"] = "1/hour"
    status, html = sent_form(client, **CONCERN)
    assert status == 429 and CONCERN["need"] in html
    (folder / "concern-form-rate-limited.html").write_text(html)

    errors = html_errors(folder)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)


def test_the_pupil_field_turns_off_spellcheck_with_real_attributes(client):
    html = client.get("/nl/concerns/new").get_data(as_text=True)
    pupil = re.search(r'<input type="text" name="pupil_ref"[^>]*>', html)[0]
    assert ' autocapitalize="characters" spellcheck="false"' in pupil
