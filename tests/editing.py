"""Helpers for the guidance editor's tests: post a page's form as a browser would; the draft."""

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pyotp

from pwa.storage import guidance as store
from pwa.storage import staff

PASSWORD = "a long staff password"
CMP_PAGE = "/staff/content/antwerpen/contacts/cmp"


class _FormReader(HTMLParser):
    """The values a browser would send for the form posting to `action` (ticked boxes only)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values, self.textarea = action, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "").split("#")[0] == self.action
        elif self.inside and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind != "checkbox" or "checked" in attrs:
                default = "y" if kind == "checkbox" else ""
                self.values.append((attrs["name"], attrs.get("value", default)))
        elif self.inside and tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.values.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_on(client, page: str, action: str | None = None) -> dict:
    """The form as the page shows it: {name: value, or a list for several values}."""
    reader = _FormReader(action or page)
    reader.feed(client.get(page).get_data(as_text=True))
    assert reader.values, f"no form posting to {action or page} on {page}"
    values = {}
    for name, value in reader.values:
        values.setdefault(name, []).append(value)
    return {name: found[0] if len(found) == 1 else found for name, found in values.items()}


def draft_file(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "guidance" / "draft.json"


def draft_bytes(app) -> bytes | None:
    path = draft_file(app)
    return path.read_bytes() if path.exists() else None


def draft_text(app) -> str | None:
    draft = store.read_draft(app.config["DATA_DIR"])
    return draft["text"] if draft else None


def sign_in_at(app, role: str, email: str, moment: dt.datetime):
    """Sign in while the app's clock (CLOCK) says `moment`: the TOTP code of that moment."""
    app.config["CLOCK"] = lambda: moment
    staff.create_account(app.config["DATA_DIR"], email, PASSWORD, role)
    client = app.test_client()
    client.post("/staff/login", data={"email": email, "password": PASSWORD})
    client.get("/staff/totp/setup")
    secret = staff.get_account(app.config["DATA_DIR"], email)["totp_secret"]
    response = client.post("/staff/totp/setup", data={"code": pyotp.TOTP(secret).at(moment)})
    assert response.location.endswith("/staff/inbox"), "sign-in did not complete"
    client.email = email
    return client


def in_english(client):
    """The workspace in English for this staff member (the messages' own language)."""
    assert client.post("/staff/language", data={"locale": "en"}).status_code == 302
    return client


def audit_log_text(app) -> str:
    """The audit file as stored, to show that no guidance text ended up in it."""
    return (Path(app.config["DATA_DIR"]) / "audit" / "audit.jsonl").read_text(encoding="utf-8")
