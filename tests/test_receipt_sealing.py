"""The reporter's receipt key: the follow-up agreement reaches the phone sealed, never in clear.

The phone's side is played here by an independent opener written from the scheme in
pwa/receipt_sealing.py's docstring (the browser test opens it with WebCrypto).
"""

import base64
import json
import uuid
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from pwa import sealing
from pwa.receipt_sealing import InvalidPhoneKey, parse_phone_key, seal_for_phone
from pwa.storage import keys
from pwa.storage.concerns import get_concern, list_concerns
from tests.samples import valid_concern
from tests.sealed_helpers import granted, init_keys
from tests.test_staff_inbox import walk_to

AGREEMENT = "Gesprek met het CLB-anker op dinsdag; het CMP volgt op. Één afspraak — ok ✓"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def point(public_key) -> bytes:
    return public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


class Phone:
    """What the phone holds: a P-256 private key; it sends only the public point."""

    def __init__(self, curve=None):
        self.private_key = ec.generate_private_key(curve or ec.SECP256R1())
        self.key_text = b64(point(self.private_key.public_key()))

    def open(self, sealed: dict) -> str:
        """ECDH, HKDF-SHA256 (no salt, info = label || both points), AES-256-GCM."""
        assert sealed["version"] == 1
        ephemeral_point = unb64(sealed["ephemeral_key"])
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ephemeral_point)
        secret = self.private_key.exchange(ec.ECDH(), ephemeral)
        info = b"wegwijzer receipt v1" + ephemeral_point + point(self.private_key.public_key())
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)
        plain = AESGCM(key).decrypt(unb64(sealed["nonce"]), unb64(sealed["ciphertext"]), None)
        return plain.decode("utf-8")


# ---------------------------------------------------------------- the scheme


def test_a_sealed_agreement_opens_with_the_phones_private_key_only():
    phone = Phone()
    sealed = seal_for_phone(parse_phone_key(phone.key_text), AGREEMENT)
    assert set(sealed) == {"version", "ephemeral_key", "nonce", "ciphertext"}
    assert len(unb64(sealed["ephemeral_key"])) == 65 and len(unb64(sealed["nonce"])) == 12
    assert len(unb64(sealed["ciphertext"])) == len(AGREEMENT.encode()) + 16  # + the GCM tag
    assert AGREEMENT not in json.dumps(sealed, ensure_ascii=False)
    assert phone.open(sealed) == AGREEMENT
    long_text = "x" * 5000
    assert phone.open(seal_for_phone(parse_phone_key(phone.key_text), long_text)) == long_text
    with pytest.raises(InvalidTag):
        Phone().open(sealed)  # another phone's key (another concern's) cannot open it


def test_every_sealing_is_fresh():
    key = parse_phone_key(Phone().key_text)
    first, second = seal_for_phone(key, AGREEMENT), seal_for_phone(key, AGREEMENT)
    for part in ("ephemeral_key", "nonce", "ciphertext"):
        assert first[part] != second[part]


def flip_last_bit(text: str) -> str:
    data = bytearray(unb64(text))
    data[-1] ^= 1
    return b64(bytes(data))


@pytest.mark.parametrize("part", ["ciphertext", "nonce"])
def test_a_tampered_ciphertext_or_nonce_never_opens(part):
    phone = Phone()
    sealed = seal_for_phone(parse_phone_key(phone.key_text), AGREEMENT)
    with pytest.raises(InvalidTag):
        phone.open({**sealed, part: flip_last_bit(sealed[part])})
    cut = {**sealed, "ciphertext": b64(unb64(sealed["ciphertext"])[:-1])}  # the tag cut short
    with pytest.raises(InvalidTag):
        phone.open(cut)


def test_a_swapped_ephemeral_key_never_opens():
    phone = Phone()
    sealed = seal_for_phone(parse_phone_key(phone.key_text), AGREEMENT)
    other = b64(point(ec.generate_private_key(ec.SECP256R1()).public_key()))
    with pytest.raises(InvalidTag):
        phone.open({**sealed, "ephemeral_key": other})
    with pytest.raises(ValueError):  # a point off the curve is refused before any decryption
        phone.open({**sealed, "ephemeral_key": flip_last_bit(sealed["ephemeral_key"])})


def off_the_curve(key_text: str) -> str:
    """The same x with y + 1: 65 bytes that look right but are no point of P-256."""
    raw = unb64(key_text)
    y = (int.from_bytes(raw[33:], "big") + 1).to_bytes(32, "big")
    return b64(raw[:33] + y)


def compressed(key_text: str) -> str:
    key = parse_phone_key(key_text)
    return b64(key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint))


