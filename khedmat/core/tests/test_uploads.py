import base64
import hashlib
import io
import random
import struct
import unicodedata
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import khedmat.core.uploads as uploads
from khedmat.core.uploads import (
    DEFAULT_ALLOWED,
    DOCX,
    FINDINGS,
    MAX_NAME_LENGTH,
    REASONS,
    XLSX,
    Finding,
    UploadRejected,
    ValidatedUpload,
    find_active_content,
    safe_original_name,
    sniff,
    sniff_file,
    storage_name,
    validate_upload,
)

# --- small files, built here rather than stored ---------------------------------------------


def make_pdf(*, trailer_extra: bytes = b"", padding: int = 0) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + b"% " + b"x" * padding + b"\n"
        + b"trailer\n<< /Root 1 0 R " + trailer_extra + b">>\nstartxref\n0\n%%EOF\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def make_jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    scan = b"\xff\xda\x00\x02" + b"\x00" * 16
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + scan + b"\xff\xd9"


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_docx(**extra: bytes) -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra})


def make_xlsx() -> bytes:
    return make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


# DOS header whose e_lfanew (offset 0x3C) points at the "PE\0\0" signature.
PE = b"MZ\x90\x00" + b"\x00" * 56 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SHELL = b"#!/bin/sh\nrm -rf /\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def check(data: bytes, filename: str = "file.pdf", **kwargs) -> ValidatedUpload:
    kwargs.setdefault("size", len(data))
    return validate_upload(fileobj=io.BytesIO(data), filename=filename, **kwargs)


def reason_of(data: bytes, filename: str = "file.pdf", **kwargs) -> str:
    with pytest.raises(UploadRejected) as exc:
        check(data, filename, **kwargs)
    assert exc.value.reason in REASONS
    return exc.value.reason


# --- sniffing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        (make_pdf(), "application/pdf"),
        (make_png(), "image/png"),
        (make_jpeg(), "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        (b"RIFF\x1a\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (make_docx(), DOCX),
        (make_xlsx(), XLSX),
        (make_docx(**{"word/vbaProject.bin": b"\x00"}), "application/vnd.ms-word.document.macroEnabled.12"),
        (PE, "application/x-msdownload"),
        (ELF, "application/x-executable"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01", "application/x-mach-binary"),
        (SHELL, "text/x-shellscript"),
        (SVG, "image/svg+xml"),
        (b"<svg onload='alert(1)'/>", "image/svg+xml"),
        (HTML, "text/html"),
        (b"\xef\xbb\xbf  \n<HTML><p>hi</p></HTML>", "text/html"),
        ("<html><script>x</script></html>".encode("utf-16"), "text/html"),
        (b"<?xml version='1.0'?><note/>", "application/xml"),
        (make_zip({"a.txt": b"hello"}), "application/zip"),
        (b"Rar!\x1a\x07\x01\x00", "application/vnd.rar"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "application/x-7z-compressed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24, "application/x-ole-storage"),
        (b"just some text", None),
        (b"", None),
    ],
)
def test_sniff_names_the_real_type(data, expected):
    assert sniff(data[:8192]) == expected


def test_docx_needs_the_whole_file_and_sniff_file_seeks_back():
    # Incompressible padding puts the central directory well past the first 8 KB.
    padding = random.Random(0).randbytes(20_000)
    docx = make_docx(**{"word/media/image1.bin": padding})
    assert len(docx) > 20_000
    fileobj = io.BytesIO(docx)
    fileobj.seek(5)
    assert sniff_file(fileobj) == DOCX
    assert fileobj.tell() == 5
    # The first 8 KB alone hold no central directory to read.
    assert sniff(docx[:8192]) == "application/zip"


# --- accepted files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, filename, content_type, extension",
    [
        (make_pdf(), "نامه.pdf", "application/pdf", ".pdf"),
        (make_png(), "scan.PNG", "image/png", ".png"),
        (make_jpeg(), "photo.jpeg", "image/jpeg", ".jpg"),
        (make_jpeg(), "IMG_0001.JPG", "image/jpeg", ".jpg"),
        (make_pdf(), "scan 1402.05.12", "application/pdf", ".pdf"),  # ".12" is not an extension
    ],
)
def test_allowed_types_are_accepted_with_extension_from_content(data, filename, content_type, extension):
    result = check(data, filename)
    assert result == ValidatedUpload(
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        safe_original_name=filename,
    )


