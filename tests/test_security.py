"""One place sets the security headers; no page loads anything from another origin."""

import re
from html.parser import HTMLParser

import pytest

from pwa.guidance import LOCALES

PAGES = [
    f"/{lang}/{page}"
    for lang in LOCALES
    for page in ["", "antwerpen/", "nederland/", "contacts/", "about/", "privacy/"]
]


class ResourceCollector(HTMLParser):
    """Collects every URL a page would load, and any inline script or style."""

    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.inline_styles = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "script" and "src" not in attrs:
            self.inline_scripts += 1
        if tag == "style":
            self.inline_styles += 1
        for name in ("src", "href", "action", "poster"):
            if name in attrs and not (tag == "a" and name == "href"):
                self.urls.append(attrs[name])


def test_headers_on_a_page(client):
    response = client.get("/nl/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp and "http" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("url", ["/", "/healthz", "/sw.js", "/manifest.webmanifest", "/nope"])
def test_headers_on_every_kind_of_response(client, url):
    response = client.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_nothing_from_another_origin_and_inline_nothing(client, url):
    collector = ResourceCollector()
    collector.feed(client.get(url).get_data(as_text=True))
    assert collector.inline_scripts == 0
    assert collector.inline_styles == 0
    assert collector.urls, "a page without assets is not what we serve"
    for resource in collector.urls:
        assert resource.startswith("/") and not resource.startswith("//"), resource


def test_links_to_other_sites_are_not_made_up(client):
    """The seeds give no web addresses, so the app links to none."""
    for url in PAGES:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r'href="https?://', html), url


def test_hashed_assets_are_cached_long_and_pages_revalidate(client):
    html = client.get("/nl/").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', html).group(1)
    assert "immutable" in client.get(css).headers["Cache-Control"]
    assert client.get("/nl/").headers["Cache-Control"] == "no-cache"


def test_pages_are_compressed(client):
    response = client.get("/nl/antwerpen/", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_forms_can_be_posted_over_https_although_no_page_sends_a_referer(client):
    """Referrer-Policy: no-referrer must not make every HTTPS form fail its CSRF check."""
    https = "https://wegwijzer.example"
    form = client.get("/nl/concerns/new", base_url=https).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', form).group(1)
    response = client.post(
        "/nl/concerns/new",
        base_url=https,
        data={
            "csrf_token": _csrf_token(form),
            "idempotency_key": key,
            "kind": "consult",
            "school": "Testschool",
            "reporter_name": "A. Leerkracht",
            "reporter_phone": "+32 3 338 32 66",
            "need": "Een vraag over polarisering in de klas.",
        },
    )
    assert response.status_code == 200
    assert re.search(r"CMP-\d{4}-0001", response.get_data(as_text=True))

    login = client.get("/staff/login", base_url=https).get_data(as_text=True)
    refused = client.post(
        "/staff/login",
        base_url=https,
        data={"csrf_token": _csrf_token(login), "email": "x@example.org", "password": "x" * 12},
    )
    assert "referrer" not in refused.get_data(as_text=True).lower()
    assert refused.status_code != 400
