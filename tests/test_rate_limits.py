"""The public side's limit per client address: 429 + Retry-After, nothing stored, shared."""

import json
import re
import stat
import time
import uuid
from pathlib import Path

import pytest

from pwa import create_app
from pwa.storage.atomic import locked
from pwa.storage.rate_limits import FOLDER, Allowance, bucket_name, take
from tests.keys_helpers import FAST
from tests.samples import as_form_data, valid_concern

PHONE = {"REMOTE_ADDR": "192.0.2.10"}
NEIGHBOUR = {"REMOTE_ADDR": "192.0.2.11"}


def make_app(data_dir: Path, **settings):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATA_DIR": str(data_dir),
            "KEY_WRAP_LIMITS": FAST,
            **settings,
        }
    )


def concern_files(data_dir: Path) -> int:
    return len(list((data_dir / "concerns").glob("*.json")))


def send(app, environ=PHONE, key=None, headers=None):
    """One concern as the phone sends it: a fresh token, then the POST."""
    client = app.test_client()
    token = client.get("/api/csrf", environ_base=environ).get_json()["csrf_token"]
    return client.post(
        "/api/concerns",
        data=json.dumps(valid_concern()),
        content_type="application/json",
        headers={
            "X-CSRFToken": token,
            "Idempotency-Key": key or str(uuid.uuid4()),
            **(headers or {}),
        },
        environ_base=environ,
    )


def test_the_31st_concern_in_an_hour_is_refused_with_retry_after_and_not_stored(tmp_path):
    data = tmp_path / "data"
    app = make_app(data)  # the default: 30/hour
    assert [send(app).status_code for _ in range(30)] == [201] * 30
    refused = send(app)
    assert refused.status_code == 429
    assert refused.get_json() == {"error": "rate_limited"}
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600
    assert concern_files(data) == 30
    # Another address (another school) is not affected.
    assert send(app, environ=NEIGHBOUR).status_code == 201
    assert concern_files(data) == 31


def test_a_replay_past_the_limit_still_gets_its_receipt(tmp_path):
    app = make_app(tmp_path / "data", RATE_LIMIT="1/hour")
    key = str(uuid.uuid4())
    first = send(app, key=key)
    assert first.status_code == 201
    again = send(app, key=key)  # the answer was lost on the way: the phone sends it again
    assert again.status_code == 200
    assert again.get_json()["reference"] == first.get_json()["reference"]
    assert send(app).status_code == 429
    assert concern_files(tmp_path / "data") == 1


def test_a_slot_frees_when_the_oldest_request_leaves_the_window(tmp_path):
    allowance = Allowance(2, 60)
    start = time.time()
    assert take(tmp_path, "b.json", allowance, now=start).allowed
    assert take(tmp_path, "b.json", allowance, now=start + 20).allowed
    refused = take(tmp_path, "b.json", allowance, now=start + 30)
    assert (refused.allowed, refused.retry_after) == (False, 30)
    assert not take(tmp_path, "b.json", allowance, now=start + 59.5).allowed
    assert take(tmp_path, "b.json", allowance, now=start + 60.5).allowed


def test_zero_or_off_turns_the_limit_off(tmp_path):
    for value in (0, "0", "off"):
        data = tmp_path / str(value)
        app = make_app(data, RATE_LIMIT=value)
        assert [send(app).status_code for _ in range(3)] == [201] * 3
        assert not (data / FOLDER).exists()


def test_csrf_tokens_have_four_times_the_allowance(tmp_path):
    app = make_app(tmp_path / "data", RATE_LIMIT="2/minute")
    client = app.test_client()
    answers = [client.get("/api/csrf", environ_base=PHONE) for _ in range(9)]
    assert [a.status_code for a in answers] == [200] * 8 + [429]
    assert answers[-1].get_json() == {"error": "rate_limited"}
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert client.get("/api/csrf", environ_base=NEIGHBOUR).status_code == 200


def test_two_workers_on_one_data_folder_share_the_count(tmp_path):
    data = tmp_path / "data"
    one, two = (make_app(data, RATE_LIMIT="3/hour") for _ in range(2))
    assert [send(one).status_code, send(two).status_code, send(one).status_code] == [201] * 3
    assert send(two).status_code == 429
    assert concern_files(data) == 3


def test_behind_one_proxy_each_forwarded_address_has_its_own_allowance(tmp_path):
    app = make_app(tmp_path / "data", RATE_LIMIT="1/hour", PROXY_COUNT=1)
    school = {"X-Forwarded-For": "198.51.100.7"}
    other = {"X-Forwarded-For": "198.51.100.8"}
    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # Caddy on the same host
    assert send(app, environ=proxy, headers=school).status_code == 201
    assert send(app, environ=proxy, headers=school).status_code == 429
    assert send(app, environ=proxy, headers=other).status_code == 201


