"""With CSRF on (as in production): the guidance changes only with the form's token."""

import io

from pwa.storage import audit
from pwa.storage import guidance as store
from tests.content_helpers import in_english, panel_fields, with_cmp_number
from tests.test_staff_csrf import csrf_app, sign_in_through_the_forms, token_from  # noqa: F401


def upload(client, text: str, **fields):
    data = {"document": (io.BytesIO(text.encode()), "guidance.toml"), **fields}
    return client.post("/staff/content/import", data=data, content_type="multipart/form-data")


def test_no_guidance_change_without_the_token(csrf_app):  # noqa: F811
    data_dir = csrf_app.config["DATA_DIR"]
    admin = sign_in_through_the_forms(csrf_app)
    entries = len(audit.read_entries(data_dir))

    assert upload(admin, with_cmp_number('"03 338 32 67"')).status_code == 400
    for url, data in [
        ("/staff/content/publish", {"expected": "0", "draft_digest": "x"}),
        ("/staff/content/discard", {"confirm": "y"}),
        ("/staff/content/rollback/0", {"expected": "0", "confirm": "y"}),
    ]:
        assert admin.post(url, data=data).status_code == 400, url

    assert store.read_draft(data_dir) is None
    assert store.current_version(data_dir) == 0
    assert len(audit.read_entries(data_dir)) == entries


def test_with_the_token_an_import_and_a_publish_go_through(csrf_app):  # noqa: F811
    data_dir = csrf_app.config["DATA_DIR"]
    admin = sign_in_through_the_forms(csrf_app)
    token = token_from(admin.get("/staff/content/import"))
    # Larger than the 64 KB any other request may be: the import's own limit applies before
    # the CSRF check reads the form.
    padded = with_cmp_number('"03 338 32 67"') + "# notes\n" * 10000
    assert len(padded) > 64 * 1024

    assert upload(admin, padded, csrf_token=token).status_code == 302
    assert store.read_draft(data_dir)["text"] == padded
    token = token_from(admin.get("/staff/content/"))
    published = admin.post(
        "/staff/content/publish", data={**panel_fields(admin), "csrf_token": token}
    )

    assert published.status_code == 302
    assert store.current_version(data_dir) == 1


def test_an_upload_over_the_limit_gets_a_message_not_an_error_page(csrf_app):  # noqa: F811
    admin = in_english(sign_in_through_the_forms(csrf_app))
    token = token_from(admin.get("/staff/content/import"))
    response = upload(admin, "#" * (400 * 1024), csrf_token=token)
    assert response.status_code == 302
    page = admin.get(response.location).get_data(as_text=True)
    assert "The file is too large (at most 256 KB)." in page
    assert store.read_draft(csrf_app.config["DATA_DIR"]) is None