GOOD = Phone().key_text
BAD_KEYS = {
    "P-384 key (wrong curve)": (Phone(ec.SECP384R1()).key_text, "not_p256"),
    "P-521 key (wrong curve)": (Phone(ec.SECP521R1()).key_text, "not_p256"),
    "not on the curve": (off_the_curve(GOOD), "not_on_curve"),
    "compressed point": (compressed(GOOD), "not_p256"),
    "point at infinity": (b64(b"\x00" * 65), "not_p256"),
    "garbage": ("*" * 87, "encoding"),
    "standard base64 with padding": (base64.b64encode(unb64(GOOD)).decode(), "not_p256"),
    "too large": ("A" * 2000, "not_p256"),
    "empty-ish": ("=", "not_p256"),
    "JSON instead of text": ({"kty": "EC"}, "encoding"),
}


@pytest.mark.parametrize("name", list(BAD_KEYS))
def test_bad_phone_keys_are_refused_with_their_reason(name):
    text, reason = BAD_KEYS[name]
    with pytest.raises(InvalidPhoneKey) as refused:
        parse_phone_key(text)
    assert refused.value.reason == reason


def test_leftover_bits_in_the_text_are_refused():
    # 87 characters carry 522 bits for 520: another last character can decode to the same key.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = GOOD[:-1] + alphabet[alphabet.index(GOOD[-1]) ^ 1]
    assert unb64(twin) == unb64(GOOD)
    with pytest.raises(InvalidPhoneKey):
        parse_phone_key(twin)
    assert point(parse_phone_key(GOOD)) == unb64(GOOD)


# ---------------------------------------------------------------- the API and the store


@pytest.fixture
def api(staff_app):
    """POST /api/concerns on the app whose workspace the tests also use (CSRF off)."""
    client = staff_app.test_client()

    def send(body, key=None, lang="en"):
        return client.post(
            f"/api/concerns?lang={lang}",
            json=body,
            headers={"Idempotency-Key": key or str(uuid.uuid4())},
        )

    return send


def stored_files(staff_app) -> list[str]:
    """What the concerns folder holds besides its lock: concern files, claims, references."""
    folder = Path(staff_app.config["DATA_DIR"]) / "concerns"
    if not folder.exists():
        return []
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith(".lock"))


MESSAGES = {
    "not_p256": "The phone's receipt key is not a P-256 public key (65 bytes, uncompressed).",
    "not_on_curve": "The phone's receipt key is not a point on the P-256 curve.",
    "encoding": "The phone's receipt key is not base64url text.",
}


@pytest.mark.parametrize("name", [n for n in BAD_KEYS if n != "JSON instead of text"])
def test_a_bad_key_is_refused_at_post_and_nothing_is_stored(staff_app, api, name):
    text, reason = BAD_KEYS[name]
    response = api(valid_concern(receipt_key=text))
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"receipt_key": [MESSAGES[reason]]}}
    assert list_concerns(staff_app.config["DATA_DIR"]) == []
    assert stored_files(staff_app) == []


def test_a_huge_key_is_refused_by_the_body_limit_and_nothing_is_stored(staff_app, api):
    assert api(valid_concern(receipt_key="A" * 100_000)).status_code == 413
    assert stored_files(staff_app) == []


def test_a_key_sent_as_json_is_refused_and_the_message_speaks_the_language(staff_app, api):
    response = api(valid_concern(receipt_key={"kty": "EC", "crv": "P-256"}))
    assert response.get_json() == {"errors": {"receipt_key": ["Must be text."]}}
    dutch = api(valid_concern(receipt_key=off_the_curve(GOOD)), lang="nl").get_json()
    assert dutch["errors"]["receipt_key"] == [
        "De ontvangstsleutel van de telefoon is geen punt op de P-256-curve."
    ]
    assert list_concerns(staff_app.config["DATA_DIR"]) == []


def receipt_answer(staff_app, sent: dict):
    response = staff_app.test_client().get(
        f"/api/receipts/{sent['reference']}", headers={"X-Receipt-Token": sent["receipt_token"]}
    )
    assert response.status_code == 200
    return response


def test_the_receipt_gives_the_agreement_sealed_to_the_phone_and_never_in_clear(
    staff_app, api, signed_in
):
    phone = Phone()
    sent = api(valid_concern(receipt_key=phone.key_text, kind="registration"))
    assert sent.status_code == 201
    sent = sent.get_json()
    data_dir = staff_app.config["DATA_DIR"]
    record = get_concern(data_dir, sent["id"])
    assert record["receipt_key"] == phone.key_text
    assert "receipt_key" not in record["fields"]  # not something the teacher wrote
    assert receipt_answer(staff_app, sent).get_json()["follow_up_sealed"] is None  # none yet

    walk_to(signed_in(), sent["id"], "closed", agreement=AGREEMENT)
    response = receipt_answer(staff_app, sent)
    answer = response.get_json()
    assert answer["status"] == "closed" and answer["follow_up"] is None
    assert phone.open(answer["follow_up_sealed"]) == AGREEMENT
    assert "CLB-anker" not in response.get_data(as_text=True)

    on_disk = (Path(data_dir) / "concerns" / f"{sent['id']}.json").read_text()
    stored = json.loads(on_disk)["concern"]["1"]
    assert phone.open(stored["follow_up_for_phone"]) == AGREEMENT
    # Without keys (no `keys init`), staff's copy is plain like the rest of the concern (the
    # app warns at start-up); with keys it is sealed: the next test.
    assert stored["follow_up"] == AGREEMENT


