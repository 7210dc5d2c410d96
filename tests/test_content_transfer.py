"""Export and import of the whole guidance as one TOML file, in the workspace and on the CLI."""

import pytest

from pwa.storage import audit
from pwa.storage import guidance as store
from tests.content_helpers import (
    OLD_NUMBER,
    defaults,
    flashes,
    import_document,
    in_english,
    publish,
    with_cmp_number,
)


def test_export_gives_the_live_document_as_a_file(staff_app, signed_in):
    colleague = in_english(signed_in("staff"))  # every staff member may export
    response = colleague.get("/staff/content/export?which=live")
    assert response.status_code == 200
    assert response.data == defaults().encode("utf-8")
    assert response.headers["Content-Type"] == "application/toml; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wegwijzer-guidance-v0.toml"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    entry = audit.read_entries(staff_app.config["DATA_DIR"])[0]
    assert (entry["who"], entry["action"]) == (colleague.email, "content-export")
    assert entry["detail"] == "wegwijzer-guidance-v0.toml"


def test_export_of_the_draft_and_of_a_published_version(signed_in):
    admin = in_english(signed_in("admin"))
    first = with_cmp_number('"03 338 32 67"')
    import_document(admin, first)
    publish(admin)
    second = with_cmp_number('"03 338 32 68"')
    import_document(admin, second)

    live = admin.get("/staff/content/export?which=live")
    draft = admin.get("/staff/content/export?which=draft")

    assert live.data == first.encode() and draft.data == second.encode()
    assert 'filename="wegwijzer-guidance-v1.toml"' in live.headers["Content-Disposition"]
    assert 'filename="wegwijzer-guidance-v1-draft.toml"' in draft.headers["Content-Disposition"]


def test_export_then_import_gives_the_identical_document(staff_app, signed_in):
    admin = in_english(signed_in("admin"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    publish(admin)
    exported = admin.get("/staff/content/export?which=live").data

    response = import_document(admin, exported, name="wegwijzer-guidance-v1.toml")

    assert response.status_code == 302
    draft = store.read_draft(staff_app.config["DATA_DIR"])
    assert draft["text"].encode("utf-8") == exported
    assert audit.read_entries(staff_app.config["DATA_DIR"])[0]["action"] == "content-import"
    assert admin.get("/staff/content/export?which=draft").data == exported
    assert "Noëmie Goris" in draft["text"]  # not ASCII: the bytes survive both ways


def test_an_import_lands_as_the_draft_and_publishes_nothing(staff_app, signed_in):
    admin = in_english(signed_in("admin"))
    response = import_document(admin, with_cmp_number('"03 338 32 67"'))
    page = admin.get(response.location).get_data(as_text=True)
    assert "The file is now the draft. Preview it, then publish it." in flashes(page)
    assert "1 change to publish" in page
    assert store.current_version(staff_app.config["DATA_DIR"]) == 0


BROKEN = [
    ("[regions.name", "Not imported: not valid TOML"),
    (with_cmp_number('"03 338 32"'), "phone '03 338 32' is not a valid BE number"),
    (
        defaults().replace('fr = "Anvers (Flandre)"\n', "", 1),
        "regions[0] (antwerpen).name: no 'fr' text",
    ),
    (defaults().replace("format = 1", "format = 2", 1), "format must be 1, not 2"),
    ("Zo\xeby".encode("latin-1"), "The file is not UTF-8 text."),
    (b"", "Not imported"),
]


@pytest.mark.parametrize(("document", "message"), BROKEN)
def test_a_broken_file_is_refused_with_its_problem_and_nothing_changes(
    staff_app, signed_in, document, message
):
    data_dir = staff_app.config["DATA_DIR"]
    admin = in_english(signed_in("admin"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    draft = store.read_draft(data_dir)
    entries = len(audit.read_entries(data_dir))

    response = import_document(admin, document)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'")
    assert 'id="document-error"' in page and 'aria-invalid="true"' in page
    assert store.read_draft(data_dir) == draft
    assert len(audit.read_entries(data_dir)) == entries


def test_replacing_unpublished_changes_needs_the_box_ticked(staff_app, signed_in):
    data_dir = staff_app.config["DATA_DIR"]
    admin = in_english(signed_in("admin"))
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    draft = store.read_draft(data_dir)
    form = admin.get("/staff/content/import").get_data(as_text=True)
    assert "the draft has unpublished changes (last saved by" in form

    response = import_document(admin, with_cmp_number('"03 338 32 68"'), replace=False)

    assert response.status_code == 400
    assert "Tick this box to replace the draft&#39;s changes." in response.get_data(as_text=True)
    assert store.read_draft(data_dir) == draft
    assert import_document(admin, with_cmp_number('"03 338 32 68"')).status_code == 302
    assert '"03 338 32 68"' in store.read_draft(data_dir)["text"]


def test_a_file_larger_than_a_request_may_be_still_imports(staff_app, signed_in):
    """The app takes no request over 64 KB; the import takes files up to 256 KB."""
    admin = in_english(signed_in("admin"))
    padded = with_cmp_number('"03 338 32 67"') + ("# notes of the CMP\n" * 6000)
    assert 64 * 1024 < len(padded.encode()) < 256 * 1024
    assert import_document(admin, padded).status_code == 302
    assert store.read_draft(staff_app.config["DATA_DIR"])["text"] == padded


@pytest.mark.parametrize("size", [256 * 1024 + 1, 400 * 1024])
def test_a_file_over_256_kb_is_refused(staff_app, signed_in, size):
    admin = in_english(signed_in("admin"))
    text = defaults() + "#" * (size - len(defaults().encode()))
    response = import_document(admin, text)
    page = admin.get(response.location).get_data(as_text=True) if response.location else ""
    page = page or response.get_data(as_text=True)
    assert "The file is too large (at most 256 KB)." in page
    assert store.read_draft(staff_app.config["DATA_DIR"]) is None


def test_the_cli_exports_and_imports_the_same_document(staff_app, tmp_path):
    runner = staff_app.test_cli_runner()
    exported = tmp_path / "guidance.toml"
    result = runner.invoke(args=["content", "export", str(exported)])
    assert result.exit_code == 0, result.output
    assert exported.read_bytes() == defaults().encode()

    exported.write_text(with_cmp_number('"03 338 32 67"'), encoding="utf-8")
    result = runner.invoke(args=["content", "import", str(exported)])

    assert result.exit_code == 0, result.output
    draft = store.read_draft(staff_app.config["DATA_DIR"])
    assert draft["text"] == exported.read_text(encoding="utf-8")
    assert draft["by"] == "command line"
    assert store.current_version(staff_app.config["DATA_DIR"]) == 0
    again = tmp_path / "draft.toml"
    runner.invoke(args=["content", "export", "--draft", str(again)])
    assert again.read_bytes() == exported.read_bytes()


def test_the_cli_refuses_a_broken_file_with_exit_code_1(staff_app, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(defaults().replace(OLD_NUMBER, '"call us"', 1), encoding="utf-8")
    result = staff_app.test_cli_runner().invoke(args=["content", "import", str(broken)])
    assert result.exit_code == 1
    assert "not imported, nothing changed:" in result.output
    assert "phone 'call us' cannot be parsed" in result.output
    assert store.read_draft(staff_app.config["DATA_DIR"]) is None
