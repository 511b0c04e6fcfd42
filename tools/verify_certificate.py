"""Verify the signature of a Khedmat certificate, licence or letter offline, without the website.

    python tools/verify_certificate.py --keys keys.json TOKEN
    python tools/verify_certificate.py --keys keys.json "https://.../verify/<id>/?t=KH1...."
    python tools/verify_certificate.py --keys keys.json path/to/certificate.pdf
    python tools/verify_certificate.py --keys keys.json "HTTPS://.../V/<compact code>" [--pdf certificate.pdf]

keys.json is the organization's published keys document (the site serves it at /verify/keys.json); save it once
from the official site and it verifies every document signed with the active or a retired key. The token is read
from the QR code's URL, pasted as is, or taken from a PDF (its /Keywords metadata, else the text of its pages).

QR codes printed since ADR 0018 hold a compact code (``/V/<code>``): its signature proves the document number
and verification code; with --pdf it is also checked against the full signed content in the PDF.

Exit status: 0 the signature is valid; 1 the document is forged, altered, signed with an unknown key, or carries
no token; 2 usage error (missing file, unreadable keys document or PDF).

A valid signature proves that the printed content was issued by the organization: compare it field by field with
the document in front of you. It does NOT prove that the document is still in force: whether it has been revoked,
suspended or has expired is only known to the online verification page.

Needs only the standard library, cryptography and pypdf (not Django).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from khedmat.certificates.signing import (  # noqa: E402
    REASON_BAD_SIGNATURE,
    REASON_MALFORMED,
    REASON_UNKNOWN_KEY,
    Verified,
    compact_matches,
    compact_verify,
    extract_compact,
    extract_token,
    public_keys_from_document,
    verify_token,
)

EXIT_VALID, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

# (English, Persian): Persian is added when the terminal can print it, English always stays readable.
LABELS = {
    "valid": ("VALID: the signature is genuine", "معتبر: امضا اصیل است"),
    "invalid": ("INVALID", "نامعتبر"),
    REASON_BAD_SIGNATURE: ("the content was altered or forged", "محتوا تغییر کرده یا جعلی است"),
    REASON_UNKNOWN_KEY: ("signed with a key that is not in the keys document", "با کلیدی امضا شده که منتشر نشده است"),
    REASON_MALFORMED: ("not a valid Khedmat token", "توکن معتبر خدمت نیست"),
    "no_token": ("no Khedmat token found", "توکن خدمت یافت نشد"),
    "key": ("Key id", "شناسه کلید"),
    "source": ("Token source", "منبع توکن"),
    "fields": ("Signed content", "محتوای امضاشده"),
    "number": ("Document number", "شماره سند"),
    "code": ("Verification code", "کد استعلام"),
    "compact_note": (
        "The QR code names this number and verification code: compare them with the printout, or add --pdf.",
        "کد QR این شماره و کد استعلام را تأیید می‌کند: آن‌ها را با نسخه چاپی مقایسه کنید یا ‎--pdf‎ را بدهید.",
    ),
    "pdf_matches": ("the QR code matches the signed content of the PDF", "کد QR با محتوای امضاشده PDF یکی است"),
    "pdf_differs": ("the QR code does not belong to this PDF", "کد QR متعلق به این PDF نیست"),
    "note": (
        "A valid signature proves the content was issued by the organization; whether it is still in force "
        "(not revoked, suspended or expired) is shown only on the online verification page.",
        "امضای معتبر نشان می‌دهد این محتوا را سازمان صادر کرده است؛ معتبر بودن فعلی سند (ابطال، تعلیق یا انقضا) "
        "فقط در صفحه استعلام برخط مشخص می‌شود.",
    ),
}


class UsageError(Exception):
    pass


def _can_print_persian(stream) -> bool:
    try:
        "معتبر".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _label(name: str, persian: bool) -> str:
    english, farsi = LABELS[name]
    return f"{english} / {farsi}" if persian else english


def load_keys(path: Path) -> dict[str, bytes]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        keys = public_keys_from_document(doc)
    except FileNotFoundError as exc:
        raise UsageError(f"keys file not found: {path}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise UsageError(f"cannot read the keys document {path}: {exc}") from exc
    if not keys:
        raise UsageError(f"the keys document {path} holds no Ed25519 keys")
    return keys


def token_from_pdf(path: Path) -> tuple[str | None, str]:
    """The token in the PDF's /Keywords metadata or, failing that, in the text of its pages."""
    from pypdf import PdfReader  # imported here so that verifying a token or URL does not need pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")  # certificates are not password protected; an owner password still opens
        metadata = reader.metadata or {}
        token = extract_token(str(metadata.get("/Keywords") or ""))
        if token:
            return token, "PDF metadata /Keywords"
        # Extraction breaks long runs across lines and may insert spaces: extract_token removes them.
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"cannot read the PDF {path}: {exc}") from exc
    token = extract_token(text)
    return token, "PDF text"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a long token is not a valid file name (ENAMETOOLONG), nor one with NUL
        return False


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(magic)) == magic


