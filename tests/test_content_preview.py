"""Preview as a teacher: the public pages with the draft, in nl/fr/en, never a teacher's copy."""

import html as html_lib
import re

import pytest

from tests.content_helpers import NEW_TEL, OLD_TEL, cmp_tel, import_document, with_cmp_number

BANNER_TITLE = {
    "nl": "Voorbeeld van het concept — niet gepubliceerd",
    "fr": "Aperçu du brouillon — non publié",
    "en": "Preview of the draft — not published",
}


@pytest.fixture
def admin_with_draft(signed_in):
    admin = signed_in("admin")
    assert import_document(admin, with_cmp_number('"03 338 32 67"')).status_code == 302
    return admin


def banner(html: str) -> str:
    return re.search(r'<aside class="preview-banner".*?</aside>', html, re.S)[0]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_the_preview_shows_the_draft_while_teachers_still_see_the_live_version(
    staff_app, admin_with_draft, lang
):
    for page in ("contacts/", "antwerpen/"):
        preview = admin_with_draft.get(f"/staff/content/preview/{lang}/{page}")
        assert preview.status_code == 200
        html = preview.get_data(as_text=True)
        assert cmp_tel(html) == NEW_TEL
        assert f'<html lang="{lang}">' in html
        assert BANNER_TITLE[lang] in banner(html)
        assert preview.headers["Cache-Control"] == "no-store"
        live = staff_app.test_client().get(f"/{lang}/{page}").get_data(as_text=True)
        assert cmp_tel(live) == OLD_TEL
        assert "preview-banner" not in live and "data-preview" not in live


def test_links_between_previewed_pages_stay_in_the_preview(admin_with_draft):
    html = admin_with_draft.get("/staff/content/preview/fr/contacts/").get_data(as_text=True)
    links = set(re.findall(r'href="([^"]+)"', html))
    assert {
        "/staff/content/preview/fr/",  # the brand, home
        "/staff/content/preview/nl/contacts/",  # the other languages
        "/staff/content/preview/en/contacts/",
        "/staff/content/preview/fr/about/",
        "/staff/content/",  # back to the workspace
    } <= links
    assert "/fr/contacts/" not in links and "/fr/" not in links
    # The banner says which links leave the preview: the teacher's own tools.
    assert "/fr/concerns/" in links and "/fr/anchor/" in links
    assert "open the live app" not in banner(html)  # (in French)
    assert "ouvrent l'application publiée" in html_lib.unescape(banner(html))
    home = admin_with_draft.get("/staff/content/preview/nl/").get_data(as_text=True)
    assert 'href="/staff/content/preview/nl/antwerpen/"' in home
    assert 'href="/staff/content/preview/nl/nederland/"' in home


def test_the_preview_never_becomes_an_offline_copy(admin_with_draft):
    html = admin_with_draft.get("/staff/content/preview/nl/contacts/").get_data(as_text=True)
    assert re.search(r"<body[^>]* data-preview[ >]", html)  # app.js registers no worker then
    assert 'rel="manifest"' not in html
    app_js = admin_with_draft.get(re.search(r'src="(/static/app\.js[^"]*)"', html)[1])
    script = app_js.get_data(as_text=True)
    assert script.index("if ('preview' in body.dataset) return;") < script.index(
        "navigator.serviceWorker.register("
    )


def test_the_preview_without_a_draft_says_teachers_see_the_same(signed_in):
    staff_member = signed_in("staff")
    html = staff_member.get("/staff/content/preview/en/contacts/").get_data(as_text=True)
    assert cmp_tel(html) == OLD_TEL
    assert "The draft has no changes: this is what teachers see now (the package defaults)." in (
        banner(html)
    )


def test_unknown_languages_and_regions_are_not_found(admin_with_draft):
    assert admin_with_draft.get("/staff/content/preview/de/").status_code == 404
    assert admin_with_draft.get("/staff/content/preview/nl/paris/").status_code == 404


def test_the_preview_is_for_signed_in_staff_only(staff_app, admin_with_draft):
    response = staff_app.test_client().get("/staff/content/preview/nl/contacts/")
    assert response.status_code == 302 and response.location.endswith("/staff/login")
