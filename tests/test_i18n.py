"""Three languages: complete catalogs, compiled however the app starts, locale in the URL."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pwa import create_app
from pwa.i18n import compile_catalogs
from pwa.paths import translations_dir

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = translations_dir()
CATALOGS = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def test_there_are_catalogs_for_dutch_and_french():
    # English is the language of the message ids, so it needs no catalog.
    assert {path.parts[-3] for path in CATALOGS} == {"nl", "fr"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_catalog_has_no_missing_or_fuzzy_translation(path):
    with path.open("rb") as handle:
        catalog = read_po(handle)
    template = read_po((TRANSLATIONS / "messages.pot").open("rb"))
    missing = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    untranslated = [m.id for m in template if m.id and m.id not in catalog]
    assert not missing, f"missing translations: {missing}"
    assert not fuzzy, f"fuzzy translations: {fuzzy}"
    assert not untranslated, f"in messages.pot but not in this catalog: {untranslated}"


def test_template_is_up_to_date_with_the_code(tmp_path):
    """Every string in the code is in messages.pot (run the extract command in the README)."""
    from babel.messages.extract import extract_from_dir

    method_map = [("pwa/**.py", "python"), ("pwa/templates/**.html", "jinja2")]
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(ROOT),
            method_map,
            keywords={
                "_": None,
                "_l": None,
                "gettext": None,
                "lazy_gettext": None,
                "ngettext": (1, 2),
            },
        )
    }
    template = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in read_po((TRANSLATIONS / "messages.pot").open("rb"))
        if m.id
    }
    assert found - template == set(), "run: pybabel extract (see README)"


def test_catalogs_compile_on_start_with_no_manual_step(tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATA_DIR": str(tmp_path / "d")})
    compiled = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    assert (compiled / "fr" / "LC_MESSAGES" / "messages.mo").exists()
    compile_catalogs(TRANSLATIONS, instance)
    assert (instance / "nl" / "LC_MESSAGES" / "messages.mo").stat().st_size > 500


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Bezorgd over een leerling?"),
        ("fr", "Inquiet pour un élève ?"),
        ("en", "Worried about a pupil?"),
    ],
)
def test_each_language_is_shown_at_its_url(client, lang, expected):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    assert f"<h1>{expected}</h1>" in html


def test_ui_and_content_are_both_translated(client):
    html = client.get("/fr/antwerpen/").get_data(as_text=True)
    assert "Étape 1" in html and "Adressez-vous à votre personne de contact au CLB" in html
    assert "ancre" not in html  # "CLB-anker" has no French counterpart
    assert "Stap 1" not in html
