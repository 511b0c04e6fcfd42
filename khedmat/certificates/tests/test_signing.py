"""Signatures over the public content of official documents: pure functions, no database."""
import base64
import hashlib
import json
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from khedmat.certificates import signing

PAYLOAD = {
    "v": 1,
    "type": "license",
    "number": "LIC-1404-000017",
    "holder": "زهرا احمدی",
    "holder_id": "******1234",
    "scope": [{"label": "رشته", "value": "ابنیه"}],
    "issued": "2025-05-01",
    "valid_until": None,
}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.fixture
def ring(tmp_path):
    return signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "keys")


# --- canonical ------------------------------------------------------------------------------------------------


def test_canonical_is_independent_of_key_order_and_stable():
    shuffled = dict(reversed(list(PAYLOAD.items())))
    assert signing.canonical(PAYLOAD) == signing.canonical(shuffled)
    assert signing.canonical({"b": 1, "a": {"d": [1, "x"], "c": None}}) == b'{"a":{"c":null,"d":[1,"x"]},"b":1}'


def test_canonical_keeps_persian_as_utf8():
    assert signing.canonical({"holder": "زهرا"}) == '{"holder":"زهرا"}'.encode()


@pytest.mark.parametrize("payload", [{"fee": 1.5}, {"a": [1, 2.0]}, {"a": {"b": float("nan")}}])
def test_canonical_refuses_floats(payload):
    with pytest.raises(TypeError, match="float"):
        signing.canonical(payload)


@pytest.mark.parametrize("payload", [{1: "a"}, {"a": {None: 1}}])
def test_canonical_refuses_non_string_keys(payload):
    with pytest.raises(TypeError, match="not a string"):
        signing.canonical(payload)


def test_canonical_refuses_other_types():
    with pytest.raises(TypeError):
        signing.canonical({"a": object()})
    with pytest.raises(TypeError):
        signing.canonical(["not", "a", "dict"])


# --- keys -----------------------------------------------------------------------------------------------------


def test_key_id_is_sixteen_hex_chars_of_the_sha256():
    raw = bytes(range(32))
    assert len(signing.key_id(raw)) == 16
    assert signing.key_id(raw) == hashlib.sha256(raw).hexdigest()[:16]


def test_development_key_is_generated_once_and_reused(tmp_path):
    key_dir = tmp_path / "var" / "keys"
    first = signing.load_keyring(private_key_pem=None, key_dir=key_dir)
    files = list(key_dir.glob("signing-*.pem"))
    assert [f.name for f in files] == [f"signing-{first.active_id}.pem"]
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert list(key_dir.iterdir()) == files  # no temporary file left behind

    second = signing.load_keyring(private_key_pem=None, key_dir=key_dir)
    assert second.active_id == first.active_id
    assert list(key_dir.glob("signing-*.pem")) == files
    assert second.public_keys == first.public_keys


def test_private_key_pem_is_used_and_key_dir_is_not_trusted(tmp_path):
    dev_dir = tmp_path / "dev"
    dev = signing.load_keyring(private_key_pem=None, key_dir=dev_dir)
    pem = (dev_dir / f"signing-{dev.active_id}.pem").read_text()

    other_dir = tmp_path / "other"
    stray = signing.load_keyring(private_key_pem=None, key_dir=other_dir)
    production = signing.load_keyring(private_key_pem=pem, key_dir=other_dir)
    assert production.active_id == dev.active_id
    assert stray.active_id not in production.public_keys  # development keys lying around are not trusted

    empty_dir = tmp_path / "never-created"
    signing.load_keyring(private_key_pem=pem, key_dir=empty_dir)
    assert not empty_dir.exists()


def test_a_non_ed25519_private_key_is_refused(tmp_path):
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with pytest.raises(ValueError, match="Ed25519"):
        signing.load_keyring(private_key_pem=pem, key_dir=tmp_path)


def test_bad_retired_public_keys_fail_loudly(tmp_path):
    with pytest.raises(ValueError):
        signing.load_keyring(private_key_pem=None, key_dir=tmp_path, retired_public_keys=["not base64!"])
    with pytest.raises(ValueError, match="32 bytes"):
        signing.load_keyring(
            private_key_pem=None, key_dir=tmp_path, retired_public_keys=[base64.b64encode(b"short").decode()]
        )


# --- sign and verify ------------------------------------------------------------------------------------------


