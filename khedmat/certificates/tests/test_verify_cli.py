"""tools/verify_certificate.py, run as a user would run it: a separate process with only the keys document."""
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from khedmat.certificates import signing

REPO = Path(__file__).resolve().parents[3]
CLI = REPO / "tools" / "verify_certificate.py"
PAYLOAD = {
    "v": 1,
    "type": "license",
    "number": "LIC-1404-000017",
    "code": "123456789012",
    "holder": "زهرا احمدی",
    "scope": [{"label": "رشته", "value": "ابنیه"}],
    "issued": "2025-05-01",
    "valid_until": None,
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # From another directory and without Django settings, like someone verifying on their own machine.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, str(CLI), *args], cwd=cwd, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=60,
    )


@pytest.fixture
def ring(tmp_path):
    return signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "keys")


@pytest.fixture
def keys_file(tmp_path, ring):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(signing.public_keys_document(ring)), encoding="utf-8")
    return path


@pytest.fixture
def token(ring):
    return signing.sign(PAYLOAD, ring)


def _tamper(token: str) -> str:
    prefix, kid, body, sig = token.split(".")
    text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
    forged = text.replace("زهرا احمدی", "زهرا محمدی").encode("utf-8")
    return ".".join([prefix, kid, base64.urlsafe_b64encode(forged).rstrip(b"=").decode(), sig])


def _pdf(path: Path, keywords: str | None = None, text: str | None = None) -> Path:
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if text is not None:  # the token printed in Courier, 60 characters a line, as a PDF generator might
        font = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Courier"),
        })
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        })
        lines = [text[i:i + 60] for i in range(0, len(text), 60)]
        ops = "BT /F1 8 Tf 40 800 Td 10 TL " + " ".join(f"({line}) Tj T*" for line in lines) + " ET"
        stream = ContentStream(None, writer)
        stream.set_data(ops.encode("latin-1"))
        page.replace_contents(stream)
    if keywords is not None:
        writer.add_metadata({"/Keywords": keywords})
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_valid_token_exits_0_and_prints_the_fields(tmp_path, keys_file, token, ring):
    result = run("--keys", str(keys_file), token, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "VALID" in result.stdout
    assert "holder: زهرا احمدی" in result.stdout
    assert "number: LIC-1404-000017" in result.stdout
    assert ring.active_id in result.stdout
    assert "online" in result.stdout  # a valid signature does not say the document is still in force


def test_verification_url_exits_0(tmp_path, keys_file, token):
    url = f"https://khedmat.example.ir/verify/3f2a9c/?lang=fa&t={token}"
    result = run("--keys", str(keys_file), url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_tampered_token_exits_1(tmp_path, keys_file, token):
    result = run("--keys", str(keys_file), _tamper(token), cwd=tmp_path)
    assert result.returncode == 1
    assert "INVALID" in result.stdout
    assert "محمدی" not in result.stdout  # forged content is never displayed


def test_unknown_key_and_garbage_exit_1(tmp_path, keys_file):
    other = signing.load_keyring(private_key_pem=None, key_dir=tmp_path / "other")
    unknown = run("--keys", str(keys_file), signing.sign(PAYLOAD, other), cwd=tmp_path)
    assert unknown.returncode == 1
    assert "not in the keys document" in unknown.stdout
    assert run("--keys", str(keys_file), "garbage", cwd=tmp_path).returncode == 1


def test_missing_keys_file_exits_2(tmp_path, token):
    result = run("--keys", str(tmp_path / "missing.json"), token, cwd=tmp_path)
    assert result.returncode == 2
    assert "keys file not found" in result.stderr


def test_unreadable_keys_document_exits_2(tmp_path, token):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run("--keys", str(bad), token, cwd=tmp_path).returncode == 2
    bad.write_text('{"keys": []}', encoding="utf-8")
    assert run("--keys", str(bad), token, cwd=tmp_path).returncode == 2


def test_usage_errors_exit_2(tmp_path, keys_file):
    assert run(cwd=tmp_path).returncode == 2
    assert run("--keys", str(keys_file), cwd=tmp_path).returncode == 2
    missing_pdf = run("--keys", str(keys_file), str(tmp_path / "nowhere.pdf"), cwd=tmp_path)
    assert missing_pdf.returncode == 2
    assert "file not found" in missing_pdf.stderr


def test_pdf_with_the_token_in_its_metadata(tmp_path, keys_file, token):
    pdf = _pdf(tmp_path / "certificate.pdf", keywords=token)
    result = run("--keys", str(keys_file), str(pdf), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "زهرا احمدی" in result.stdout
    assert "/Keywords" in result.stdout


def test_pdf_with_a_tampered_token_exits_1(tmp_path, keys_file, token):
    pdf = _pdf(tmp_path / "certificate.pdf", keywords=_tamper(token))
    result = run("--keys", str(keys_file), str(pdf), cwd=tmp_path)
    assert result.returncode == 1
    assert "INVALID" in result.stdout


def test_pdf_without_metadata_falls_back_to_the_page_text(tmp_path, keys_file, token):
    pdf = _pdf(tmp_path / "scanned.pdf", text=token)  # printed over several lines
    result = run("--keys", str(keys_file), str(pdf), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PDF text" in result.stdout


def test_pdf_without_a_token_exits_1_and_a_broken_pdf_exits_2(tmp_path, keys_file):
    assert run("--keys", str(keys_file), str(_pdf(tmp_path / "blank.pdf")), cwd=tmp_path).returncode == 1
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not a pdf")
    assert run("--keys", str(keys_file), str(broken), cwd=tmp_path).returncode == 2


def test_the_verifier_does_not_need_django(tmp_path, keys_file, token):
    # Importing django fails in this process: the tool must work with cryptography and pypdf alone.
    code = (
        "import runpy, sys; sys.modules['django'] = None; "
        f"sys.argv = ['verify_certificate.py', '--keys', {str(keys_file)!r}, {token!r}]; "
        f"runpy.run_path({str(CLI)!r}, run_name='__main__')"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_terminal_without_unicode_still_gets_a_readable_report(tmp_path, keys_file, token):
    result = subprocess.run(
        [sys.executable, str(CLI), "--keys", str(keys_file), token], cwd=tmp_path, capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("ascii")
    assert "VALID: the signature is genuine" in out
    assert "number: LIC-1404-000017" in out


def test_a_qr_codes_compact_address_verifies_offline(tmp_path, keys_file, ring):
    payload = {**PAYLOAD, "number": "4-1405-000012"}
    url = "HTTPS://KHEDMAT.EXAMPLE.IR/V/" + signing.compact_sign(payload, ring)
    result = run("--keys", str(keys_file), url, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4-1405-000012" in result.stdout and "123456789012" in result.stdout

    forged = url[:-10] + ("A" if url[-10] != "A" else "B") + url[-9:]
    assert run("--keys", str(keys_file), forged, cwd=tmp_path).returncode == 1
