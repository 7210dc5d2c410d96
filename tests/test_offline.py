"""The service worker, its precache lists, the manifest and the icons."""

import json
import re
import shutil
import struct
from pathlib import Path

from pwa import create_app
from pwa.config import _secret_key
from pwa.guidance import DEFAULT_FILE


def sw_lists(client):
    body = client.get("/sw.js").get_data(as_text=True)
    version = re.search(r"const VERSION = '([0-9a-f]+)';", body).group(1)
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    pages = json.loads(re.search(r"const PAGES = (\{.*?\});", body).group(1))
    return version, shell, pages


def test_service_worker_is_served_at_the_root_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "__VERSION__" not in response.get_data(as_text=True)


def test_precache_lists_every_guidance_page_per_language(client):
    _, shell, pages = sw_lists(client)
    assert set(pages) == {"nl", "fr", "en"}
    for lang, paths in pages.items():
        assert paths[0] == f"/{lang}/"
        guidance = {f"/{lang}/{page}/" for page in ("antwerpen", "nederland", "contacts", "anchor")}
        assert guidance <= set(paths)
        for path in paths:
            assert client.get(path).status_code == 200
    for url in shell:
        assert client.get(url).status_code == 200, url
    assert any(url.startswith("/static/app.css?v=") for url in shell)
    # Saving the CLB anchor works offline: its scripts are in the shell.
    for script in ("phone.js", "anchor.js", "noscript.css"):
        assert any(url.startswith(f"/static/{script}?v=") for url in shell), script
    assert not any(u.startswith(("/api/", "/staff/")) for p in pages.values() for u in p)


def test_version_changes_when_content_changes(tmp_path):
    def version_with(content_file):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "CONTENT_FILE": str(content_file),
                "DATA_DIR": str(tmp_path / "d"),
            }
        )
        return sw_lists(app.test_client())[0]

    copy = tmp_path / "guidance.toml"
    shutil.copy(DEFAULT_FILE, copy)
    before = version_with(DEFAULT_FILE)
    assert version_with(copy) == before
    copy.write_text(copy.read_text().replace("Elke voormiddag", "Iedere voormiddag"))
    assert version_with(copy) != before


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    for key in ("name", "short_name", "start_url", "theme_color", "background_color"):
        assert manifest[key]
    assert manifest["display"] == "standalone"
    sizes = {}
    for icon in manifest["icons"]:
        data = client.get(icon["src"]).data
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon.get("purpose", "any"), set()).add(width)
    assert sizes["any"] == {192, 512}
    assert sizes["maskable"] == {512}


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = _secret_key(tmp_path)
    assert _secret_key(tmp_path) == first
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_app_runs_with_no_configuration_at_all(monkeypatch):
    for name in ("WEGWIJZER_SECRET_KEY", "WEGWIJZER_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == (Path(app.instance_path) / "secret_key").read_text()
    assert app.config["DATA_DIR"] == app.instance_path
    assert app.test_client().get("/healthz").status_code == 200


def test_production_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WEGWIJZER_SECRET_KEY", "from-env")
    monkeypatch.setenv("WEGWIJZER_DATA_DIR", str(tmp_path / "data"))
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATA_DIR"] == str(tmp_path / "data")
    assert (tmp_path / "data").is_dir()


def test_staff_assets_are_not_in_the_teachers_offline_shell(client):
    _, shell, _ = sw_lists(client)
    assert not any("/static/staff." in url for url in shell)
    assert any("/static/app.js?v=" in url for url in shell)


def test_the_worker_and_every_page_load_the_same_shared_names(client):
    """shared.js (message types, sync tag, states): precached, imported by /sw.js, in base.html."""
    _, shell, _ = sw_lists(client)
    [shared] = [url for url in shell if url.startswith("/static/shared.js?v=")]
    assert "importScripts(assetUrl('shared.js'))" in client.get("/sw.js").get_data(as_text=True)
    for page in ("/nl/", "/nl/contacts/", "/nl/concerns/new"):
        html = client.get(page).get_data(as_text=True)
        assert html.index(f'<script src="{shared}" defer>') < html.index("/static/app.js?v=")


def test_behind_a_proxy_the_client_address_is_the_forwarded_one(tmp_path):
    from flask import request

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATA_DIR": str(tmp_path / "d"), "PROXY_COUNT": 1}
    )

    @app.get("/_address")
    def address():
        return request.remote_addr

    client = app.test_client()
    headers = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/_address", headers=headers).get_data(as_text=True) == "203.0.113.7"


def test_new_year_in_brussels_changes_the_version(tmp_path):
    """The pages' calendar moves on a year at New Year: phones must be offered the new one."""
    import datetime as dt

    def version_at(moment):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "DATA_DIR": str(tmp_path / "d"),
                "CLOCK": lambda: moment,
            }
        )
        return sw_lists(app.test_client())[0]

    utc = dt.UTC
    december = version_at(dt.datetime(2026, 12, 31, 22, 59, tzinfo=utc))  # 23:59 in Brussels
    assert version_at(dt.datetime(2026, 6, 1, 12, 0, tzinfo=utc)) == december
    assert version_at(dt.datetime(2026, 12, 31, 23, 0, tzinfo=utc)) != december  # 00:00
