"""Text pasted from chat apps: invisible marks are dropped, never refused (issue #8, part 3)."""

import json
import uuid

import pytest

from pwa.storage.concerns import list_concerns
from tests.samples import as_form_data, valid_concern

# As WhatsApp and Signal copy them: names wrapped in isolates (FSI ... PDI), a right-to-left
# mark after an Arabic name, zero-width spaces, no-break spaces, and an emoji family (ZWJ).
PASTED_NEED = (
    "[14:02] \u2068\u0645\u062d\u0645\u062f\u2069: wie niet meedoet is een verrader\u200f\u00a0"
    "\U0001f621\u200b\n"
    "[14:03] \u2068Sam\u2069: \U0001f468\u200d\U0001f469\u200d\U0001f466 ok\u202f!"
)
VISIBLE_NEED = (
    "[14:02] \u0645\u062d\u0645\u062f: wie niet meedoet is een verrader \U0001f621\n"
    "[14:03] Sam: \U0001f468\u200d\U0001f469\u200d\U0001f466 ok !"
)
# An override would make the workspace show "txt.exe" as "exe.txt": it must not survive.
OVERRIDE = "zie bijlage \u202etxt.exe\u202c"


def post_api(client, **fields):
    token = client.get("/api/csrf").get_json()["csrf_token"]
    return client.post(
        "/api/concerns",
        data=json.dumps(valid_concern(**fields)),
        content_type="application/json",
        headers={"X-CSRFToken": token, "Idempotency-Key": str(uuid.uuid4())},
    )


def test_the_api_stores_the_visible_text_of_a_pasted_chat(app, client):
    response = post_api(
        client,
        need=PASTED_NEED,
        reporter_name="\u2068An\u00a0Janssens\u2069",
        steps_taken=OVERRIDE,
    )
    assert response.status_code == 201, response.get_json()
    (stored,) = list_concerns(app.config["DATA_DIR"])
    assert stored["fields"]["need"] == VISIBLE_NEED
    assert stored["fields"]["reporter_name"] == "An Janssens"
    assert stored["fields"]["steps_taken"] == "zie bijlage txt.exe"


@pytest.mark.parametrize("value", ["an\x00null", "escape \x1b[31m", "bell \x07"])
def test_the_api_still_refuses_control_characters(app, client, value):
    response = post_api(client, need=value)
    assert response.status_code == 422
    assert "need" in response.get_json()["errors"]
    assert list_concerns(app.config["DATA_DIR"]) == []


def test_the_form_without_javascript_stores_the_visible_text(app, client):
    html = client.get("/nl/concerns/new").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    values = valid_concern(kind="consult", need=PASTED_NEED, school="Atheneum\u00a0\u200bDeurne")
    response = client.post(
        "/nl/concerns/new",
        data={**as_form_data(values), "csrf_token": token, "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    (stored,) = list_concerns(app.config["DATA_DIR"])
    assert stored["fields"]["need"] == VISIBLE_NEED
    assert stored["fields"]["school"] == "Atheneum Deurne"