def test_without_a_proxy_the_forwarded_header_is_ignored(tmp_path):
    app = make_app(tmp_path / "data", RATE_LIMIT="1/hour")
    assert send(app, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 201
    # A client cannot buy a fresh allowance by making up a header.
    assert send(app, headers={"X-Forwarded-For": "198.51.100.8"}).status_code == 429


def test_an_ipv6_client_counts_per_64_network(tmp_path):
    app = make_app(tmp_path / "data", RATE_LIMIT="1/hour")
    assert send(app, environ={"REMOTE_ADDR": "2001:db8:1:2::10"}).status_code == 201
    assert send(app, environ={"REMOTE_ADDR": "2001:db8:1:2::99"}).status_code == 429
    assert send(app, environ={"REMOTE_ADDR": "2001:db8:1:3::10"}).status_code == 201


def test_only_a_keyed_hash_of_the_address_is_stored_private_to_the_server(tmp_path):
    data = tmp_path / "data"
    app = make_app(data, RATE_LIMIT="5/hour")
    send(app)
    folder = data / FOLDER
    names = sorted(path.name for path in folder.glob("*.json"))
    assert names == sorted(
        bucket_name("test", purpose, "192.0.2.10") for purpose in ("concerns", "csrf")
    )
    for path in folder.iterdir():
        assert "192.0.2.10" not in path.name and b"192.0.2.10" not in path.read_bytes()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_clients_that_do_not_come_back_are_swept_after_one_period(tmp_path):
    allowance = Allowance(5, 60)
    now = time.time()
    for n in range(3):
        take(tmp_path, f"concerns-{n}.json", allowance, now=now)
    assert len(list((tmp_path / FOLDER).glob("*.json"))) == 3
    # Sweeps run at most once a period (here 60 s); mtimes are real, so look from later on.
    take(tmp_path, "concerns-late.json", allowance, now=now + 61)
    assert [p.name for p in (tmp_path / FOLDER).glob("*.json")] == ["concerns-late.json"]


def test_a_busy_limiter_lets_the_concern_through(tmp_path):
    data = tmp_path / "data"
    app = make_app(data, RATE_LIMIT="1/hour")
    with locked(data / FOLDER, "ratelimit"):
        started = time.monotonic()
        answer = send(app)
        waited = time.monotonic() - started
    assert answer.status_code == 201
    assert concern_files(data) == 1
    assert waited < 5  # two one-second waits at most (token and concern), never the 30 s lock


def test_the_form_without_javascript_keeps_the_text_and_says_when_to_send_again(tmp_path):
    data = tmp_path / "data"
    app = make_app(data, RATE_LIMIT="1/hour", WTF_CSRF_ENABLED=False)
    client = app.test_client()
    need = "Tekst die niet verloren mag gaan."
    form = as_form_data(valid_concern(need=need))
    first = client.post(
        "/nl/concerns/new", data={**form, "idempotency_key": str(uuid.uuid4())}, environ_base=PHONE
    )
    assert first.status_code == 200
    second = client.post(
        "/nl/concerns/new", data={**form, "idempotency_key": str(uuid.uuid4())}, environ_base=PHONE
    )
    assert second.status_code == 429
    assert 3590 <= int(second.headers["Retry-After"]) <= 3600
    page = second.get_data(as_text=True)
    assert re.search(r"Te veel meldingen vanaf dit netwerk.*opnieuw na \d\d?:\d\d\.", page)
    assert need in page
    assert concern_files(data) == 1


@pytest.mark.parametrize(
    "value", ["30", "30/fortnight", "-1/hour", "0/hour", "abc", "30/hour/x", "1.5/hour", True, 2]
)
def test_a_bad_setting_stops_the_start_with_a_clear_message(tmp_path, value):
    with pytest.raises(ValueError, match="WEGWIJZER_RATE_LIMIT must be <count>/<unit>"):
        make_app(tmp_path / "data", RATE_LIMIT=value)


def test_the_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WEGWIJZER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WEGWIJZER_SECRET_KEY", "env")
    monkeypatch.setenv("WEGWIJZER_RATE_LIMIT", " 1 / Minute ")
    app = create_app()
    app.config["KEY_WRAP_LIMITS"] = FAST
    assert [send(app).status_code, send(app).status_code] == [201, 429]
    monkeypatch.setenv("WEGWIJZER_RATE_LIMIT", "30 per hour")  # one syntax, said in the message
    with pytest.raises(ValueError, match="not '30 per hour'"):
        create_app()
