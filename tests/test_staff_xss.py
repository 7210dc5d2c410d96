"""Every field full of script or HTML renders as inert text in the inbox, detail and export."""

from html.parser import HTMLParser

from pwa.forms import TEXT_KEYS as TEXT_FIELDS

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><b onmouseover=alert(3)>x"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"


class ActiveContent(HTMLParser):
    """Counts what a browser would run: script elements, event handlers, injected tags."""

    def __init__(self):
        super().__init__()
        self.scripts = self.handlers = self.injected = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.injected += tag in {"img", "b"}
        self.handlers += sum(name.startswith("on") for name, _ in attrs)


def assert_inert(html: str, minimum_copies: int):
    parser = ActiveContent()
    parser.feed(html)
    assert (parser.scripts, parser.handlers, parser.injected) == (0, 0, 0)
    assert PAYLOAD not in html
    assert html.count(ESCAPED) >= minimum_copies


def test_payloads_are_inert_everywhere(signed_in, make_concern):
    client = signed_in()
    receipt = make_concern(
        **{name: PAYLOAD for name in TEXT_FIELDS},
        clb_informed=PAYLOAD,
        urgent=True,
    )
    # The search box echoes the query: that must be inert too.
    assert_inert(client.get(f"/staff/inbox?q={PAYLOAD[:20]}").get_data(as_text=True), 0)
    inbox = client.get("/staff/inbox").get_data(as_text=True)
    assert_inert(inbox, 2)  # kind and school are in the summary

    url = f"/staff/concerns/{receipt['id']}"
    client.post(f"{url}/step", data={"advance": "1", "note": PAYLOAD})
    answers = {f"q_{key}": PAYLOAD for key in ("need", "assessment", "steps_taken", "missing_info")}
    client.post(f"{url}/step", data={**answers, "advance": "1", "note": PAYLOAD})
    client.post(f"{url}/step", data={"done_expert-team": "y", "advance": "1", "note": PAYLOAD})
    client.post(f"{url}/note", data={"text": PAYLOAD})
    client.post(f"{url}/step", data={"agreement": PAYLOAD, "advance": "1", "note": PAYLOAD})

    detail = client.get(url).get_data(as_text=True)
    assert_inert(detail, len(TEXT_FIELDS) + 4 + 5)  # fields, answers, agreement, notes
    export = client.get(f"{url}/export").get_data(as_text=True)
    assert_inert(export, len(TEXT_FIELDS) + 4 + 5)
