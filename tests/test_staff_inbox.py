"""The inbox, the flow's steps, the reporter's receipt, links, export and the audit log."""

import datetime as dt
import re
from pathlib import Path

import pyotp

from pwa.storage import audit, concerns, inbox, links, staff


def references_on(html: str) -> list[str]:
    return re.findall(r'<a href="/staff/concerns/[^"]+">(CMP-\d{4}-\d{4})</a>', html)


def walk_to(client, concern_id, target, agreement="We start a trajectory.", note="next"):
    """Take a concern along the flow through the workspace's own forms."""
    steps = {
        "clarification": {"advance": "1", "note": note},
        "case_discussion": {"q_need": "Remarks in class", "advance": "1", "note": note},
        "follow_up": {"done_expert-team": "y", "date_expert-team": "2026-03-02", "advance": "1"},
        "closed": {"options": ["cmp-trajectory"], "agreement": agreement, "advance": "1"},
    }
    for status in list(steps)[: list(steps).index(target) + 1]:
        response = client.post(f"/staff/concerns/{concern_id}/step", data=steps[status])
        assert response.status_code == 302


def test_inbox_lists_newest_first_with_the_summary(signed_in, make_concern):
    first = make_concern(school="Atheneum Deurne")
    second = make_concern(kind="consult", school="Sint-Lievenscollege", urgent=True)
    html = signed_in().get("/staff/inbox").get_data(as_text=True)
    assert references_on(html) == [second["reference"], first["reference"]]
    assert "Sint-Lievenscollege" in html and "Informatieconsult" in html  # Dutch by default
    assert html.count('<span class="badge urgent">Dringend</span>') == 1
    assert "2 meldingen" in html


def test_inbox_filters_searches_and_pages(signed_in, make_concern, staff_app):
    made = [make_concern(school=f"School {n:02d}") for n in range(22)]
    consult = make_concern(kind="consult", school="Het Consultlyceum")
    client = signed_in()
    inbox.transition(staff_app.config["DATA_DIR"], made[0]["id"], "clarification", "t")

    page1 = client.get("/staff/inbox").get_data(as_text=True)
    page2 = client.get("/staff/inbox?page=2").get_data(as_text=True)
    assert len(references_on(page1)) == 20 and len(references_on(page2)) == 3
    assert "Pagina 2 van 2" in page2
    assert set(references_on(page1)).isdisjoint(references_on(page2))

    kinds = client.get("/staff/inbox?kind=consult").get_data(as_text=True)
    assert references_on(kinds) == [consult["reference"]]
    status = client.get("/staff/inbox?status=clarification").get_data(as_text=True)
    assert references_on(status) == [made[0]["reference"]]
    school = client.get("/staff/inbox?q=school 07").get_data(as_text=True)
    assert references_on(school) == [made[7]["reference"]]
    by_ref = client.get(f"/staff/inbox?q={made[3]['reference'].lower()}").get_data(as_text=True)
    assert references_on(by_ref) == [made[3]["reference"]]


def test_new_concerns_since_the_last_visit_are_marked_in_words(staff_app, signed_in, make_concern):
    now = dt.datetime.now(dt.UTC)
    seen = make_concern(received=now - dt.timedelta(hours=2))
    first_visit = signed_in(email="n@cmp.example")
    html = first_visit.get("/staff/inbox").get_data(as_text=True)
    assert '<span class="badge new">Nieuw</span>' in html  # never visited: all is new
    first_visit.post("/staff/logout")
    arrived = make_concern(received=now + dt.timedelta(minutes=5))

    client = staff_app.test_client()
    client.post(
        "/staff/login", data={"email": "n@cmp.example", "password": "a long staff password"}
    )
    secret = staff.get_account(staff_app.config["DATA_DIR"], "n@cmp.example")["totp_secret"]
    later = now + dt.timedelta(seconds=30)  # the set-up code cannot be used twice
    client.post("/staff/totp", data={"code": pyotp.TOTP(secret).at(later)})
    html = client.get("/staff/inbox").get_data(as_text=True)
    marked = re.findall(r">(CMP-\d{4}-\d{4})</a>\s*(<span class=\"badge new\">Nieuw</span>)?", html)
    assert dict(marked) == {
        arrived["reference"]: '<span class="badge new">Nieuw</span>',
        seen["reference"]: "",
    }


