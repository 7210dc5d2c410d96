"""One vocabulary for a concern: the form, the workspace, the phone and the flow agree."""

import re

import pytest

from pwa import forms, vocabulary
from pwa.guidance import load_content
from pwa.paths import translations_dir


def test_every_form_field_has_a_section_and_a_workspace_label():
    assert forms.API_KEYS == vocabulary.FIELD_ORDER + vocabulary.DEVICE_FIELDS
    assert set(vocabulary.WORKSPACE_LABELS) == set(vocabulary.FIELD_ORDER)
    forms.check_vocabulary()  # what create_app's import runs


def test_a_field_without_a_workspace_label_stops_the_start(monkeypatch):
    labels = dict(vocabulary.WORKSPACE_LABELS)
    del labels["pupil_grade"]
    monkeypatch.setattr(vocabulary, "WORKSPACE_LABELS", labels)
    with pytest.raises(RuntimeError, match="workspace label"):
        forms.check_vocabulary()


def test_a_field_missing_from_the_sections_stops_the_start(monkeypatch):
    monkeypatch.setattr(vocabulary, "FIELD_ORDER", vocabulary.FIELD_ORDER[:-1])
    with pytest.raises(RuntimeError, match="sections"):
        forms.check_vocabulary()


def test_every_status_but_the_last_works_through_a_step_of_the_flow(app):
    content = load_content()
    steps = [step.id for step in content.regions["antwerpen"].steps]
    *working, last = vocabulary.FLOW
    assert last.code == "closed" and last.content_steps == ()
    covered = [step for status in working for step in status.content_steps]
    assert all(status.content_steps for status in working), "a status has no step"
    # The CMP's steps in the seed's order, each once; before them, the school's own step.
    assert covered == steps[1:] and steps[0] == "clb-anchor"


def test_the_workspace_shows_every_field_with_its_label(signed_in, make_concern):
    record = make_concern(pupil_grade="5de jaar", missing_info="Wie de vrienden zijn")
    html = signed_in().get(f"/staff/concerns/{record['id']}").get_data(as_text=True)
    shown = re.findall(r"<dt>([^<]+)</dt>", html.split('id="the-concern"')[1])
    with_app_labels = [str(vocabulary.WORKSPACE_LABELS[name]) for name in vocabulary.FIELD_ORDER]
    assert shown[: len(with_app_labels)] == [_nl(label) for label in with_app_labels]
    assert "5de jaar" in html and "Wie de vrienden zijn" in html


def _nl(label: str) -> str:
    """The Dutch catalog's words for an English label (the workspace speaks Dutch by default)."""
    from babel.messages.pofile import read_po

    with (translations_dir() / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)[label].string


def test_choice_labels_are_the_same_words_in_the_form_and_the_workspace(
    client, signed_in, make_concern
):
    record = make_concern(assessment="unsure", reporter_role="school_leader")
    form = client.get("/nl/concerns/new").get_data(as_text=True)
    page = signed_in().get(f"/staff/concerns/{record['id']}").get_data(as_text=True)
    for label in ("Ik weet het nog niet", "Schooldirectie"):
        assert label in form and label in page


def test_the_phone_has_a_label_for_every_status_and_kind(client):
    html = client.get("/en/concerns/").get_data(as_text=True)
    for status in vocabulary.FLOW:
        code = status.code.replace("_", "-")
        assert f'data-label-status-{code}="{status.reporter_label}"' in html
    for choice in vocabulary.KINDS:
        assert f'data-label-kind-{choice.value}="{choice.name}"' in html
    # What follows each status is the next CMP step of the content, in the flow's order.
    flow = load_content().regions["antwerpen"].steps
    titles = {step.id: step.title("en") for step in flow}
    assert titles["clarification"] in html.split("data-label-next-received=")[1].split('"')[1]
    assert "data-label-next-follow-up" not in html and "data-label-next-closed" not in html