def test_hash_covers_a_file_larger_than_one_read_and_file_is_rewound():
    data = make_pdf(padding=300_000)
    fileobj = io.BytesIO(data)
    fileobj.seek(100)
    result = validate_upload(fileobj=fileobj, filename="big.pdf", size=len(data))
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.size == len(data)
    assert fileobj.tell() == 0


def test_docx_is_accepted_only_when_allowed():
    docx = make_docx()
    assert reason_of(docx, "form.docx") == "not_allowed_type"
    result = check(docx, "form.docx", allowed=DEFAULT_ALLOWED | {DOCX})
    assert (result.content_type, result.extension) == (DOCX, ".docx")
    assert reason_of(make_xlsx(), "sheet.xlsx", allowed=DEFAULT_ALLOWED | {DOCX}) == "not_allowed_type"


def test_macro_enabled_document_renamed_to_docx_is_refused_even_when_docx_allowed():
    docm = make_docx(**{"word/vbaProject.bin": b"\x00"})
    assert reason_of(docm, "form.docx", allowed={DOCX}) == "executable"


def test_cut_off_docx_is_corrupt_when_docx_allowed():
    docx = make_docx()
    assert reason_of(docx[:-30], "form.docx", allowed={DOCX}) == "corrupt"


def test_archive_types_cannot_be_put_in_the_allowed_set():
    with pytest.raises(ValueError):
        check(make_pdf(), allowed={"application/pdf", "application/zip"})


# --- refused files ---------------------------------------------------------------------------


def test_empty_file():
    assert reason_of(b"") == "empty"


def test_oversize_by_declared_size_is_refused_without_reading():
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("should not read")

    with pytest.raises(UploadRejected) as exc:
        validate_upload(fileobj=Unreadable(), filename="a.pdf", size=11 * 1024 * 1024)
    assert exc.value.reason == "too_large"


def test_oversize_with_a_lying_declared_size_stops_reading_past_the_limit():
    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            data = super().read(size)
            self.read_bytes += len(data)
            return data

    data = make_pdf(padding=5000)
    fileobj = Counting(data)
    with pytest.raises(UploadRejected) as exc:
        validate_upload(fileobj=fileobj, filename="a.pdf", size=100, max_bytes=1000)
    assert exc.value.reason == "too_large"
    assert fileobj.read_bytes == 1001


def test_declared_size_that_disagrees_with_the_bytes_is_corrupt():
    data = make_pdf()
    assert reason_of(data, size=len(data) - 1) == "corrupt"
    assert reason_of(data, size=len(data) + 500) == "corrupt"  # transfer cut short


@pytest.mark.parametrize("filename", ["report.pdf", "report.exe", "photo.jpg"])
def test_windows_executable_is_refused_whatever_its_name(filename):
    with pytest.raises(UploadRejected) as exc:
        check(PE, filename)
    assert exc.value.reason == "executable"
    assert exc.value.content_type == "application/x-msdownload"


@pytest.mark.parametrize("data", [ELF, SHELL, SVG, HTML], ids=["elf", "shell", "svg", "html"])
def test_programs_scripts_and_markup_are_executable(data):
    assert reason_of(data, "scan.pdf") == "executable"


@pytest.mark.parametrize(
    "data",
    [
        make_zip({"scan.pdf": make_pdf()}),
        b"Rar!\x1a\x07\x01\x00" + b"\x00" * 20,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24,
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    ],
    ids=["zip", "rar", "ole2", "gif"],
)
def test_archives_old_office_and_unlisted_images_are_not_allowed(data):
    assert reason_of(data, "scan.pdf") == "not_allowed_type"


def test_unrecognised_content():
    assert reason_of(b"hello, this is text", "note.pdf") == "unknown_type"
    # A PDF header that isn't at the very start is not taken (polyglot files hide there).
    assert reason_of(b"junk" + make_pdf(), "note.pdf") == "unknown_type"