def test_the_flow_to_follow_up_reaches_the_reporters_receipt(staff_app, signed_in, make_concern):
    client = signed_in()
    receipt = make_concern()
    walk_to(client, receipt["id"], "follow_up")
    client.post(
        f"/staff/concerns/{receipt['id']}/step",
        data={
            "options": ["refer-social-intervention"],
            "agreement": "Call on Monday.",
            "save": "1",
        },
    )
    client.post(f"/staff/concerns/{receipt['id']}/note", data={"text": "INTERNAL-ONLY remark"})
    api = staff_app.test_client().get(
        f"/api/receipts/{receipt['reference']}",
        headers={"X-Receipt-Token": receipt["receipt_token"]},
    )
    assert api.status_code == 200
    answer = api.get_json()
    assert answer["status"] == "follow_up" and answer["follow_up"] == "Call on Monday."
    assert set(answer) == {"reference", "status", "updated_at", "follow_up", "follow_up_sealed"}
    assert answer["follow_up_sealed"] is None  # sent without a receipt key: plain, as before
    assert "INTERNAL-ONLY" not in api.get_data(as_text=True)
    assert "next" not in api.get_data(as_text=True)  # the transition notes stay inside too


def test_each_transition_records_who_when_and_a_note(staff_app, signed_in, make_concern):
    client = signed_in()
    receipt = make_concern()
    walk_to(client, receipt["id"], "closed", note="moving on")
    record = concerns.get_concern(staff_app.config["DATA_DIR"], receipt["id"])
    assert [h["status"] for h in record["history"]] == [
        "clarification",
        "case_discussion",
        "follow_up",
        "closed",
    ]
    assert all(h["by"] == client.email and h["at"] for h in record["history"])
    assert record["history"][0]["note"] == "moving on"
    assert record["clarification"]["need"] == "Remarks in class"
    assert record["case_discussion"]["expert-team"]["date"] == "2026-03-02"
    assert record["follow_up_options"] == ["cmp-trajectory"] and record["closed_at"]


def test_the_flow_asks_for_the_expert_team_and_the_agreement(staff_app, signed_in, make_concern):
    client = signed_in()
    receipt = make_concern()
    walk_to(client, receipt["id"], "case_discussion")
    url = f"/staff/concerns/{receipt['id']}/step"
    response = client.post(url, data={"advance": "1"}, follow_redirects=True)
    assert "expertenteam" in response.get_data(as_text=True)
    client.post(url, data={"done_expert-team": "y", "advance": "1"})
    response = client.post(url, data={"options": [], "agreement": "", "advance": "1"})
    record = concerns.get_concern(staff_app.config["DATA_DIR"], receipt["id"])
    assert record["status"] == "follow_up"  # not closed without an agreement
    today = dt.datetime.now(dt.UTC).date()
    assert abs(dt.date.fromisoformat(record["case_discussion"]["expert-team"]["date"]) - today) <= (
        dt.timedelta(days=1)
    )


def test_the_concern_page_shows_the_seeds_questions_and_options(signed_in, make_concern):
    client = signed_in()
    receipt = make_concern()
    walk_to(client, receipt["id"], "clarification")
    html = client.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    assert "Gaat het effectief om radicalisering of om een bredere problematiek?" in html
    client.post(f"/staff/concerns/{receipt['id']}/step", data={"advance": "1"})
    html = client.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    assert "Sociale Interventie" in html and 'type="date"' in html


