"""Every public route answers as a first-time visitor would expect."""

import re

import pytest

from pwa.guidance import LOCALES

PAGES = ["", "antwerpen/", "nederland/", "contacts/", "about/", "privacy/", "anchor/"]


def test_root_redirects_to_the_browsers_language(client):
    assert client.get("/", headers={"Accept-Language": "fr-BE,fr;q=0.9"}).location == "/fr/"
    assert client.get("/", headers={"Accept-Language": "en-GB"}).location == "/en/"
    assert client.get("/", headers={"Accept-Language": "de"}).location == "/nl/"
    assert client.get("/").location == "/nl/"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_every_language(client, lang, page):
    response = client.get(f"/{lang}/{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert 'href="tel:112"' in html  # acute danger is one tap away on every page


@pytest.mark.parametrize("url", ["/de/", "/nl/belgie/", "/nl/contacts/x/"])
def test_unknown_pages_are_404(client, url):
    assert client.get(url).status_code == 404


def test_antwerp_flow_lists_the_steps_in_order(client):
    html = client.get("/nl/antwerpen/").get_data(as_text=True)
    titles = [
        "Neem contact op met het CLB-anker van de school",
        "Informatieconsult bij het CMP",
        "Aanmelding bij het CMP",
        "Vraagverheldering en dossieranalyse",
        "Dossierbespreking en trajectadvies",
        "Opvolgings- en doorverwijzingsafspraken",
    ]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    # The four clarification questions are a checklist to tick off.
    assert html.count('data-prepare="clarification-') == 4
    assert "Sociale Interventie" in html and "politie" in html
    # From the flow, the teacher can write the concern down (offline too).
    assert 'class="write-down-link" href="/nl/concerns/new"' in html


def test_the_flow_starts_with_the_clb_anchor_then_the_cmp_as_the_next_call(client):
    html = client.get("/nl/antwerpen/").get_data(as_text=True)
    order = [
        'id="step-clb-anchor"',
        "data-anchor-slot",  # step 1's call button (or the offer to save the anchor)
        'id="step-information-consult"',
    ]
    assert [html.index(mark) for mark in order] == sorted(html.index(mark) for mark in order)
    step_1, rest = html.split('<section class="next-call"', 1)
    assert 'id="step-clb-anchor"' in step_1 and 'id="contact-cmp"' not in step_1
    next_call, later = rest.split('<ol class="steps" start="2">', 1)
    assert "Het volgende telefoontje" in next_call
    assert 'id="contact-cmp"' in next_call and 'class="write-down-link"' in next_call
    assert 'id="step-information-consult"' in later
    # Step 1 offers to save the anchor: the page has no number of its own for it.
    slot = step_1.split("data-anchor-slot", 1)[1]
    assert 'href="/nl/anchor/"' in slot and "tel:" not in slot


def test_the_anchor_is_never_a_number_of_ours(client):
    """The HTML is the same for everyone: only the teacher's own entry, from the phone, is shown."""
    for page in ("antwerpen/", "contacts/", "anchor/", "concerns/new"):
        html = client.get(f"/en/{page}").get_data(as_text=True)
        assert 'id="anchor-labels"' in html, page
        numbers = set(re.findall(r'href="tel:([^"]+)"', html))
        assert numbers <= {"112", "+3233383266", "+3233383137", "+3233386300", "09001113111"}
    anchor = client.get("/en/anchor/").get_data(as_text=True)
    assert 'href="tel:' not in anchor.split("<main", 1)[1].split("</main>")[0]
    # Without JavaScript nothing can be saved: the form is disabled and says why.
    assert '<fieldset class="anchor-fields" id="anchor-fields" disabled>' in anchor
    assert "<noscript>" in anchor


def test_the_contacts_page_lists_your_clb_anchor_first(client):
    html = client.get("/fr/contacts/").get_data(as_text=True)
    antwerp = html.split('id="contacts-antwerpen"', 1)[1]
    assert antwerp.index('id="contact-my-anchor"') < antwerp.index('id="contact-cmp"')
    assert "Votre personne de contact au CLB" in antwerp.split('id="contact-cmp"')[0]
    assert 'id="contact-my-anchor"' not in html.split('id="contacts-nederland"', 1)[1]


def test_antwerp_numbers_are_tap_to_dial_in_local_form(client):
    html = client.get("/nl/antwerpen/").get_data(as_text=True)
    for e164, local in [
        ("+3233383266", "03 338 32 66"),
        ("+3233383137", "03 338 31 37"),
        ("+3233386300", "03 338 63 00"),
    ]:
        assert re.search(rf'href="tel:{re.escape(e164)}".*?{local}', html, re.S), local
    assert "Noëmie Goris" in html and "Diane Bangels" in html
    assert "dinsdagvoormiddag" in html and "data-open-status" in html


def test_netherlands_guidance_by_situation(client):
    html = client.get("/nl/nederland/").get_data(as_text=True)
    for who in [
        "Stichting School &amp; Veiligheid",
        "Integrale Veiligheid Hoger Onderwijs",
        "wijkagent",
        "radicaliseringsambtenaar",
        "vertrouwensinspecteurs",
        "Expertise-unit Sociale Stabiliteit (ESS)",
    ]:
        assert who in html, who
    # 0900 numbers are not reliably reachable from abroad: dialled in national form.
    assert 'href="tel:09001113111"' in html and "0900 1113111" in html
    # The only numbers on the page are the seed's and 112: nothing invented.
    assert sorted(set(re.findall(r'href="tel:([^"]+)"', html))) == ["09001113111", "112"]


def test_contacts_page_has_every_number(client):
    html = client.get("/en/contacts/").get_data(as_text=True)
    numbers = set(re.findall(r'href="tel:([^"]+)"', html))
    assert numbers == {"112", "+3233383266", "+3233383137", "+3233386300", "09001113111"}
    assert "Every morning (except Tuesday morning) from 9:00 to 12:30." in html


def test_language_switch_links_to_the_same_page(client):
    html = client.get("/nl/nederland/").get_data(as_text=True)
    assert 'href="/fr/nederland/" hreflang="fr"' in html
    assert 'href="/en/nederland/" hreflang="en"' in html


def test_opening_hours_are_formatted_by_babel_for_the_locale(client):
    en = client.get("/en/antwerpen/").get_data(as_text=True)
    fr = client.get("/fr/antwerpen/").get_data(as_text=True)
    assert "&#34;opens_label&#34;:&#34;09:00&#34;,&#34;closes_label&#34;:&#34;12:30&#34;" in en
    assert "&#34;day_names&#34;:[&#34;Monday&#34;" in en
    assert "&#34;day_names&#34;:[&#34;lundi&#34;,&#34;mardi&#34;" in fr