def test_encrypted_pdf():
    assert reason_of(make_pdf(trailer_extra=b"/Encrypt 5 0 R /ID [<ab><cd>] ")) == "encrypted_pdf"
    assert reason_of(make_pdf(trailer_extra=b"/Encrypt<</Filter/Standard>>")) == "encrypted_pdf"


def test_encrypt_marker_split_across_reads_is_found():
    head = b"%PDF-1.7\n"
    data = head + b"x" * (64 * 1024 - len(head) - 4) + b"/Encrypt 5 0 R\n%%EOF\n"
    assert reason_of(data) == "encrypted_pdf"


def test_pdf_mentioning_encrypt_metadata_only_is_not_encrypted():
    assert check(make_pdf(trailer_extra=b"/EncryptMetadataNote 1 ")).content_type == "application/pdf"


def test_truncated_pdf_is_corrupt():
    pdf = make_pdf(padding=3000)
    assert reason_of(pdf[: len(pdf) // 2]) == "corrupt"


@pytest.mark.parametrize(
    "data, filename",
    [
        (make_png()[:20], "a.png"),  # cut inside IHDR
        (make_png()[:-12], "a.png"),  # no IEND
        (b"\xff\xd8\xff", "a.jpg"),
        (make_jpeg()[:10], "a.jpg"),  # first segment runs past the end
    ],
)
def test_truncated_images_are_corrupt(data, filename):
    assert reason_of(data, filename) == "corrupt"


@pytest.mark.parametrize("filename", ["scan.jpg", "scan.png", "scan.pdf.exe", "scan.docx", "scan.final"])
def test_pdf_under_another_extension_is_a_mismatch(filename):
    assert reason_of(make_pdf(), filename) == "extension_mismatch"


def test_bidi_trick_name_does_not_hide_the_real_extension():
    # Displays as "scanexe.pdf" in a bidi-naive viewer; the real extension is .exe.
    assert reason_of(make_pdf(), "scan\u202efdp.exe") == "extension_mismatch"


def test_bad_name_is_refused():
    assert reason_of(make_pdf(), " . . ") == "bad_name"


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\Users\\x\\file.pdf", "file.pdf"),
        ("C:file.pdf", "file.pdf"),
        ("/var/www/../x/نامه.pdf", "نامه.pdf"),
        ("fi\x00le.pdf", "file.pdf"),
        ("a\x1b[31mred\x7f.pdf", "a[31mred.pdf"),
        ("\u202efdp.exe", "fdp.exe"),
        ("exe\u202efdp.pdf", "exefdp.pdf"),
        ("\u2066x\u2069\u200f.pdf\ufeff", "x.pdf"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        (".htaccess", "htaccess"),
        ("...hidden.pdf", "hidden.pdf"),
        ("  many \t\n  spaces  .pdf ", "many spaces .pdf"),
        ("file.pdf. . ", "file.pdf"),
        ("درخواست\u200cنامه.pdf", "درخواست\u200cنامه.pdf"),
        ("e\u0301te\u0301.pdf", "\u00e9t\u00e9.pdf"),  # decomposed → NFC
        ("e\u200b\u0301.pdf", "\u00e9.pdf"),  # NFC after the invisible character is gone
        ("bad\ud800surrogate.pdf", "badsurrogate.pdf"),
    ],
)
def test_safe_original_name(raw, expected):
    assert safe_original_name(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", ".", "..", "...", ". . .", "../..", "..\\..\\", "/", "\x00\x00", "\u202e", "___"]
)
def test_names_with_nothing_usable_are_bad(raw):
    with pytest.raises(UploadRejected) as exc:
        safe_original_name(raw)
    assert exc.value.reason == "bad_name"


def test_long_persian_name_is_capped_keeping_the_extension():
    raw = ("گزارش\u200cهای سالانه " * 30)[:396] + ".pdf"
    assert len(raw) == 400
    name = safe_original_name(raw)
    assert len(name) <= MAX_NAME_LENGTH
    assert name.endswith(".pdf")
    assert name.startswith("گزارش\u200cهای سالانه")
    assert not name[:-4].endswith((" ", "\u200c", "."))


def test_long_name_without_extension_is_cut():
    assert safe_original_name("ب" * 400) == "ب" * MAX_NAME_LENGTH


@given(st.text(max_size=300))
def test_safe_original_name_never_returns_path_or_invisible_characters(raw):
    try:
        name = safe_original_name(raw)
    except UploadRejected as exc:
        assert exc.reason == "bad_name"
        return
    assert 0 < len(name) <= MAX_NAME_LENGTH
    assert "/" not in name and "\\" not in name
    assert not name.startswith((".", " ")) and name == name.strip()
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in name)
    assert not any(unicodedata.category(c) == "Cf" and c not in "\u200c\u200d" for c in name)
    assert name == unicodedata.normalize("NFC", name)
    name.encode("utf-8")  # storable