def test_sign_then_verify(ring):
    token = signing.sign(PAYLOAD, ring)
    prefix, kid, body, sig = token.split(".")
    assert (prefix, kid) == ("KH1", ring.active_id)
    assert "=" not in token
    assert _b64url_decode(body) == signing.canonical(PAYLOAD)
    assert len(_b64url_decode(sig)) == 64

    result = signing.verify_token(token, ring.public_keys)
    assert result == signing.Verified(valid=True, payload=PAYLOAD, key_id=ring.active_id, reason="ok")


def test_verify_accepts_surrounding_and_wrapped_whitespace_and_urls(ring):
    token = signing.sign(PAYLOAD, ring)
    assert signing.verify_token(f"  {token}\n", ring.public_keys).valid
    assert signing.verify_token(token[:40] + "\n  " + token[40:], ring.public_keys).valid
    url = f"https://khedmat.example.ir/verify/0b6f2c/?t={token}"
    assert signing.verify_token(url, ring.public_keys).valid


def test_tampered_persian_name_in_payload_is_a_bad_signature(ring):
    token = signing.sign(PAYLOAD, ring)
    prefix, kid, body, sig = token.split(".")
    text = _b64url_decode(body).decode("utf-8")
    assert "زهرا احمدی" in text
    forged_body = _b64url(text.replace("زهرا احمدی", "زهرا احمدى").encode("utf-8"))  # one letter changed
    forged = ".".join([prefix, kid, forged_body, sig])

    result = signing.verify_token(forged, ring.public_keys)
    assert (result.valid, result.reason, result.key_id, result.payload) == (False, "bad_signature", kid, None)


def test_tampered_signature_is_a_bad_signature(ring):
    token = signing.sign(PAYLOAD, ring)
    prefix, kid, body, sig = token.split(".")
    raw = bytearray(_b64url_decode(sig))
    raw[10] ^= 0x01
    result = signing.verify_token(".".join([prefix, kid, body, _b64url(bytes(raw))]), ring.public_keys)
    assert result.reason == "bad_signature"
    assert not result.valid


def test_key_id_swapped_to_another_known_key_is_a_bad_signature(tmp_path):
    ring_a = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "a")
    ring_b = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "b")
    keys = {**ring_a.public_keys, **ring_b.public_keys}
    token = signing.sign(PAYLOAD, ring_a)
    swapped = token.replace(ring_a.active_id, ring_b.active_id, 1)
    assert signing.verify_token(token, keys).valid
    result = signing.verify_token(swapped, keys)
    assert (result.reason, result.key_id) == ("bad_signature", ring_b.active_id)


def test_unknown_key_id(tmp_path, ring):
    other = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "other")
    token = signing.sign(PAYLOAD, other)
    result = signing.verify_token(token, ring.public_keys)
    assert (result.valid, result.reason, result.key_id) == (False, "unknown_key", other.active_id)


def _truncations(token: str) -> list[str]:
    return [token[:n] for n in (3, 4, 10, 20, 21, 60, len(token) - 1)]


def test_garbage_is_malformed_and_never_raises(ring):
    token = signing.sign(PAYLOAD, ring)
    prefix, kid, body, sig = token.split(".")
    not_json = _b64url("زهرا".encode())
    not_canonical = _b64url(json.dumps(PAYLOAD, ensure_ascii=True).encode())
    with_float = _b64url(b'{"a":1.5}')
    duplicate_keys = _b64url(b'{"a":1,"a":2}')
    deep = _b64url(b"[" * 5000 + b"]" * 5000)
    bad_utf8 = _b64url(b"\xff\xfe{}")
    candidates = [
        "", "   ", "KH1", "KH1.", "KH1....", "hello world", "سلام دنیا", "\x00\x01\x02", "🙂" * 100,
        "KH2." + token[4:], token + "X", token + ".extra", token.replace(".", "", 1), token.upper(),
        f"{prefix}.{kid.upper()}.{body}.{sig}", f"{prefix}.{kid[:15]}.{body}.{sig}",
        f"{prefix}.{kid}.{body}=.{sig}", f"{prefix}.{kid}.{body}.{sig}==", f"{prefix}.{kid}.{body}.{sig[:-2]}",
        f"{prefix}.{kid}.{body}!.{sig}", f"{prefix}.{kid}..{sig}",
        f"{prefix}.{kid}.{not_json}.{sig}", f"{prefix}.{kid}.{not_canonical}.{sig}",
        f"{prefix}.{kid}.{with_float}.{sig}", f"{prefix}.{kid}.{duplicate_keys}.{sig}",
        f"{prefix}.{kid}.{deep}.{sig}", f"{prefix}.{kid}.{bad_utf8}.{sig}", f"{prefix}.{kid}.{_b64url(b'[]')}.{sig}",
        "KH1." + "a" * 100_000, "https://example.ir/verify/x/?t=nothing", "https://[broken/?t=KH1.",
        *_truncations(token),
    ]
    for candidate in candidates:
        result = signing.verify_token(candidate, ring.public_keys)
        assert (result.valid, result.reason, result.payload) == (False, "malformed", None), candidate[:80]


