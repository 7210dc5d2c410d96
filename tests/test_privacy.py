"""The privacy notice (issue #8): three languages, the settings it shows, the start-up warning."""

import html
import re

import pytest

from pwa import create_app, vocabulary
from pwa.forms import FORM_LABELS
from pwa.guidance import LOCALES
from tests.test_offline import sw_lists

NOT_FILLED_IN = {
    "en": "The organisation that runs this app has not filled in yet who is responsible",
    "nl": "De organisatie die deze app beheert, heeft nog niet ingevuld wie verantwoordelijk",
    "fr": "L'organisation qui gère cette application n'a pas encore indiqué qui est responsable",
}


def make_app(tmp_path, **settings):
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATA_DIR": str(tmp_path / "data"), **settings}
    )


def page_text(app, lang: str = "en") -> str:
    """The privacy page's main part as text (tags dropped, entities and spaces undone)."""
    body = app.test_client().get(f"/{lang}/privacy/").get_data(as_text=True)
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main)))


@pytest.mark.parametrize(
    ("lang", "title", "rights", "received_by"),
    [
        (
            "nl",
            "Privacy",
            "Je rechten",
            "Alleen het Centraal Meldpunt (CMP).",
        ),
        ("fr", "Vie privée", "Vos droits", "Uniquement le Centraal Meldpunt (CMP)."),
        ("en", "Privacy", "Your rights", "Only the Central Reporting Point (CMP)."),
    ],
)
def test_the_privacy_page_speaks_each_language(client, lang, title, rights, received_by):
    response = client.get(f"/{lang}/privacy/")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert f"<h1>{title}</h1>" in body
    assert f"<h2>{rights}</h2>" in body
    assert html.escape(received_by, quote=False) in body
    assert 'href="tel:112"' in body  # acute danger stays one tap away here too


def test_the_page_lists_every_field_of_the_form_from_the_vocabulary(client):
    text = page_text(client.application, "en")
    for section in vocabulary.SECTIONS[1:]:
        labels = ", ".join(str(FORM_LABELS[name]) for name in section.fields)
        assert f"{section.heading} {labels}" in text, section.id
    # The opening question, by what it offers.
    assert "Your request Information consult / Referral" in text
    # Why, who, and what stays on the phone.
    assert "to be able to call you about it" in text
    assert "Nothing goes to a third party" in text and "no analytics" in text
    assert "the phone deletes its copy: only the reference and the receipt stay here" in text
    remembered = ", ".join(str(FORM_LABELS[name]) for name in vocabulary.REMEMBERED_FIELDS)
    assert f"the phone also keeps: {remembered}. Nothing about the pupil" in text


@pytest.mark.parametrize("lang", LOCALES)
def test_the_page_has_the_tools_for_what_this_phone_keeps(client, lang):
    body = client.get(f"/{lang}/privacy/").get_data(as_text=True)
    assert 'id="forget-details"' in body and 'id="erase-all"' in body
    # "Delete everything" asks in a dialog, with the count of waiting concerns in both forms.
    assert '<dialog class="confirm" id="erase-dialog"' in body
    assert 'data-label-waiting-one="{count} ' in body
    assert 'data-label-waiting-many="{count} ' in body
    # What it keeps is said on the page.
    assert {
        "en": "It keeps the app and its offline copy of the guidance",
        "nl": "De app en haar offline kopie van de wegwijzer blijven staan",
        "fr": "L'application et sa copie hors ligne du guide sont conservées",
    }[lang] in html.unescape(body)


def test_the_rights_are_named_under_the_gdpr(client):
    text = page_text(client.application, "en")
    assert "Under the GDPR" in text
    for right in ("see the data about you (access)", "corrected", "erased", "object"):
        assert right in text


@pytest.mark.parametrize(
    ("days", "lang", "words"),
    [
        (730, "en", "2 years"),
        (365, "en", "1 year"),
        (90, "en", "90 days"),
        (1, "en", "1 day"),
        (1095, "en", "3 years"),
        (400, "en", "400 days"),
        (730, "nl", "2 jaar"),
        (365, "nl", "1 jaar"),
        (90, "nl", "90 dagen"),
        (1, "nl", "1 dag"),
        (730, "fr", "2 ans"),
        (365, "fr", "1 an"),
        (90, "fr", "90 jours"),
        (1, "fr", "1 jour"),
    ],
)
def test_the_retention_is_said_in_words(tmp_path, days, lang, words):
    text = page_text(make_app(tmp_path, RETENTION_DAYS=days), lang)
    sentence = {
        "en": f"deletes it {words} after the concern is closed.",
        "nl": f"verwijdert ze {words} nadat ze is afgesloten.",
        "fr": f"la supprime {words} après sa clôture.",
    }[lang]
    assert sentence in text


