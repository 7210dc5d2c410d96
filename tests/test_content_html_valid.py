"""The guidance publishing pages and the preview are valid HTML (Nu Html Checker, as for the
public pages in tests/test_html_valid.py)."""

from tests.content_helpers import import_document, publish, with_cmp_number
from tests.test_html_valid import html_errors


def test_the_publishing_pages_have_no_html_errors(signed_in, tmp_path):
    admin = signed_in("admin")
    import_document(admin, with_cmp_number('"03 338 32 67"'))
    publish(admin)
    import_document(admin, with_cmp_number('"03 338 32 68"'))
    folder = tmp_path / "pages"
    folder.mkdir()
    pages = {
        "overview": "/staff/content/",
        "history": "/staff/content/history",
        "rollback": "/staff/content/rollback/0",
        "import": "/staff/content/import",
        "preview-home": "/staff/content/preview/nl/",
        "preview-flow": "/staff/content/preview/fr/antwerpen/",
        "preview-situations": "/staff/content/preview/en/nederland/",
        "preview-contacts": "/staff/content/preview/nl/contacts/",
        "preview-about": "/staff/content/preview/nl/about/",
    }
    for name, path in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        (folder / f"{name}.html").write_bytes(response.data)
    # Refused twice: the box to replace the draft not ticked, then a broken file.
    for name, replace in (("import-unticked", False), ("import-broken", True)):
        refused = import_document(admin, "[broken", replace=replace)
        assert refused.status_code == 400 and b'class="error"' in refused.data
        (folder / f"{name}.html").write_bytes(refused.data)

    errors = html_errors(folder)
    assert not errors, "\n".join(errors)
    assert len(list(folder.iterdir())) == len(pages) + 2
