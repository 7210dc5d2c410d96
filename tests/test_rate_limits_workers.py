"""The per-address limit is one count for all of gunicorn's workers, even under parallel sends."""

import json
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.samples import valid_concern
from tests.servers import Gunicorn


def session(url: str) -> tuple[str, str]:
    """(cookie, CSRF token) as a phone gets them."""
    with urllib.request.urlopen(f"{url}/api/csrf", timeout=10) as response:
        return response.headers["Set-Cookie"].split(";")[0], json.load(response)["csrf_token"]


def send(url: str, cookie: str, token: str) -> int:
    request = urllib.request.Request(
        f"{url}/api/concerns",
        data=json.dumps(valid_concern()).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
            "X-CSRFToken": token,
            "Cookie": cookie,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_four_workers_share_one_count_per_address(tmp_path):
    data = tmp_path / "data"
    server = Gunicorn(data, workers=4, WEGWIJZER_RATE_LIMIT="10/hour").start()
    try:
        cookie, token = session(server.url)
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: send(server.url, cookie, token), range(16)))
    finally:
        server.stop()
    assert sorted(statuses) == [201] * 10 + [429] * 6
    assert len(list((data / "concerns").glob("*.json"))) == 10