def test_large_retention_numbers_are_grouped_as_the_language_writes_them(tmp_path):
    app = make_app(tmp_path, RETENTION_DAYS=1000)
    assert "deletes it 1,000 days after" in page_text(app, "en")
    assert re.search(r"la supprime 1\s000 jours après", page_text(app, "fr"))


def test_the_default_retention_is_two_years(client):
    assert "deletes it 2 years after the concern is closed" in page_text(client.application)


@pytest.mark.parametrize("lang", LOCALES)
def test_without_a_controller_the_page_says_so_plainly_and_invents_nothing(client, lang):
    body = client.get(f"/{lang}/privacy/").get_data(as_text=True)
    assert NOT_FILLED_IN[lang] in html.unescape(body)
    assert 'class="controller"' not in body
    assert "mailto:" not in body
    # Until then the CMP's own number (from the content) is the way to ask.
    assert 'href="tel:+3233383266"' in body


def test_with_a_controller_the_page_shows_its_name_and_address_escaped(tmp_path):
    app = make_app(
        tmp_path,
        CONTROLLER_NAME="Stad Antwerpen <script>alert(1)</script>",
        PRIVACY_CONTACT="privacy@antwerpen.example",
    )
    for lang in LOCALES:
        body = app.test_client().get(f"/{lang}/privacy/").get_data(as_text=True)
        assert "Stad Antwerpen &lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<script>alert" not in body
        assert '<a href="mailto:privacy@antwerpen.example">privacy@antwerpen.example</a>' in body
        assert NOT_FILLED_IN[lang] not in html.unescape(body)


def test_a_contact_that_is_no_address_is_shown_as_text(tmp_path):
    app = make_app(
        tmp_path,
        CONTROLLER_NAME="Stad Antwerpen",
        PRIVACY_CONTACT='Grote Markt 1, 2000 Antwerpen "DPO" & co',
    )
    body = app.test_client().get("/en/privacy/").get_data(as_text=True)
    assert "Grote Markt 1, 2000 Antwerpen &#34;DPO&#34; &amp; co" in body
    assert "mailto:" not in body
    web = make_app(tmp_path, CONTROLLER_NAME="X", PRIVACY_CONTACT="https://example.org/privacy")
    body = web.test_client().get("/en/privacy/").get_data(as_text=True)
    assert '<a href="https://example.org/privacy">https://example.org/privacy</a>' in body
    sneaky = make_app(tmp_path, CONTROLLER_NAME="X", PRIVACY_CONTACT="javascript:alert(1)")
    body = sneaky.test_client().get("/en/privacy/").get_data(as_text=True)
    assert "javascript:alert(1)" in body and 'href="javascript' not in body


def test_half_the_controller_settings_shows_that_half_and_says_the_rest_is_missing(tmp_path):
    app = make_app(tmp_path, CONTROLLER_NAME="Stad Antwerpen")
    text = page_text(app)
    assert "Stad Antwerpen" in text
    assert NOT_FILLED_IN["en"] in text


def test_the_page_is_kept_offline_and_a_new_setting_reaches_phones_as_an_update(tmp_path, client):
    _, _, pages = sw_lists(client)
    for lang in LOCALES:
        assert f"/{lang}/privacy/" in pages[lang]
        assert pages[lang][0] == f"/{lang}/"  # the start page stays first
    before = make_app(tmp_path).config["APP_VERSION"]
    assert make_app(tmp_path).config["APP_VERSION"] == before
    assert make_app(tmp_path, CONTROLLER_NAME="Stad Antwerpen").config["APP_VERSION"] != before
    assert make_app(tmp_path, RETENTION_DAYS=365).config["APP_VERSION"] != before


def test_the_about_page_and_the_form_link_to_the_privacy_page(client):
    for lang in LOCALES:
        about = client.get(f"/{lang}/about/").get_data(as_text=True)
        assert f'href="/{lang}/privacy/"' in about
    form = client.get("/nl/concerns/new").get_data(as_text=True)
    send = form.index('class="send-button"')
    link = form.index('href="/nl/privacy/"')
    assert send < link < form.index("</form>")  # right by the send button