@pytest.mark.parametrize("value", [None, 42, b"KH1.abc", ["KH1."]])
def test_non_strings_are_malformed(ring, value):
    assert signing.verify_token(value, ring.public_keys).reason == "malformed"


def test_non_canonical_base64_spelling_is_refused(ring):
    """Unused low bits in the last base64 character would give a second token for the same signature."""
    token = signing.sign(PAYLOAD, ring)
    prefix, kid, body, sig = token.split(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(sig[-1])
    respelled = sig[:-1] + alphabet[last | 1]  # 86 chars carry 516 bits for 512: the low 4 bits are unused
    assert respelled != sig and _b64url_decode(respelled) == _b64url_decode(sig)
    assert signing.verify_token(".".join([prefix, kid, body, respelled]), ring.public_keys).reason == "malformed"


# --- rotation and the published keys ---------------------------------------------------------------------------


def test_rotation_keeps_old_tokens_verifiable(tmp_path):
    key_dir = tmp_path / "keys"
    ring_a = signing.load_keyring(private_key_pem=None, key_dir=key_dir)
    token_a = signing.sign(PAYLOAD, ring_a)

    kid_b = signing.keyring_rotate(key_dir=key_dir)
    assert kid_b != ring_a.active_id
    assert stat.S_IMODE(os.stat(key_dir / f"signing-{kid_b}.pem").st_mode) == 0o600
    ring_b = signing.load_keyring(private_key_pem=None, key_dir=key_dir)
    assert ring_b.active_id == kid_b
    token_b = signing.sign({**PAYLOAD, "number": "LIC-1404-000018"}, ring_b)

    assert signing.verify_token(token_a, ring_b.public_keys).valid
    assert signing.verify_token(token_b, ring_b.public_keys).valid

    doc = signing.public_keys_document(ring_b)
    assert doc["keys"] == [
        {"kid": kid_b, "alg": "Ed25519", "public_key": base64.b64encode(ring_b.public_keys[kid_b]).decode(),
         "status": "active"},
        {"kid": ring_a.active_id, "alg": "Ed25519",
         "public_key": base64.b64encode(ring_a.public_keys[ring_a.active_id]).decode(), "status": "retired"},
    ]

    # An offline verifier has nothing but the published JSON.
    published = signing.public_keys_from_document(json.loads(json.dumps(doc)))
    assert published == ring_b.public_keys
    assert signing.verify_token(token_a, published).payload == PAYLOAD
    assert signing.verify_token(token_b, published).valid


def test_repeated_rotations_always_activate_the_newest_key(tmp_path):
    key_dir = tmp_path / "keys"
    kids = [signing.keyring_rotate(key_dir=key_dir) for _ in range(5)]
    ring = signing.load_keyring(private_key_pem=None, key_dir=key_dir)
    assert ring.active_id == kids[-1]
    assert set(ring.public_keys) == set(kids)


def test_retired_public_keys_from_settings_keep_old_tokens_verifiable(tmp_path):
    old = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "old")
    token = signing.sign(PAYLOAD, old)
    new = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "new")
    assert signing.verify_token(token, new.public_keys).reason == "unknown_key"

    retired = base64.b64encode(old.public_keys[old.active_id]).decode()
    new_with_old = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "new", retired_public_keys=[retired])
    assert new_with_old.active_id == new.active_id
    assert signing.verify_token(token, new_with_old.public_keys).valid
    statuses = {k["kid"]: k["status"] for k in signing.public_keys_document(new_with_old)["keys"]}
    assert statuses == {new.active_id: "active", old.active_id: "retired"}


def test_keys_document_that_files_a_key_under_another_id_is_refused(tmp_path):
    ring = signing.load_keyring(private_key_pem=None, key_dir=tmp_path)
    doc = signing.public_keys_document(ring)
    doc["keys"][0]["kid"] = "0" * 16
    with pytest.raises(ValueError, match="does not match"):
        signing.public_keys_from_document(doc)
    for bad in ({}, {"keys": "x"}, {"keys": ["x"]}, [], {"keys": [{"alg": "Ed25519", "status": "active"}]}):
        with pytest.raises(ValueError):
            signing.public_keys_from_document(bad)


