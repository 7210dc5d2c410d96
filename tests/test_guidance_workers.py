"""A publish reaches every worker of a multi-process server at once, with no restart."""

import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from pwa.guidance import DEFAULT_FILE
from pwa.storage import guidance as store
from tests.servers import Gunicorn

OLD = '"03 338 32 66"'
NEW = '"03 338 32 67"'  # a valid Belgian number: test data, never shipped


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def cmp_links(server: Gunicorn, requests: int = 40) -> set[str]:
    """The CMP card's tel: links seen over many parallel requests (spread over the workers)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = pool.map(fetch, [f"{server.url}/nl/contacts/"] * requests)
        return {re.search(r'id="contact-cmp".*?href="(tel:[^"]+)"', p, re.S)[1] for p in pages}


def worker_versions(server: Gunicorn, requests: int = 20) -> set[str]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = pool.map(fetch, [f"{server.url}/sw.js"] * requests)
        return {re.search(r"const VERSION = '(\w+)';", body)[1] for body in bodies}


def test_every_worker_serves_a_new_version_right_after_it_is_published(tmp_path):
    data_dir = tmp_path / "data"
    # --preload: the workers are forked from a master that loaded the guidance once.
    server = Gunicorn(data_dir, workers=4).start()
    try:
        assert cmp_links(server) == {"tel:+3233383266"}
        before = worker_versions(server)
        assert len(before) == 1

        text = DEFAULT_FILE.read_text()
        assert OLD in text
        store.publish(data_dir, text.replace(OLD, NEW, 1), "admin@cmp.example", expected=0)

        assert cmp_links(server) == {"tel:+3233383267"}
        after = worker_versions(server)
        assert len(after) == 1 and after != before
    finally:
        server.stop()