def test_linked_concerns_read_as_one_chronology(staff_app, signed_in, make_concern):
    client = signed_in()
    first, second = make_concern(pupil_ref="JD"), make_concern(pupil_ref="JD")
    walk_to(client, first["id"], "clarification", note="first concern's step")
    response = client.post(
        f"/staff/concerns/{second['id']}/link", data={"reference": first["reference"]}
    )
    assert response.status_code == 302
    html = client.get(f"/staff/concerns/{second['id']}").get_data(as_text=True)
    chronology = html.split('id="chronology"')[1]
    assert chronology.count("Melding ontvangen") == 2
    assert "first concern&#39;s step" in chronology and first["reference"] in chronology
    back = client.get(f"/staff/concerns/{first['id']}").get_data(as_text=True)
    assert second["reference"] in back.split('id="links"')[1]
    client.post(f"/staff/concerns/{second['id']}/unlink", data={"other": first["id"]})
    data_dir = staff_app.config["DATA_DIR"]
    assert links.linked_ids(data_dir, first["id"]) == []
    assert links.linked_ids(data_dir, second["id"]) == []
    assert "Niet gekoppeld" in client.get(f"/staff/concerns/{first['id']}").get_data(as_text=True)


def test_export_only_for_a_closed_concern_and_printable(signed_in, make_concern):
    client = signed_in()
    receipt = make_concern()
    assert client.get(f"/staff/concerns/{receipt['id']}/export").status_code == 404
    walk_to(client, receipt["id"], "closed", agreement="Referred to drop-out prevention.")
    response = client.get(f"/staff/concerns/{receipt['id']}/export")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and receipt["reference"] in html
    assert "Referred to drop-out prevention." in html and 'class="export"' in html


def test_every_view_change_export_and_deletion_is_audited(staff_app, signed_in, make_concern):
    data_dir = staff_app.config["DATA_DIR"]
    admin = signed_in(role="admin")
    receipt = make_concern()
    ref = receipt["reference"]
    admin.get(f"/staff/concerns/{receipt['id']}")
    walk_to(admin, receipt["id"], "closed")
    admin.get(f"/staff/concerns/{receipt['id']}/export")
    admin.post(f"/staff/concerns/{receipt['id']}/delete", data={"confirm": "y"})
    assert concerns.get_concern(data_dir, receipt["id"]) is None
    actions = [e["action"] for e in reversed(audit.read_entries(data_dir, ref))]
    assert actions[0] == "view" and actions[-2:] == ["export", "delete"]
    assert {"status:clarification", "status:case_discussion", "status:follow_up"} <= set(actions)
    assert "status:closed" in actions
    assert all(e["who"] == admin.email for e in audit.read_entries(data_dir, ref))
    page = admin.get(f"/staff/audit?reference={ref}").get_data(as_text=True)
    assert page.count(f"<td>{ref}</td>") == len(actions)


def test_only_admins_read_the_audit_log_and_delete(signed_in, make_concern):
    client = signed_in(role="staff")
    receipt = make_concern()
    assert client.get("/staff/audit").status_code == 403
    assert (
        client.post(f"/staff/concerns/{receipt['id']}/delete", data={"confirm": "y"}).status_code
        == 403
    )
    assert "Deze melding verwijderen" not in client.get(
        f"/staff/concerns/{receipt['id']}"
    ).get_data(as_text=True)


def test_the_audit_log_is_only_ever_appended_to(staff_app):
    data_dir = staff_app.config["DATA_DIR"]
    audit.record(data_dir, "a", "view", "CMP-2026-0001")
    path = next(Path(data_dir).rglob("audit.jsonl"))
    before = path.read_bytes()
    audit.record(data_dir, "b", "export", "CMP-2026-0001")
    assert path.read_bytes().startswith(before)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with path.open("ab") as handle:
        handle.write(b'{"at": "cut short')  # a crash in the middle of an append
    audit.record(data_dir, "c", "delete", "CMP-2026-0001")
    assert [e["who"] for e in audit.read_entries(data_dir)] == ["c", "b", "a"]


def test_the_reporter_can_be_called_back_with_one_tap(signed_in, make_concern):
    client = signed_in()
    receipt = make_concern(reporter_phone="+32470123456")
    html = client.get(f"/staff/concerns/{receipt['id']}").get_data(as_text=True)
    assert '<a class="call-back" href="tel:+32470123456">+32470123456</a>' in html