def _format_value(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def report(result: Verified, source: str, out, persian: bool) -> None:
    if result.valid:
        print(_label("valid", persian), file=out)
    else:
        print(f"{_label('invalid', persian)}: {_label(result.reason, persian)}", file=out)
    if result.key_id:
        print(f"{_label('key', persian)}: {result.key_id}", file=out)
    print(f"{_label('source', persian)}: {source}", file=out)
    if result.payload is not None:
        print(f"{_label('fields', persian)}:", file=out)
        for name in sorted(result.payload):
            print(f"  {name}: {_format_value(result.payload[name])}", file=out)
        print(_label("note", persian), file=out)


def verify_compact_code(text: str, keys: dict[str, bytes], source: str, pdf: Path | None, out, persian: bool) -> int:
    """A QR code's compact code; with a PDF, also whether it names exactly the PDF's signed content."""
    result = compact_verify(text, keys)
    if result.valid:
        print(_label("valid", persian), file=out)
    else:
        print(f"{_label('invalid', persian)}: {_label(result.reason, persian)}", file=out)
    if result.key_id:
        print(f"{_label('key', persian)}: {result.key_id}", file=out)
    print(f"{_label('source', persian)}: {source}", file=out)
    if not result.valid:
        return EXIT_INVALID
    print(f"{_label('number', persian)}: {result.number}", file=out)
    print(f"{_label('code', persian)}: {result.code}", file=out)
    if pdf is None:
        print(_label("compact_note", persian), file=out)
        print(_label("note", persian), file=out)
        return EXIT_VALID
    try:
        token, _where = token_from_pdf(pdf)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    full = verify_token(token or "", keys)
    if not compact_matches(result, full.payload):
        print(f"{_label('invalid', persian)}: {_label('pdf_differs', persian)}", file=out)
        return EXIT_INVALID
    print(_label("pdf_matches", persian), file=out)
    report(full, f"{pdf}", out, persian)
    return EXIT_VALID


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Verify the signature of a Khedmat certificate offline (exit 0 valid, 1 invalid, 2 usage error).",
    )
    parser.add_argument("--keys", required=True, type=Path, help="the published keys document (keys.json)")
    parser.add_argument("target", help="a KH1 token, a verification URL, a PDF file, or - to read stdin")
    parser.add_argument("--pdf", type=Path, help="with a QR code's compact code: the PDF whose content it must match")
    args = parser.parse_args(argv)  # exits 2 on a usage error

    out = sys.stdout
    # Never fail on a terminal that cannot print Persian: names are escaped rather than lost.
    if hasattr(out, "reconfigure"):
        out.reconfigure(errors="backslashreplace")
    persian = _can_print_persian(out)

    try:
        keys = load_keys(args.keys)
        target = args.target
        path = Path(target)
        if target == "-":
            token, source = extract_token(sys.stdin.read()), "standard input"
        elif _is_file(path):
            if path.suffix.lower() == ".pdf" or _starts_with(path, b"%PDF-"):
                token, source = token_from_pdf(path)
            else:  # a text file holding a token or a URL
                token, source = extract_token(path.read_text(encoding="utf-8", errors="replace")), str(path)
        elif target.lower().endswith(".pdf"):
            raise UsageError(f"file not found: {target}")
        else:
            token, source = target, "command line"
    except (UsageError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    if not token:
        print(f"{_label('invalid', persian)}: {_label('no_token', persian)} ({source})", file=out)
        return EXIT_INVALID
    if "KH1." not in token and extract_compact(token):
        return verify_compact_code(token, keys, source, args.pdf, out, persian)
    result = verify_token(token, keys)
    report(result, source, out, persian)
    return EXIT_VALID if result.valid else EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
