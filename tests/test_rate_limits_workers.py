"""The per-address limit is one count for all of gunicorn's workers, even under parallel sends."""

from concurrent.futures import ThreadPoolExecutor

from tests.servers import Gunicorn
from tests.test_durability import Device


def test_four_workers_share_one_count_per_address(tmp_path):
    data = tmp_path / "data"
    server = Gunicorn(data, workers=4, WEGWIJZER_RATE_LIMIT="10/hour").start()
    device = Device()  # one phone's session: all its sends come from 127.0.0.1
    try:
        device.connect(server)
        with ThreadPoolExecutor(max_workers=6) as pool:
            sends = pool.map(lambda _: device.send(server, device.new_concern()), range(16))
            statuses = [status for status, _answer in sends]
    finally:
        server.stop()
    assert sorted(statuses) == [201] * 10 + [429] * 6
    assert len(list((data / "concerns").glob("*.json"))) == 10
