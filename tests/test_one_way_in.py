"""One way in for a concern: the API and the HTML form answer a busy store the same way."""

import json
import threading
import uuid
from pathlib import Path

import pytest

from pwa.storage import atomic
from pwa.storage.concerns import list_concerns
from tests.samples import as_form_data, valid_concern


@pytest.fixture
def held_store(app, monkeypatch):
    """The concern store's lock held by another writer, with a short wait before giving up."""
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT_SECONDS", 0.2)
    release, holding = threading.Event(), threading.Event()

    def hold():
        with atomic.locked(Path(app.config["DATA_DIR"]) / "concerns", "concerns"):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    yield
    release.set()
    holder.join()


def form_data(client, **overrides):
    html = client.get("/nl/concerns/new").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    values = valid_concern(kind="consult", **overrides)
    return {**as_form_data(values), "csrf_token": token, "idempotency_key": str(uuid.uuid4())}


def test_a_busy_store_gives_the_form_back_with_what_was_typed(app, client, held_store):
    data = form_data(client, need="Hij spreekt over <strijd> & vergelding.")
    response = client.post("/nl/concerns/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Probeer het zo meteen opnieuw" in html
    assert "Hij spreekt over &lt;strijd&gt; &amp; vergelding." in html  # kept, escaped
    assert f'value="{data["idempotency_key"]}"' in html  # the same key: a retry stays one
    assert response.headers["Cache-Control"] == "no-store"
    assert list_concerns(app.config["DATA_DIR"]) == []


def test_sending_again_after_busy_stores_it_once(app, client, monkeypatch):
    data = form_data(client)
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT_SECONDS", 0.2)
    with atomic.locked(Path(app.config["DATA_DIR"]) / "concerns", "concerns"):
        answers = []
        busy = threading.Thread(
            target=lambda: answers.append(client.post("/nl/concerns/new", data=data))
        )
        busy.start()
        busy.join()
    assert answers[0].status_code == 503
    first = client.post("/nl/concerns/new", data=data)
    again = client.post("/nl/concerns/new", data=data)
    assert first.status_code == again.status_code == 200
    stored = list_concerns(app.config["DATA_DIR"])
    assert len(stored) == 1 and stored[0]["reference"] in again.get_data(as_text=True)


def test_the_api_answers_busy_with_retry_after_and_stores_nothing(app, client, held_store):
    token = client.get("/api/csrf").get_json()["csrf_token"]
    response = client.post(
        "/api/concerns",
        data=json.dumps(valid_concern()),
        content_type="application/json",
        headers={"X-CSRFToken": token, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 503 and response.get_json() == {"error": "busy"}
    assert response.headers["Retry-After"] == "5"
    assert list_concerns(app.config["DATA_DIR"]) == []


def test_views_never_import_the_lock_or_database_libraries():
    views = Path(__file__).parent.parent / "pwa"
    for path in views.rglob("*.py"):
        if "storage" in path.parts:
            continue
        source = path.read_text()
        assert "filelock" not in source and "tinydb" not in source, path