def test_keys_document_skips_other_algorithms_and_statuses(tmp_path):
    ring = signing.load_keyring(private_key_pem=None, key_dir=tmp_path)
    doc = signing.public_keys_document(ring)
    entry = doc["keys"][0]
    doc["keys"] = [{**entry, "alg": "RS256"}, {**entry, "status": "revoked"}]
    assert signing.public_keys_from_document(doc) == {}


# --- extract_token --------------------------------------------------------------------------------------------


def test_extract_token_from_a_url_with_other_query_parameters(ring):
    token = signing.sign(PAYLOAD, ring)
    url = f"https://khedmat.example.ir/verify/3f2a9c/?lang=fa&t={token}&utm_source=qr#top"
    assert signing.extract_token(url) == token
    assert signing.extract_token(f"https://khedmat.example.ir/verify/3f2a9c/?t={token}") == token


def test_extract_token_from_text_broken_by_newlines_and_spaces(ring):
    token = signing.sign(PAYLOAD, ring)
    pieces = [token[i:i + 37] for i in range(0, len(token), 37)]
    text = "گواهی صلاحیت\nشماره: LIC-1404-000017\nکد استعلام:\n" + "\n".join(pieces) + "\nصفحه ۱ از ۱"
    assert signing.extract_token(text) == token
    spaced = "token: " + " ".join(token[i:i + 5] for i in range(0, len(token), 5)) + " end of page"
    assert signing.extract_token(spaced) == token
    assert signing.extract_token("K H1.\u200b" + token[4:]) == token
    # A URL printed on a PDF and wrapped over lines.
    wrapped_url = f"https://khedmat.example.ir/verify/3f2a9c/?t={token[:50]}\n{token[50:]}"
    assert signing.extract_token(wrapped_url) == token
    assert signing.verify_token(text, ring.public_keys).valid


@pytest.mark.parametrize(
    "text",
    ["", "   ", "no token here", "https://khedmat.example.ir/verify/3f2a9c/?lang=fa", "KH1.abc.def.ghi", "گواهی", None],
)
def test_extract_token_returns_none_when_absent(text):
    assert signing.extract_token(text) is None


# --- compact codes for QR codes (ADR 0018) ---------------------------------------------------------------------

def _compact_payload():
    return {**PAYLOAD, "code": "048213570066", "number": "4-1405-000012"}


def test_compact_code_round_trip_and_size(ring):
    payload = _compact_payload()
    code = signing.compact_sign(payload, ring)
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") and len(code) <= 180

    for text in (code, f"HTTPS://KHEDMAT.EXAMPLE.IR/V/{code}", f"https://khedmat.example.ir/V/{code.lower()}",
                 f"  {code[:60]}\n{code[60:]} "):
        checked = signing.compact_verify(text, ring.public_keys)
        assert checked.valid and checked.reason == signing.REASON_OK, text
        assert (checked.number, checked.code, checked.key_id) == ("4-1405-000012", "048213570066", ring.active_id)
        assert signing.compact_matches(checked, payload)
    assert signing.compact_sign(payload, ring) == code  # deterministic: the same print, the same QR


def test_compact_code_is_bound_to_the_whole_content(ring):
    checked = signing.compact_verify(signing.compact_sign(_compact_payload(), ring), ring.public_keys)
    altered = {**_compact_payload(), "holder": "زهرا محمدی"}
    assert not signing.compact_matches(checked, altered)
    assert not signing.compact_matches(checked, None)


@pytest.mark.parametrize("index", [0, 3, 12, 20, 30, -1])
def test_every_flipped_bit_of_a_compact_code_is_refused(ring, index):
    data = bytearray(signing._b32_decode_strict(signing.compact_sign(_compact_payload(), ring)))
    data[index] ^= 0x10
    checked = signing.compact_verify(signing._b32(bytes(data)), ring.public_keys)
    assert not checked.valid
    assert checked.reason in (signing.REASON_BAD_SIGNATURE, signing.REASON_MALFORMED, signing.REASON_UNKNOWN_KEY)


def test_compact_code_with_an_unknown_key_or_garbage(tmp_path, ring):
    other = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "other")
    code = signing.compact_sign(_compact_payload(), other)
    assert signing.compact_verify(code, ring.public_keys).reason == signing.REASON_UNKNOWN_KEY
    for garbage in ("", "ABC", "A" * 200, "KH1.abc", None, "https://x.ir/V/" + "A" * 173, "8" * 180):
        assert not signing.compact_verify(garbage, ring.public_keys).valid
    with pytest.raises(ValueError):
        signing.compact_sign({**_compact_payload(), "code": "12"}, ring)