def test_with_keys_the_agreement_is_stored_only_sealed_to_the_cmp_and_to_the_phone(staff_app, api):
    token = init_keys(staff_app)
    phone = Phone()
    sent = api(valid_concern(receipt_key=phone.key_text)).get_json()
    worker = granted(staff_app, token, "worker@cmp.example")
    walk_to(worker, sent["id"], "closed", agreement=AGREEMENT)
    data_dir = staff_app.config["DATA_DIR"]
    on_disk = (Path(data_dir) / "concerns" / f"{sent['id']}.json").read_text()
    assert AGREEMENT not in on_disk and json.dumps(AGREEMENT)[1:-1] not in on_disk
    stored = json.loads(on_disk)["concern"]["1"]
    keyring = keys.open_cmp_key_with_recovery(data_dir, token)
    assert sealing.open_value(keyring, stored["follow_up"]) == AGREEMENT  # for staff
    assert phone.open(stored["follow_up_for_phone"]) == AGREEMENT  # for the phone
    answer = receipt_answer(staff_app, sent).get_json()
    assert answer["follow_up"] is None and phone.open(answer["follow_up_sealed"]) == AGREEMENT
    page = worker.get(f"/staff/concerns/{sent['id']}").get_data(as_text=True)
    assert AGREEMENT in page


def test_with_keys_a_concern_without_a_phone_key_gets_no_agreement_text(staff_app, api):
    """The server cannot open what it sealed: the teacher asks the CMP (a documented limit)."""
    token = init_keys(staff_app)
    sent = api(valid_concern()).get_json()
    walk_to(granted(staff_app, token, "w@cmp.example"), sent["id"], "closed", agreement=AGREEMENT)
    answer = receipt_answer(staff_app, sent)
    assert answer.get_json()["follow_up"] is None and answer.get_json()["status"] == "closed"
    assert "sealed:v1" not in answer.get_data(as_text=True)


def test_a_changed_agreement_is_sealed_again_and_a_cleared_one_is_gone(staff_app, api, signed_in):
    phone = Phone()
    sent = api(valid_concern(receipt_key=phone.key_text)).get_json()
    client = signed_in()
    walk_to(client, sent["id"], "follow_up")
    url = f"/staff/concerns/{sent['id']}/step"
    for agreement in ("First agreement.", "Second agreement."):
        client.post(url, data={"options": ["cmp-trajectory"], "agreement": agreement, "save": "1"})
        sealed = receipt_answer(staff_app, sent).get_json()["follow_up_sealed"]
        assert phone.open(sealed) == agreement
    client.post(url, data={"options": [], "agreement": "", "save": "1"})
    assert receipt_answer(staff_app, sent).get_json()["follow_up_sealed"] is None


def test_a_replay_with_the_same_key_is_one_concern_and_another_key_is_refused(staff_app, api):
    body = valid_concern(receipt_key=Phone().key_text)
    key = str(uuid.uuid4())
    first, again = api(body, key=key), api(body, key=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json() == again.get_json()
    other = api({**body, "receipt_key": Phone().key_text}, key=key)
    assert other.status_code == 422 and other.get_json() == {"error": "idempotency_key_reused"}
    assert len(list_concerns(staff_app.config["DATA_DIR"])) == 1


def test_a_concern_without_a_key_gets_its_agreement_as_before(staff_app, api, signed_in):
    sent = api(valid_concern()).get_json()  # an older app: no receipt_key
    assert get_concern(staff_app.config["DATA_DIR"], sent["id"])["receipt_key"] is None
    walk_to(signed_in(), sent["id"], "closed", agreement=AGREEMENT)
    answer = receipt_answer(staff_app, sent).get_json()
    assert answer["follow_up"] == AGREEMENT and answer["follow_up_sealed"] is None


def test_the_phones_receipt_key_script_is_kept_offline_and_run_by_the_worker(client):
    worker = client.get("/sw.js").get_data(as_text=True)
    assert '"/static/receipt-key.js?v=' in worker  # in the precached shell
    assert "assetUrl('receipt-key.js')" in worker  # Background Sync sends with the key too
    for page in ("/en/concerns/", "/en/concerns/new"):
        html = client.get(page).get_data(as_text=True)
        assert html.index("drafts-db.js") < html.index("receipt-key.js") < html.index("outbox.js")
