"""The pages issue #10 added are valid HTML: Staff access, no access yet, a damaged concern."""

from pwa.storage import concerns
from tests.sealed_helpers import granted, init_keys, sign_in
from tests.test_html_valid import html_errors


def test_the_access_and_locked_pages_have_no_html_errors(staff_app, make_concern, tmp_path):
    token = init_keys(staff_app)
    receipt = make_concern()
    damaged = make_concern()
    concerns.update_concern(
        staff_app.config["DATA_DIR"],
        damaged["id"],
        lambda r: r.update(
            sealed=r["sealed"][:-4] + ("AAAA" if r["sealed"][-4:] != "AAAA" else "BBBB")
        ),
    )
    admin = granted(staff_app, token, "admin@cmp.example", role="admin")
    newcomer = sign_in(staff_app, "new@cmp.example", role="admin")
    pages = {
        "access": (admin, "/staff/access"),
        "access-without-keys-of-its-own": (newcomer, "/staff/access"),
        "inbox-no-access": (newcomer, "/staff/inbox"),
        "concern-no-access": (newcomer, f"/staff/concerns/{receipt['id']}"),
        "concern-damaged": (admin, f"/staff/concerns/{damaged['id']}"),
    }
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, (client, path) in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        (folder / f"{name}.html").write_bytes(response.data)
    assert b"cannot be opened" in (folder / "concern-damaged.html").read_bytes()
    errors = html_errors(folder)
    assert not errors, "\n".join(errors)
