"""Ed25519 signatures over the public content of official documents (certificates, licences, letters).

A document's public content is signed into a token, ``KH1.<kid>.<payload>.<signature>``, that the PDF carries;
its QR code carries a compact code tied to that token (``compact_sign``, ADR 0018). Anyone holding the
organization's published public keys can then tell a genuine document from a forged or altered one, online
or offline, with nothing but the token.

This module is framework-free on purpose: the offline verifier (tools/verify_certificate.py) imports it without
Django, so settings values are passed in as arguments.

A valid signature proves who issued the content, not that the document is still in force: revocation,
suspension and expiry are only known to the online verification page.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "KH1"
ALGORITHM = "Ed25519"
KEY_ID_LENGTH = 16
SIGNATURE_LENGTH = 64
PUBLIC_KEY_LENGTH = 32
# A token is read from QR codes, URLs and PDF text: bound the work done on untrusted input.
MAX_TOKEN_LENGTH = 16_384

_KEY_FILE_GLOB = "signing-*.pem"
_B64URL_CHARS = "A-Za-z0-9_-"
# PDF text extraction and e-mail clients break long runs with line breaks, spaces and invisible characters.
_SEP = r"[\s\u200b-\u200d\u2060\ufeff]*"
_SEP_RE = re.compile(_SEP)
_SIG_B64_LENGTH = 86  # 64 bytes, unpadded base64url
_TOKEN_RE = re.compile(
    rf"{PREFIX}\.[0-9a-f]{{{KEY_ID_LENGTH}}}\.[{_B64URL_CHARS}]+\.[{_B64URL_CHARS}]{{{_SIG_B64_LENGTH}}}"
)
# The same shape with separators allowed between any two characters. The signature has a fixed length, so the
# match cannot run on into the words that follow the token in free text.
_TOKEN_IN_TEXT_RE = re.compile(
    "".join(f"{re.escape(c)}{_SEP}" for c in PREFIX + ".")
    + rf"(?:[0-9a-f]{_SEP}){{{KEY_ID_LENGTH}}}\.{_SEP}"
    + rf"(?:[{_B64URL_CHARS}]{_SEP})+\.{_SEP}"
    + rf"(?:[{_B64URL_CHARS}]{_SEP}){{{_SIG_B64_LENGTH - 1}}}[{_B64URL_CHARS}]"
)

REASON_OK = "ok"
REASON_MALFORMED = "malformed"
REASON_UNKNOWN_KEY = "unknown_key"
REASON_BAD_SIGNATURE = "bad_signature"


# --- canonical form -------------------------------------------------------------------------------------------


def _check_canonical_value(value: object, path: str) -> None:
    """Only types with exactly one JSON spelling: floats have several (1.0, 1e0, rounding), so they are refused."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                # json.dumps would turn 1 into "1" and could merge two keys: the signed content would be ambiguous.
                raise TypeError(f"canonical: key {key!r} at {path or '$'} is not a string")
            _check_canonical_value(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_canonical_value(item, f"{path}[{index}]")
    elif isinstance(value, float):
        raise TypeError(f"canonical: float at {path or '$'}; use a string or an integer")
    elif value is not None and not isinstance(value, (str, int)):  # bool is an int
        raise TypeError(f"canonical: {type(value).__name__} at {path or '$'} is not JSON (str, int, bool, None, list, "
                        f"dict)")


def canonical(payload: dict) -> bytes:
    """The exact bytes that are signed: the same payload always gives the same bytes, whatever the key order."""
    if not isinstance(payload, dict):
        raise TypeError("canonical: the payload must be a dict")
    _check_canonical_value(payload, "")
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


# --- keys -----------------------------------------------------------------------------------------------------


def key_id(public_key_raw: bytes) -> str:
    """A short, stable name for a key, derived from the key itself so it cannot be assigned to another key."""
    return hashlib.sha256(public_key_raw).hexdigest()[:KEY_ID_LENGTH]


def _public_raw(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not: published keys get copied by hand between systems."""
    cleaned = "".join(text.split()).replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.b64decode(cleaned, validate=True)


def _public_key_from_b64(text: str) -> bytes:
    """Decode and check a base64 raw public key; a bad one is a configuration error and must fail loudly."""
    try:
        raw = _b64decode(text)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not a base64 Ed25519 public key: {text!r}") from exc
    if len(raw) != PUBLIC_KEY_LENGTH:
        raise ValueError(f"an Ed25519 public key has {PUBLIC_KEY_LENGTH} bytes, not {len(raw)}: {text!r}")
    Ed25519PublicKey.from_public_bytes(raw)
    return raw


@dataclass
class KeyRing:
    active_id: str
    private_key: Ed25519PrivateKey
    public_keys: dict[str, bytes]  # key id -> raw public key, for the active key and every retired one


def _load_private_pem(pem: bytes, source: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{source}: not an Ed25519 private key")
    return key


def _write_new_key(key_dir: Path) -> tuple[str, Path]:
    """Create ``signing-<kid>.pem`` (mode 0600) that sorts as the newest key in key_dir."""
    key_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    previous = [p.stat().st_mtime_ns for p in key_dir.glob(_KEY_FILE_GLOB)]
    private_key = Ed25519PrivateKey.generate()
    kid = key_id(_public_raw(private_key))
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # mkstemp creates the file 0600 before anything is written; the rename publishes it whole, so a process
    # loading the keys at the same moment never reads half a key. The temporary name does not match the glob.
    fd, tmp_name = tempfile.mkstemp(prefix=".signing-", suffix=".tmp", dir=key_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        path = key_dir / f"signing-{kid}.pem"
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    # "Newest" is decided by modification time; the clock's granularity can give two quick rotations the same
    # time, so make sure the new key is strictly later than every older one.
    if previous and path.stat().st_mtime_ns <= max(previous):
        newer = max(previous) + 1_000
        os.utime(path, ns=(newer, newer))
    return kid, path


def _key_files(key_dir: Path) -> list[tuple[Path, Ed25519PrivateKey]]:
    """The development keys in key_dir, oldest first (by modification time, then name for a stable order)."""
    if not key_dir.is_dir():
        return []
    paths = sorted(key_dir.glob(_KEY_FILE_GLOB), key=lambda p: (p.stat().st_mtime_ns, p.name))
    return [(path, _load_private_pem(path.read_bytes(), str(path))) for path in paths]


def load_keyring(*, private_key_pem: str | None, key_dir: Path, retired_public_keys: Iterable[str] = ()) -> KeyRing:
    """The signing key and every public key whose signatures are still accepted.

    Production passes the private key (PEM, PKCS8, unencrypted) from its secret store; key_dir is then not read,
    because files there are development keys whose private halves are not protected, and trusting them in
    production would let whoever holds them issue "genuine" documents.

    Development passes None: the newest ``signing-<kid>.pem`` in key_dir signs and all of them verify. When there
    is none, a development key is generated on first run.

    retired_public_keys (base64 raw keys) keep documents signed with earlier keys verifiable after a rotation.
    """
    public_keys: dict[str, bytes] = {}
    if private_key_pem:
        private_key = _load_private_pem(private_key_pem.encode("utf-8"), "private_key_pem")
    else:
        files = _key_files(key_dir)
        if not files:
            _write_new_key(key_dir)
            files = _key_files(key_dir)  # re-read: another process may have created one at the same moment
        for _path, key in files:
            raw = _public_raw(key)
            public_keys[key_id(raw)] = raw
        private_key = files[-1][1]
    for text in retired_public_keys:
        raw = _public_key_from_b64(text)
        public_keys[key_id(raw)] = raw
    active_raw = _public_raw(private_key)
    active_id = key_id(active_raw)
    public_keys[active_id] = active_raw
    return KeyRing(active_id=active_id, private_key=private_key, public_keys=public_keys)


def keyring_rotate(*, key_dir: Path) -> str:
    """Generate a new development key: it signs from now on, the older files remain verifiable. Returns its id."""
    kid, _path = _write_new_key(key_dir)
    return kid


# --- tokens ---------------------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode_strict(text: str) -> bytes:
    """Decode unpadded base64url, refusing any second spelling of the same bytes (unused trailing bits)."""
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64url(data) != text:
        raise ValueError("non-canonical base64url")
    return data


def _signed_message(kid: str, canonical_payload: bytes) -> bytes:
    # The key id is signed too: moving a signature under another key's id must not produce a valid token.
    return f"{PREFIX}.{kid}.".encode("ascii") + canonical_payload


def sign(payload: dict, keyring: KeyRing) -> str:
    """The compact token ``KH1.<kid>.<b64url payload>.<b64url signature>`` for the QR code and the PDF."""
    body = canonical(payload)
    kid = keyring.active_id
    signature = keyring.private_key.sign(_signed_message(kid, body))
    return f"{PREFIX}.{kid}.{_b64url(body)}.{_b64url(signature)}"


@dataclass(frozen=True)
class Verified:
    valid: bool
    payload: dict | None  # only set when valid: unverified content must never be shown as if it were genuine
    key_id: str
    reason: str  # "ok", "malformed", "unknown_key" or "bad_signature"


def extract_token(text: str) -> str | None:
    """Find a KH1 token in a verification URL (query parameter ``t``) or in free text such as a PDF's text.

    Line breaks, spaces and invisible characters inside the token are removed. Returns None when there is none.
    """
    if not isinstance(text, str) or not text:
        return None
    stripped = text.strip()
    if not any(c.isspace() for c in stripped):
        try:
            values = parse_qs(urlsplit(stripped).query).get("t", [])
        except ValueError:
            values = []
        for value in values:
            candidate = value.strip()
            if _TOKEN_RE.fullmatch(candidate):
                return candidate
    match = _TOKEN_IN_TEXT_RE.search(text)
    if match is None:
        return None
    return _SEP_RE.sub("", match.group(0))


def _malformed(kid: str = "") -> Verified:
    return Verified(valid=False, payload=None, key_id=kid, reason=REASON_MALFORMED)


def verify_token(token: str, public_keys: dict[str, bytes]) -> Verified:
    """Check a token (or a URL or text holding one) against the published keys. Never raises on bad input."""
    if not isinstance(token, str):
        return _malformed()
    text = token.strip()
    if not text or len(text) > MAX_TOKEN_LENGTH * 4:
        return _malformed()
    if text.startswith(f"{PREFIX}."):
        # A bare token, perhaps wrapped by whoever pasted it: it must be exactly a token, nothing more.
        text = _SEP_RE.sub("", text)
    else:
        found = extract_token(text)
        if found is None:
            return _malformed()
        text = found
    if len(text) > MAX_TOKEN_LENGTH or not _TOKEN_RE.fullmatch(text):
        return _malformed()
    _prefix, kid, payload_b64, signature_b64 = text.split(".")
    try:
        body = _b64url_decode_strict(payload_b64)
        signature = _b64url_decode_strict(signature_b64)
        payload = json.loads(body.decode("utf-8"))
        # Only the canonical spelling is accepted, so what is displayed is exactly what was signed (no
        # duplicate keys, no floats, no alternative escapes).
        if not isinstance(payload, dict) or canonical(payload) != body:
            return _malformed(kid)
    except (ValueError, TypeError, RecursionError):  # binascii.Error and JSON/Unicode errors are ValueErrors
        return _malformed(kid)
    if len(signature) != SIGNATURE_LENGTH:
        return _malformed(kid)
    raw = public_keys.get(kid)
    if raw is None:
        return Verified(valid=False, payload=None, key_id=kid, reason=REASON_UNKNOWN_KEY)
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, _signed_message(kid, body))
    except InvalidSignature:
        return Verified(valid=False, payload=None, key_id=kid, reason=REASON_BAD_SIGNATURE)
    except (ValueError, TypeError):  # a broken entry in public_keys: that key cannot vouch for anything
        return Verified(valid=False, payload=None, key_id=kid, reason=REASON_UNKNOWN_KEY)
    return Verified(valid=True, payload=payload, key_id=kid, reason=REASON_OK)


# --- published keys -------------------------------------------------------------------------------------------


def public_keys_document(keyring: KeyRing) -> dict:
    """The document published at /verify/keys.json, and saved by whoever verifies offline. Active key first."""
    kids = [keyring.active_id] + sorted(k for k in keyring.public_keys if k != keyring.active_id)
    return {
        "keys": [
            {
                "kid": kid,
                "alg": ALGORITHM,
                "public_key": base64.b64encode(keyring.public_keys[kid]).decode("ascii"),
                "status": "active" if kid == keyring.active_id else "retired",
            }
            for kid in kids
        ]
    }


def public_keys_from_document(doc: dict) -> dict[str, bytes]:
    """The verification keys of a published keys document. Raises ValueError when the document is not one.

    Key ids are recomputed from the keys, so an edited document cannot file a key under another key's id.
    Entries with another algorithm or another status (a future "revoked") are skipped, not trusted.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
        raise ValueError('a keys document is a JSON object with a "keys" list')
    keys: dict[str, bytes] = {}
    for entry in doc["keys"]:
        if not isinstance(entry, dict):
            raise ValueError("each key is a JSON object")
        if entry.get("alg") != ALGORITHM or entry.get("status") not in ("active", "retired"):
            continue
        public_key = entry.get("public_key")
        if not isinstance(public_key, str):
            raise ValueError(f"key {entry.get('kid')!r} has no public_key")
        raw = _public_key_from_b64(public_key)
        kid = key_id(raw)
        if entry.get("kid") != kid:
            raise ValueError(f"key id {entry.get('kid')!r} does not match its public key ({kid})")
        keys[kid] = raw
    return keys


# --- compact codes for QR codes (ADR 0018) --------------------------------------------------------------------
#
# A KH1 token carries the whole public content (~1,000 characters): as a QR code it is too dense to scan from a
# phone photo of a print. The QR code carries a compact code instead, signed with the same keys:
#
#     version (1 byte = 2) | key id (8 bytes) | verification code (5 bytes, the 12 digits as an integer)
#     | content digest (16 bytes: SHA-256 of the KH1 payload's canonical bytes) | number (UTF-8, ≤ 40 bytes)
#     | Ed25519 signature (64 bytes) over "KH2" + every byte before it
#
# written in RFC 4648 base32 (A–Z, 2–7, no padding) so that the verification address, in capitals, is a QR
# code in alphanumeric mode: about 205 characters, version 10 at error correction level M, instead of version
# 25+ at level L. Offline, the compact code proves the number and the verification code were issued by the
# organization; the digest ties it to the document's full signed content, which the PDF carries in /Keywords
# (compact_matches). The KH1 token stays the document's record and keeps verifying (old prints, old QR codes).

COMPACT_PREFIX = "KH2"
COMPACT_VERSION = 2
COMPACT_DIGEST_LENGTH = 16
COMPACT_MAX_NUMBER_LENGTH = 40
_COMPACT_KID_BYTES = KEY_ID_LENGTH // 2
_COMPACT_CODE_BYTES = 5  # 10**12 < 2**40
_COMPACT_HEAD = 1 + _COMPACT_KID_BYTES + _COMPACT_CODE_BYTES + COMPACT_DIGEST_LENGTH
_B32_RE = re.compile(r"[A-Z2-7]{150,300}")
# The verification address of a QR code: https://HOST/V/<base32>, in any case (phones may lower-case it).
_COMPACT_IN_URL_RE = re.compile(r"/V/([A-Z2-7]{150,300})/?(?:[?#].*)?$", re.IGNORECASE)


def content_digest(payload: dict) -> bytes:
    """The first 16 bytes of SHA-256 over the canonical public content (the bytes a KH1 token signs)."""
    return hashlib.sha256(canonical(payload)).digest()[:COMPACT_DIGEST_LENGTH]


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _b32_decode_strict(text: str) -> bytes:
    data = base64.b32decode(text + "=" * (-len(text) % 8))
    if _b32(data) != text:
        raise ValueError("non-canonical base32")
    return data


def compact_sign(payload: dict, keyring: KeyRing) -> str:
    """The compact code (base32) of a document's public payload, for its QR code."""
    code, number = str(payload.get("code", "")), str(payload.get("number", ""))
    if not (len(code) == 12 and code.isdigit() and code.isascii()):
        raise ValueError("compact codes need the 12-digit verification code")
    number_bytes = number.encode("utf-8")
    if not 0 < len(number_bytes) <= COMPACT_MAX_NUMBER_LENGTH:
        raise ValueError("compact codes need a document number of at most 40 bytes")
    body = (bytes([COMPACT_VERSION]) + bytes.fromhex(keyring.active_id) + int(code).to_bytes(_COMPACT_CODE_BYTES, "big")
            + content_digest(payload) + number_bytes)
    return _b32(body + keyring.private_key.sign(COMPACT_PREFIX.encode("ascii") + body))


@dataclass(frozen=True)
class CompactVerified:
    valid: bool
    key_id: str
    reason: str
    # Only set when the code could be read; number and code are trustworthy only when `valid`.
    number: str = ""
    code: str = ""
    digest: bytes = b""


def extract_compact(text: str) -> str | None:
    """The base32 compact code in a QR code's address (…/V/<code>) or given bare; None when there is none."""
    if not isinstance(text, str):
        return None
    stripped = _SEP_RE.sub("", text.strip())
    if _B32_RE.fullmatch(stripped.upper()):
        return stripped.upper()
    match = _COMPACT_IN_URL_RE.search(stripped)
    return match.group(1).upper() if match else None


def compact_verify(text: str, public_keys: dict[str, bytes]) -> CompactVerified:
    """Check a compact code (or the address holding it) against the published keys. Never raises on bad input."""
    found = extract_compact(text) if isinstance(text, str) and len(text) <= MAX_TOKEN_LENGTH else None
    if found is None:
        return CompactVerified(valid=False, key_id="", reason=REASON_MALFORMED)
    try:
        data = _b32_decode_strict(found)
    except (ValueError, binascii.Error):
        return CompactVerified(valid=False, key_id="", reason=REASON_MALFORMED)
    if len(data) < _COMPACT_HEAD + 1 + SIGNATURE_LENGTH or data[0] != COMPACT_VERSION:
        return CompactVerified(valid=False, key_id="", reason=REASON_MALFORMED)
    body, signature = data[:-SIGNATURE_LENGTH], data[-SIGNATURE_LENGTH:]
    kid = body[1:1 + _COMPACT_KID_BYTES].hex()
    offset = 1 + _COMPACT_KID_BYTES
    code_number = int.from_bytes(body[offset:offset + _COMPACT_CODE_BYTES], "big")
    offset += _COMPACT_CODE_BYTES
    digest = body[offset:offset + COMPACT_DIGEST_LENGTH]
    try:
        number = body[_COMPACT_HEAD:].decode("utf-8")
    except UnicodeDecodeError:
        return CompactVerified(valid=False, key_id=kid, reason=REASON_MALFORMED)
    if code_number >= 10**12 or len(body) - _COMPACT_HEAD > COMPACT_MAX_NUMBER_LENGTH:
        return CompactVerified(valid=False, key_id=kid, reason=REASON_MALFORMED)
    fields = {"key_id": kid, "number": number, "code": f"{code_number:012d}", "digest": digest}
    raw = public_keys.get(kid)
    if raw is None:
        return CompactVerified(valid=False, reason=REASON_UNKNOWN_KEY, **fields)
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature, COMPACT_PREFIX.encode("ascii") + body)
    except InvalidSignature:
        return CompactVerified(valid=False, reason=REASON_BAD_SIGNATURE, **fields)
    except (ValueError, TypeError):
        return CompactVerified(valid=False, reason=REASON_UNKNOWN_KEY, **fields)
    return CompactVerified(valid=True, reason=REASON_OK, **fields)


def compact_matches(compact: CompactVerified, payload: dict | None) -> bool:
    """True when a verified compact code belongs to exactly this signed public content."""
    return bool(compact.valid and payload is not None and compact.number == payload.get("number")
                and compact.code == payload.get("code") and compact.digest == content_digest(payload))
