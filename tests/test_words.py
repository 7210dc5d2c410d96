"""Words a teacher trusts: one term for each thing, the seeds' meaning kept (issue #8, part 5)."""

import re

import pytest
from babel.messages.pofile import read_po

from pwa.paths import translations_dir

PAGES = ["/{}/", "/{}/antwerpen/", "/{}/nederland/", "/{}/contacts/", "/{}/about/"]
PAGES += ["/{}/concerns/", "/{}/concerns/new"]


def visible_text(client, lang: str) -> str:
    """What the public pages say in one language (tags stripped, entities kept simple)."""
    html = " ".join(client.get(page.format(lang)).get_data(as_text=True) for page in PAGES)
    return re.sub(r"<[^>]+>", " ", html).replace("&#39;", "'")


def catalog(lang: str) -> dict[str, str]:
    with (translations_dir() / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {
            m.id if isinstance(m.id, str) else m.id[0]: " ".join(
                [m.string] if isinstance(m.string, str) else m.string
            )
            for m in read_po(handle)
            if m.id
        }


# Words that said something the seeds do not (or nothing at all), per language.
NOT_SAID = {
    "fr": [
        "ancre",  # "ancre CLB" means nothing in French
        "Point de signalement",  # the CMP keeps its name, with a gloss
        "signalement",  # a referral is not reporting a pupil; the concern is an inquiétude
        "Signaler un élève",
        "plaque tournante",
        "avis de trajet",
        "suivi de trajet",
        "en accord avec",  # with the police: consultation, not consent
        "inspecteurs de confiance",
    ],
    "en": [
        "registration",  # aanmelding is a referral for coaching or advice
        "trajectory",
        "in agreement with",
        "confidential inspectors",
        "calls you back",
    ],
    # What one sends is a melding; the seed's "vragen of bezorgdheden" (worries) stays.
    "nl": ["Mijn bezorgdheden", "een bezorgdheid", "je bezorgdheid", "deze bezorgdheid"],
}


@pytest.mark.parametrize("lang", sorted(NOT_SAID))
def test_the_pages_never_use_the_words_that_misled(client, lang):
    text = visible_text(client, lang)
    found = [word for word in NOT_SAID[lang] if word.lower() in text.lower()]
    assert not found, f"{lang}: {found}"


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_the_catalogs_never_use_them_either(lang):
    words = [word.lower() for word in NOT_SAID[lang]]
    found = {
        msgid: text
        for msgid, text in catalog(lang).items()
        if any(word in text.lower() for word in words)
    }
    assert not found


# One language per test: within a test, the app keeps the first request's locale.
SAID = {
    "en": [
        "in consultation with the school and the CLB",
        "Referral to the CMP",
        "school inspectors for confidential matters",
        "to join a terrorist organisation",
        "The CMP may call this number about this concern.",
    ],
    "fr": [
        "en concertation avec l'école et le CLB",
        "Demande d'accompagnement auprès du CMP",
        # CLB explained once for French speakers; the CMP keeps its own name.
        "l'équivalent flamand des centres PMS",
        "Appeler le Centraal Meldpunt (CMP)",
        "Le CMP peut vous appeler à ce numéro au sujet de cette inquiétude.",
    ],
    "nl": [
        "om zich bij een terroristische organisatie aan te sluiten",
        "Dan kun je contact opnemen met de vertrouwensinspecteurs",
        "Het CMP kan je over deze melding op dit nummer bellen.",
    ],
}


@pytest.mark.parametrize("lang", sorted(SAID))
def test_the_seeds_meaning_is_kept(client, lang):
    text = visible_text(client, lang)
    missing = [words for words in SAID[lang] if words not in text]
    assert not missing, f"{lang}: {missing}"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "Niet uit de twee documenten: 112 is het Europese noodnummer"),
        ("fr", "Pas tiré des deux documents : le 112 est le numéro d'urgence européen"),
        ("en", "Not from the two documents: 112 is the European emergency number"),
    ],
)
def test_the_about_page_says_112_is_not_from_the_documents(client, lang, line):
    html = client.get(f"/{lang}/about/").get_data(as_text=True).replace("&#39;", "'")
    assert line in html
    assert "copied from these documents only" not in html
