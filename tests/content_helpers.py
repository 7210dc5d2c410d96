"""Helpers for the guidance publishing tests: change the CMP number, import, publish."""

import html as html_lib
import io
import re

from pwa.guidance import DEFAULT_FILE

OLD_NUMBER = '"03 338 32 66"'
NEW_NUMBER = '"03 338 32 67"'  # a valid Belgian number: test data, never shipped
OLD_TEL = "tel:+3233383266"
NEW_TEL = "tel:+3233383267"


def defaults() -> str:
    return DEFAULT_FILE.read_text(encoding="utf-8")


def with_cmp_number(number: str, text: str | None = None) -> str:
    """The document (the defaults unless given) with the CMP's number changed."""
    text = text if text is not None else defaults()
    assert OLD_NUMBER in text
    return text.replace(OLD_NUMBER, number, 1)


def import_document(client, text: str | bytes, replace: bool = True, name="guidance.toml"):
    """Post a file to the import form, as an admin's browser would."""
    data = text.encode() if isinstance(text, str) else text
    form = {"document": (io.BytesIO(data), name)}
    if replace:
        form["replace"] = "y"
    return client.post("/staff/content/import", data=form, content_type="multipart/form-data")


def panel_fields(client) -> dict:
    """The publish form's hidden fields, as the overview shows them to this admin."""
    html = client.get("/staff/content/").get_data(as_text=True)
    return {
        "expected": re.search(r'id="publish-expected" name="expected" [^>]*value="(\d+)"', html)[1],
        "draft_digest": re.search(r'id="publish-draft-digest" [^>]*value="(\w+)"', html)[1],
    }


def publish(client, **overrides):
    """Press Publish on the overview (with what it showed, unless overridden)."""
    return client.post(
        "/staff/content/publish", data={**panel_fields(client), **overrides}, follow_redirects=True
    )


def cmp_tel(html: str) -> str:
    """The tel: link on the CMP's contact card."""
    return re.search(r'id="contact-cmp".*?href="(tel:[^"]+)"', html, re.S)[1]


def flashes(html: str) -> list[str]:
    """The flashed messages, without the "Attention:" that starts an error."""
    found = re.findall(r'<p class="flash[^"]*">(?:<strong>.*?</strong>)?(.*?)</p>', html, re.S)
    texts = (html_lib.unescape(re.sub(r"<[^>]+>", "", message)) for message in found)
    return [re.sub(r"\s+", " ", text).strip() for text in texts]


def in_english(client):
    """The workspace in English for this staff member (the tests read its English texts)."""
    page = client.get("/staff/content/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]  # if CSRF is on
    response = client.post("/staff/language", data={"locale": "en", "csrf_token": token})
    assert response.status_code == 302
    return client


def change_lines(html: str) -> list[list[str]]:
    """Each list of changes on the page, each change as the text a reader sees."""
    lists = []
    for found in re.findall(r'<ul class="changes">(.*?)</ul>', html, re.S):
        items = []
        for item in re.findall(r"<li>(.*?)</li>", found, re.S):
            item = re.sub(r'<span class="visually-hidden">.*?</span>', "", item)
            text = html_lib.unescape(re.sub(r"<[^>]+>", "", item))
            items.append(re.sub(r"\s+", " ", text).strip())
        lists.append(items)
    return lists