# --- storage names ---------------------------------------------------------------------------


def test_storage_name_is_random_and_holds_no_user_input():
    data = make_pdf()
    result = check(data, "evil ../../name.pdf")
    first = storage_name(sha256=result.sha256, extension=result.extension)
    second = storage_name(sha256=result.sha256, extension=result.extension)
    assert first != second
    for path in (first, second):
        assert path.startswith(f"documents/{result.sha256[:2]}/{result.sha256[2:4]}/")
        assert path.endswith(".pdf")
        assert "name" not in path and ".." not in path
        assert len(path.rsplit("/", 1)[1]) == 32 + len(".pdf")


@pytest.mark.parametrize(
    "sha256, extension",
    [("../" + "a" * 61, ".pdf"), ("A" * 64, ".pdf"), ("a" * 64, ".exe"), ("a" * 64, "/../x.pdf"), ("a" * 64, ".jpeg")],
)
def test_storage_name_refuses_anything_but_a_hash_and_a_known_extension(sha256, extension):
    with pytest.raises(ValueError):
        storage_name(sha256=sha256, extension=extension)


# --- active content (docs/adr/0016) ----------------------------------------------------------


def pdf_with(*objects: bytes) -> bytes:
    """A small PDF whose body is `objects`, with a catalog first."""
    return (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\n".join(objects)
            + b"\ntrailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n")


def stream_object(number: int, dictionary: bytes, body: bytes) -> bytes:
    return (b"%d 0 obj\n<< " % number + dictionary + b" /Length %d >>\nstream\n" % len(body) + body
            + b"\nendstream\nendobj")


def object_stream(number: int, inner: bytes, dictionary: bytes = b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                  encode=zlib.compress) -> bytes:
    """Objects kept compressed inside an object stream, where a plain text search cannot see them."""
    return stream_object(number, dictionary, encode(b"9 0 " + inner))


def findings_of(data: bytes, filename: str = "file.pdf") -> set[tuple[str, str]]:
    with pytest.raises(UploadRejected) as exc:
        check(data, filename)
    assert exc.value.reason == "active_content", exc.value.reason
    assert exc.value.findings
    return {(finding.code, finding.detail) for finding in exc.value.findings}


@pytest.mark.parametrize(
    "obj, expected",
    [
        (b"3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj",
         {("pdf_javascript", "/JavaScript"), ("pdf_javascript", "/JS")}),
        (b"3 0 obj << /Type /Page /AA << /O 4 0 R >> >> endobj", {("pdf_additional_actions", "/AA")}),
        (b"3 0 obj << /S /Launch /F (cmd.exe) >> endobj", {("pdf_launch", "/Launch")}),
        (b"3 0 obj << /Names << /EmbeddedFiles 4 0 R >> >> endobj", {("pdf_embedded_file", "/EmbeddedFiles")}),
        (stream_object(3, b"/Type /EmbeddedFile", b"MZ payload"), {("pdf_embedded_file", "/EmbeddedFile")}),
        (b"3 0 obj << /Subtype /RichMedia /RichMediaContent 5 0 R >> endobj",
         {("pdf_rich_media", "/RichMedia"), ("pdf_rich_media", "/RichMediaContent")}),
        (b"3 0 obj << /AcroForm << /XFA [(template) 6 0 R] >> >> endobj", {("pdf_xfa", "/XFA")}),
        (b"3 0 obj << /OpenAction << /S /URI /URI (http://evil.example/) >> >> endobj",
         {("pdf_open_action", "/OpenAction")}),
    ],
    ids=["javascript", "additional-actions", "launch", "embedded-files", "embedded-file-stream", "rich-media", "xfa",
         "open-action-uri"],
)
def test_pdf_actions_scripts_and_embedded_content_are_refused_by_name(obj, expected):
    assert findings_of(pdf_with(obj)) == expected


