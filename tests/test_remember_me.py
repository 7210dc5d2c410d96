"""Remember me, not the pupil (issue #8): the form side; tests/browser/ does the device side."""

import re

from pwa import vocabulary


def test_only_the_teachers_own_details_may_be_remembered():
    assert vocabulary.REMEMBERED_FIELDS == (
        "school",
        "reporter_name",
        "reporter_role",
        "reporter_phone",
        "reporter_email",
    )
    assert set(vocabulary.REMEMBERED_FIELDS) <= set(vocabulary.SECTIONS_BY_ID["reporter"].fields)
    for section in ("request", "pupil", "concern"):
        assert not set(vocabulary.REMEMBERED_FIELDS) & set(
            vocabulary.SECTIONS_BY_ID[section].fields
        )


def test_the_remember_box_names_its_fields_and_is_never_sent(client):
    form = client.get("/nl/concerns/new").get_data(as_text=True)
    box = re.search(r'<input type="checkbox" id="remember-me"[^>]*>', form)[0]
    assert "name=" not in box  # neither a plain post nor the sync ever sends it
    assert "data-device-only" in box and "checked" not in box  # off by default
    fields = re.search(r'data-remember-fields="([^"]*)"', box)[1].split()
    assert tuple(fields) == vocabulary.REMEMBERED_FIELDS
    assert "Mijn gegevens op deze telefoon onthouden voor mijn volgende melding" in form
