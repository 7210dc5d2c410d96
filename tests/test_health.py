"""/healthz says the process lives; /readyz that the data folder is usable; logs are JSON lines."""

import json
import shutil
from pathlib import Path

import pytest

from pwa import create_app


def data_dir(app) -> Path:
    return Path(app.config["DATA_DIR"])


def test_a_fresh_app_is_live_and_ready(client):
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_data_folder_that_cannot_be_written_is_not_ready_but_live(app, client):
    shutil.rmtree(data_dir(app))
    data_dir(app).write_text("")  # a file where the folder was: every write fails, even as root
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "data_folder_writable" in response.json["failed"]
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("staff/accounts.json", "staff"),
        ("staff/throttle.json", "throttle"),
        ("links.json", "links"),
        ("keys/cmp.json", "keys"),
        ("guidance/current.json", "guidance"),
    ],
)
def test_a_store_that_does_not_load_is_named(app, client, caplog, path, name):
    broken = data_dir(app) / path
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text('{"half a')
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "not ready", "failed": [name]}
    assert f"not ready: {name}" in caplog.text


def test_a_published_version_that_is_missing_is_not_ready(app, client):
    guidance = data_dir(app) / "guidance"
    guidance.mkdir()
    (guidance / "current.json").write_text('{"version": 3}')
    assert client.get("/readyz").json == {"status": "not ready", "failed": ["guidance"]}


def test_a_folder_waiting_for_migrate_is_live_but_not_ready(app, client):
    (data_dir(app) / "format.json").unlink()
    (data_dir(app) / "staff").mkdir(exist_ok=True)  # a store: a folder of format 1
    app.extensions["data_format_outdated"] = True  # as the gate finds it at start
    assert client.get("/readyz").json == {"status": "not ready", "failed": ["data_format"]}
    assert client.get("/healthz").status_code == 200


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_request_is_one_json_line_with_its_route_and_a_request_id(client, capsys):
    capsys.readouterr()
    response = client.get("/api/receipts/CMP-2026-0042?lang=en", headers={"X-Receipt-Token": "t"})
    lines = json_lines(capsys.readouterr().err)
    assert len(lines) == 1
    line = lines[0]
    assert line["event"] == "request" and line["level"] == "info"
    assert (line["method"], line["path"], line["status"]) == (
        "GET",
        "/api/receipts/<reference>",
        404,
    )
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert "CMP-2026-0042" not in json.dumps(line) and "lang" not in json.dumps(line)


def test_a_request_id_from_the_client_is_only_trusted_behind_a_proxy(tmp_path):
    sent = {"X-Request-ID": "from-the-proxy-1234"}
    for proxies, expected in ((0, False), (1, True)):
        config = {"TESTING": True, "SECRET_KEY": "t", "DATA_DIR": str(tmp_path / str(proxies))}
        app = create_app({**config, "PROXY_COUNT": proxies})
        answered = app.test_client().get("/healthz", headers=sent).headers["X-Request-ID"]
        assert (answered == sent["X-Request-ID"]) is expected
    # A header that could break a log line or forge one is never taken.
    app = create_app({**config, "PROXY_COUNT": 1})
    forged = app.test_client().get("/healthz", headers={"X-Request-ID": 'x" , "status": 200'})
    assert forged.headers["X-Request-ID"] != 'x" , "status": 200'


def test_an_unhandled_error_is_logged_by_type_and_place_never_its_message(app, capsys):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: Flask answers 500

    def fails(reference):
        raise ValueError("the pupil's name that must never be logged")

    app.add_url_rule("/fails/<reference>", "fails", fails)
    capsys.readouterr()
    assert app.test_client().get("/fails/CMP-2026-0001").status_code == 500
    err = capsys.readouterr().err
    assert "pupil" not in err and "CMP-2026-0001" not in err
    error = next(line for line in json_lines(err) if line.get("event") == "unhandled_error")
    assert error["path"] == "/fails/<reference>"
    assert error["error"]["type"] == "ValueError"
    assert any("in fails" in frame for frame in error["error"]["frames"])