def test_pdf_open_action_running_javascript_names_both():
    pdf = make_pdf(trailer_extra=b"/OpenAction << /S /JavaScript /JS (this.exportDataObject()) >> ")
    assert findings_of(pdf) == {("pdf_open_action", "/OpenAction"), ("pdf_javascript", "/JavaScript"),
                                ("pdf_javascript", "/JS")}


def test_pdf_names_written_with_hex_escapes_are_decoded():
    pdf = pdf_with(b"3 0 obj << /S /J#61vaScript /J#53 (x) /Open#41ction 4 0 R >> endobj")
    assert findings_of(pdf) == {("pdf_javascript", "/JavaScript"), ("pdf_javascript", "/JS"),
                                ("pdf_open_action", "/OpenAction")}


def test_pdf_actions_hidden_in_a_compressed_object_stream_are_found():
    assert findings_of(pdf_with(object_stream(5, b"<< /S /Launch /F (cmd.exe) >>"))) == {("pdf_launch", "/Launch")}
    # Without /Type /ObjStm (readers follow the cross-reference stream, not the type), and escaped.
    hidden = object_stream(5, b"<< /S /J#61vaScript /JS <6170702e616c6572742831293b> >>", dictionary=b"/Filter /Fl")
    assert findings_of(pdf_with(hidden)) == {("pdf_javascript", "/JavaScript"), ("pdf_javascript", "/JS")}


def test_pdf_filter_chains_are_decoded():
    hex_flate = object_stream(5, b"<< /AA << /O 4 0 R >> >>", dictionary=b"/Filter [/ASCIIHexDecode /FlateDecode]",
                              encode=lambda data: zlib.compress(data).hex().encode() + b">")
    assert findings_of(pdf_with(hex_flate)) == {("pdf_additional_actions", "/AA")}
    a85 = object_stream(5, b"<< /S /Launch >>", dictionary=b"/Filter /A85",
                        encode=lambda data: base64.a85encode(data) + b"~>")
    assert findings_of(pdf_with(a85)) == {("pdf_launch", "/Launch")}


