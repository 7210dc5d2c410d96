"""A valid concern for tests, derived from the form and the vocabulary, never a hand-kept list."""

from pwa import vocabulary
from pwa.forms import API_KEYS, BOOL_KEYS

# What a teacher would type in the text fields (the form checks these: a real number, initials).
TYPED = {
    "school": "Atheneum Antwerpen",
    "reporter_name": "An Janssens",
    "reporter_phone": "03 338 32 66",
    "reporter_email": "an@example.be",
    "pupil_ref": "J.P.",
    "pupil_grade": "4de jaar",
    "need": "Zegt sinds kort dingen die me zorgen baren.",
    "steps_taken": "Gesprek met de klastitularis.",
    "missing_info": "",
}


def valid_concern(**overrides) -> dict:
    """Every field of the form: typed text, the first option of each choice, no ticks.

    The phone's own fields (receipt_key) only when given as overrides.
    """
    values = {}
    for name in vocabulary.FIELD_ORDER:
        if name in BOOL_KEYS:
            values[name] = False
        elif name in vocabulary.CHOICES:
            values[name] = vocabulary.CHOICES[name][0].value
        else:
            values[name] = TYPED[name]  # a new text field needs a typed sample here
    unknown = set(overrides) - set(API_KEYS)
    assert not unknown, f"not fields of the concern: {unknown}"
    return {**values, **overrides}


def as_form_data(values: dict) -> dict:
    """The same concern as a browser without JavaScript posts it: ticked boxes send "y"."""
    data = {name: value for name, value in values.items() if not isinstance(value, bool)}
    data.update({name: "y" for name, value in values.items() if value is True})
    return data


# A closing range and one closing day for the CMP, as guidance.toml would hold them (test
# content only: the shipped content has none). Added after the CMP's `holidays` line.
CMP_HOLIDAYS_LINE = 'holidays = "BE-VLG"\n'
CMP_CLOSING_DAYS = """closing_days = [
  { first = 2026-12-24, last = 2026-12-31, reason = { nl = "Kerstsluiting", fr = "Fermeture de Noël", en = "Christmas closure" } },
  { first = 2027-02-17, reason = { nl = "Teamdag", fr = "Journée d'équipe", en = "Team day" } },
]
"""  # noqa: E501 (a TOML inline table is one line)