def test_an_object_stream_that_cannot_be_decoded_is_refused():
    lzw = stream_object(5, b"/Type /ObjStm /N 1 /First 4 /Filter /LZWDecode", b"\x80\x0b\x60\x50")
    assert findings_of(pdf_with(lzw)) == {("pdf_uninspectable", "")}
    predicted = object_stream(5, b"<< >>",
                              dictionary=b"/Type /ObjStm /Filter /FlateDecode /DecodeParms << /Predictor 12 >>")
    assert findings_of(pdf_with(predicted)) == {("pdf_uninspectable", "")}
    untyped = object_stream(5, b"<< >>", dictionary=b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>")
    assert findings_of(pdf_with(untyped)) == {("pdf_uninspectable", "")}
    xref = stream_object(5, b"/Type /XRef /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>",
                         zlib.compress(b"\x02\x01\x00\x10\x00"))
    image = stream_object(6, b"/Subtype /Image /Filter /FlateDecode /DecodeParms << /Predictor 15 >>",
                          zlib.compress(b"x"))
    assert check(pdf_with(xref, image))


def test_a_decompression_bomb_is_refused_without_inflating_it_all(monkeypatch):
    monkeypatch.setattr(uploads, "_PDF_DECODED_BUDGET", 1024 * 1024)
    bomb = stream_object(5, b"/Filter /FlateDecode", zlib.compress(b"\x00" * (8 * 1024 * 1024), 9))
    assert findings_of(pdf_with(bomb)) == {("pdf_uninspectable", "")}


def test_objects_hidden_in_a_stream_body_are_read_as_syntax():
    # The cross-reference table can point inside what a naive scan skips as stream data.
    fake = stream_object(5, b"/Filter /DCTDecode", b"\x00\x01 9 0 obj << /OpenAction << /S /Launch >> >> endobj ")
    assert findings_of(pdf_with(fake)) == {("pdf_open_action", "/OpenAction"), ("pdf_launch", "/Launch")}


@pytest.mark.parametrize(
    "obj",
    [
        b"3 0 obj << /Type /Catalog /OpenAction [4 0 R /XYZ null null 0] >> endobj",  # LibreOffice writes this
        b"3 0 obj << /OpenAction << /S /GoTo /D [4 0 R /Fit] >> >> endobj",
        b"3 0 obj << /OpenAction 7 0 R >> endobj\n7 0 obj\n[4 0 R /Fit]\nendobj",
    ],
    ids=["destination", "goto", "destination-by-reference"],
)
def test_pdf_opening_at_a_page_is_not_an_action(obj):
    assert check(pdf_with(obj)).content_type == "application/pdf"


def test_pdf_open_action_by_reference_to_an_action_is_refused():
    pdf = pdf_with(b"3 0 obj << /OpenAction 7 0 R >> endobj\n7 0 obj\n[4 0 R /Fit]\nendobj",
                   b"7 0 obj\n<< /S /SubmitForm /F (http://evil.example/) >>\nendobj")  # redefined by an update
    assert findings_of(pdf) == {("pdf_open_action", "/OpenAction")}


def test_pdf_names_that_only_begin_like_the_active_ones_are_not_findings():
    assert check(pdf_with(b"3 0 obj << /JSON 1 /AAPL 2 /Launcher 3 /XFAX 4 /JS_note 5 /JS 6 >> endobj"))
    # A name inside a string is still reported: conservative, and no writer puts one there.
    assert findings_of(pdf_with(b"3 0 obj << /Title (/JavaScript) >> endobj")) == {("pdf_javascript", "/JavaScript")}


def test_random_binary_streams_are_not_taken_for_active_content():
    rng = random.Random(15)
    noise = rng.randbytes(2 * 1024 * 1024)
    pdf = pdf_with(
        stream_object(3, b"/Subtype /Image /Filter /DCTDecode", noise),
        stream_object(4, b"/Filter /FlateDecode", zlib.compress(noise)),
        stream_object(5, b"/Length1 100", noise),
    )
    assert check(pdf).content_type == "application/pdf"


@pytest.mark.parametrize(
    "payload, detail",
    [
        (b"<html><body><script>alert(document.cookie)</script></body></html>", "<html"),
        (b"<IFRAME SRC='https://evil.example/'></IFRAME>", "<iframe"),
        (b"<svg/onload=alert(1)>", "<svg"),
        (b"<img src=x onerror=alert(1)>", "<img"),
        (b'x" onload = "alert(1)', "onload="),
        (b"<ScRiPt>alert(1)</sCrIpT>", "<script"),
    ],
)
def test_pdf_html_polyglot_is_refused_naming_the_markup(payload, detail):
    pdf = pdf_with(b"% " + payload)
    assert ("html", detail) in findings_of(pdf)
    # Inside a stream body too: a browser that takes the file for HTML does not know what a stream is.
    assert ("html", detail) in findings_of(pdf_with(stream_object(3, b"/Subtype /Image", b"\x00" + payload)))


def test_html_before_the_pdf_header_is_refused():
    for prefix in (b"<html><script>alert(1)</script>", b"<!-- x --><iframe src=x>", b"\x00\x00<svg onload=alert(1)>"):
        assert reason_of(prefix + make_pdf()) in {"executable", "unknown_type"}


def jpeg_with_thumbnail() -> bytes:
    """A JPEG whose EXIF block holds a thumbnail with its own end marker, before the real image."""
    thumbnail = make_jpeg()
    app1 = b"Exif\x00\x00" + thumbnail
    return make_jpeg()[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + make_jpeg()[2:]


@pytest.mark.parametrize(
    "data, filename",
    [
        (make_jpeg() + b"<html><script>alert(1)</script></html>", "photo.jpg"),
        (make_png() + b"<script>alert(1)</script>", "scan.png"),
    ],
    ids=["jpeg", "png"],
)
def test_image_with_trailing_html_is_refused_naming_both(data, filename):
    found = findings_of(data, filename)
    assert {code for code, _detail in found} == {"html", "trailing_data"}


@pytest.mark.parametrize(
    "data, filename, size",
    [
        (make_jpeg() + make_zip({"run.bat": b"format c:"}), "photo.jpg", None),  # JPEG + ZIP polyglot
        (make_png() + b"anything at all", "scan.png", 15),
        (jpeg_with_thumbnail() + b"\x01\x02\x03", "photo.jpg", 3),
        (make_jpeg() + b"MotionPhoto_Data" + b"\x00\x00\x00\x18ftypmp42" + make_zip({"a": b"b"}), "photo.jpg", None),
    ],
    ids=["jpeg-zip", "png-junk", "after-real-end", "video-with-zip"],
)
def test_image_with_trailing_data_is_refused(data, filename, size):
    found = findings_of(data, filename)
    assert {code for code, _detail in found} == {"trailing_data"}
    if size is not None:
        assert found == {("trailing_data", str(size))}


@pytest.mark.parametrize(
    "data, filename",
    [
        (make_jpeg() + b"\x00" * 100, "photo.jpg"),
        (make_png() + b"\r\n", "scan.png"),
        (jpeg_with_thumbnail(), "photo.jpg"),
        (make_jpeg() + b"MotionPhoto_Data\x00\x00\x00\x18ftypmp42" + random.Random(1).randbytes(5000), "photo.jpg"),
        (make_jpeg() + b"\x00\x00\x01\x0aImage_UTC_Data1700000000000SEFH\x00\x00\x00SEFT", "photo.jpg"),
    ],
    ids=["padding", "png-newline", "thumbnail", "motion-photo", "samsung-trailer"],
)
def test_images_with_padding_or_a_phones_trailer_are_accepted(data, filename):
    assert check(data, filename).size == len(data)


def test_svg_is_refused_as_active_content_type():
    with pytest.raises(UploadRejected) as exc:
        check(SVG, "drawing.svg", allowed={"image/png"})
    assert exc.value.reason == "executable" and exc.value.content_type == "image/svg+xml"


def test_too_large_carries_the_limit():
    with pytest.raises(UploadRejected) as exc:
        check(make_pdf(padding=5000), max_bytes=1000)
    assert exc.value.reason == "too_large" and exc.value.limit == 1000
    with pytest.raises(UploadRejected) as exc:
        validate_upload(fileobj=io.BytesIO(b""), filename="a.pdf", size=2000, max_bytes=1000)
    assert exc.value.limit == 1000


def test_every_finding_code_is_known():
    data = pdf_with(b"3 0 obj << /S /JavaScript /AA << >> /OpenAction << >> >> endobj % <script>")
    assert {finding.code for finding in find_active_content(data, "application/pdf")} <= FINDINGS
    assert Finding("html", "<script") in find_active_content(data, "application/pdf")


def test_endstream_spelled_inside_compressed_data_does_not_cut_the_stream_short():
    """A stored deflate block may hold the bytes "endstream"; the compressed block after it holds the action."""
    first, second = b"9 0 << /Type /Page endstream", b" /OpenAction << /S /Launch /F (cmd.exe) >> >>"
    stored = b"\x00" + struct.pack("<HH", len(first), 0xFFFF ^ len(first)) + first  # BFINAL=0, BTYPE=00
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = packer.compress(second) + packer.flush()
    body = b"\x78\x01" + stored + compressed + struct.pack(">I", zlib.adler32(first + second))
    assert zlib.decompress(body) == first + second and b"endstream" in body and b"Launch" not in body
    hidden = stream_object(5, b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", body)
    assert findings_of(pdf_with(hidden)) == {("pdf_open_action", "/OpenAction"), ("pdf_launch", "/Launch")}
