"""Checks on files people upload to a case: real type from content, size, hash and a display name.

The type is decided from the bytes (magic numbers), never from the file name or the browser's
Content-Type, both of which the person controls. The allow-list is the real defence: anything not
recognised is refused. Recognising dangerous types (programs, scripts, HTML/SVG/XML, archives, old
Office files) only lets the form tell the person *why*. Framework-free; messages live in the form.

An allowed type can still carry active content (docs/adr/0016): PDFs with actions, JavaScript,
embedded files or XFA forms, files that are also HTML (polyglots), images with data after their end
marker. Those are refused as "active_content" with the `findings` that name what was found.

The person's file name is kept for display only. Stored files are named by `storage_name`, which
contains no user input.
"""
import base64
import binascii
import hashlib
import re
import struct
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Set
from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Markers for types that are recognised only in order to be refused with a specific reason.
EXE_WINDOWS = "application/x-msdownload"
EXE_ELF = "application/x-executable"
EXE_MACHO = "application/x-mach-binary"
SHELL_SCRIPT = "text/x-shellscript"
HTML = "text/html"
SVG = "image/svg+xml"
XML = "application/xml"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
ZIP = "application/zip"
RAR = "application/vnd.rar"
SEVEN_ZIP = "application/x-7z-compressed"
GZIP = "application/gzip"
OLE2 = "application/x-ole-storage"

# Content that runs code on the official's machine or in the browser (HTML, SVG and XML can all
# carry script). Refused as "executable" whatever `allowed` says.
ACTIVE_CONTENT: frozenset[str] = frozenset(
    {EXE_WINDOWS, EXE_ELF, EXE_MACHO, SHELL_SCRIPT, HTML, SVG, XML, DOCM, XLSM}
)
# Containers we never accept: archives hide what is inside them from these checks, and
# OLE2 (.doc/.xls/.msi, password-protected Office files) is the classic home of macros.
NEVER_ALLOWED: frozenset[str] = ACTIVE_CONTENT | {ZIP, RAR, SEVEN_ZIP, GZIP, OLE2}

# Types that may appear in `allowed`, with the extensions a name may carry for them.
# The first extension is the one files are stored under.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    GIF: (".gif",),
    WEBP: (".webp",),
    TIFF: (".tif", ".tiff"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}

DEFAULT_ALLOWED: frozenset[str] = frozenset({PDF, PNG, JPEG})
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 120

REASONS: frozenset[str] = frozenset(
    {
        "empty",
        "too_large",
        "unknown_type",
        "not_allowed_type",
        "executable",
        "extension_mismatch",
        "bad_name",
        "encrypted_pdf",
        "corrupt",
        "active_content",
    }
)

# What `find_active_content` can report (Finding.code).
FINDINGS: frozenset[str] = frozenset(
    {
        "pdf_javascript",  # /JavaScript, /JS
        "pdf_open_action",  # /OpenAction that does more than open a page
        "pdf_additional_actions",  # /AA: actions on opening a page, on a field, on closing
        "pdf_launch",  # /Launch: starts a program
        "pdf_embedded_file",  # /EmbeddedFile(s): a file inside the PDF
        "pdf_rich_media",  # /RichMedia: Flash, video with scripts
        "pdf_xfa",  # /XFA: scriptable forms
        "pdf_uninspectable",  # an object stream that cannot be decoded to be checked
        "html",  # HTML or SVG markup anywhere in the file (polyglot)
        "trailing_data",  # data after an image's end marker
    }
)

HEAD_SIZE = 8 * 1024
_CHUNK = 64 * 1024
# Readers look for %%EOF in the last 1024 bytes (Acrobat's tolerance); IEND sits in the last 12.
_TAIL_SIZE = 1024


class UploadRejected(ValueError):
    """The upload is refused; `reason` is one of REASONS, `content_type` the sniffed type if known."""

    def __init__(self, reason: str, content_type: str | None = None, *, findings: tuple["Finding", ...] = (),
                 limit: int | None = None):
        if reason not in REASONS:
            raise ValueError(f"unknown upload rejection reason {reason!r}")
        super().__init__(reason)
        self.reason = reason
        self.content_type = content_type
        self.findings = tuple(findings)  # for "active_content": what was found, in file order, no repeats
        self.limit = limit  # for "too_large": the limit in bytes


@dataclass(frozen=True)
class Finding:
    """One piece of active content: `code` is one of FINDINGS, `detail` what the file literally holds
    ("/OpenAction", "<script", "onload="; for trailing_data the number of bytes)."""

    code: str
    detail: str


@dataclass(frozen=True)
class ValidatedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    safe_original_name: str


# --- sniffing --------------------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
    (b"MZ", EXE_WINDOWS),
    (b"\x7fELF", EXE_ELF),
    (b"\xfe\xed\xfa\xce", EXE_MACHO),
    (b"\xfe\xed\xfa\xcf", EXE_MACHO),
    (b"\xce\xfa\xed\xfe", EXE_MACHO),
    (b"\xcf\xfa\xed\xfe", EXE_MACHO),
    (b"\xca\xfe\xba\xbe", EXE_MACHO),  # universal binary (also a Java class file: code either way)
    (b"\xca\xfe\xba\xbf", EXE_MACHO),
    (b"#!", SHELL_SCRIPT),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # empty archive
    (b"PK\x07\x08", ZIP),  # spanned archive
    (b"Rar!\x1a\x07", RAR),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP),
    (b"\x1f\x8b", GZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE2),
)

# Start-of-document patterns browsers treat as HTML (after the WHATWG MIME sniffing standard).
_HTML_START = re.compile(
    r"<(!doctype html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p)[\s>]"
)
_XHTML_NS = "http://www.w3.org/1999/xhtml"


def sniff(head: bytes) -> str | None:
    """Return the MIME type (or refusal marker) of a file from its first bytes, None if unknown.

    Office Open XML needs the ZIP's central directory at the end of the file: unless `head` is the
    whole file, a .docx/.xlsx comes back as "application/zip". Use `sniff_file` for those.
    """
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            if content_type == ZIP:
                return _zip_kind(BytesIO(head)) or ZIP
            return content_type
    return _sniff_markup(head)


def sniff_file(fileobj: BinaryIO) -> str | None:
    """Like `sniff`, but reads the whole file from its start when a ZIP needs looking into.

    The file's position is restored.
    """
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        content_type = sniff(_read_at_least(fileobj, HEAD_SIZE))
        if content_type == ZIP:
            fileobj.seek(0)
            content_type = _zip_kind(fileobj) or ZIP
        return content_type
    finally:
        fileobj.seek(position)


def _sniff_markup(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        # Latin-1 maps every byte, so ASCII markup is found whatever the real encoding is.
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    text = text.lstrip("\ufeff \t\r\n\f").lower()
    if text.startswith("#!"):
        return SHELL_SCRIPT
    if text.startswith(("<?xml", "<!--", "<svg", "<!doctype svg")):
        if "<svg" in text:
            return SVG
        if "<html" in text or _XHTML_NS in text:
            return HTML
        return XML if text.startswith("<?xml") else HTML
    if _HTML_START.match(text):
        return HTML
    return None


def _zip_kind(fileobj: BinaryIO) -> str | None:
    """Name a readable ZIP (docx, xlsx, macro-enabled, or plain); None if it cannot be read."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            # OPC part names are case-insensitive.
            names = [name.lower() for name in archive.namelist()]
    except Exception:  # zipfile raises many exception types on hostile input; all mean "unreadable"
        return None
    if "[content_types].xml" not in names:
        return ZIP
    word = any(name.startswith("word/") for name in names)
    excel = any(name.startswith("xl/") for name in names)
    if word == excel:
        return ZIP
    # A .docm/.xlsm renamed to .docx still carries its macros (and ActiveX controls can run code).
    macros = any(name.endswith("vbaproject.bin") or "/activex/" in name for name in names)
    if word:
        return DOCM if macros else DOCX
    return XLSM if macros else XLSX


# --- validation ------------------------------------------------------------------------------

# Only /Encrypt as a whole PDF name (followed by a delimiter), not e.g. /EncryptMetadata.
_PDF_ENCRYPT = re.compile(rb"/Encrypt(?=[\s/<\[(])")
_ENCRYPT_OVERLAP = 16


def validate_upload(
    *,
    fileobj: BinaryIO,
    filename: str,
    size: int,
    allowed: Set[str] = DEFAULT_ALLOWED,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ValidatedUpload:
    """Check an uploaded file by its content and return what to store, or raise `UploadRejected`.

    `size` is the declared size; the bytes are counted too and must agree with it, so a wrong
    declared size neither lets a large file through nor hides a truncated one. The file is read from
    its start and left at position 0.
    """
    unknown = set(allowed) - EXTENSIONS.keys()
    if unknown:
        raise ValueError(f"these types cannot be allowed: {sorted(unknown)}")
    if size > max_bytes:
        raise UploadRejected("too_large", limit=max_bytes)
    display_name = safe_original_name(filename)

    fileobj.seek(0)
    try:
        try:
            scan = _scan(fileobj, max_bytes)
        except UploadRejected as rejected:
            raise UploadRejected(rejected.reason, limit=max_bytes) from None
        if scan.size == 0:
            raise UploadRejected("empty")
        if scan.size != size:
            raise UploadRejected("corrupt")

        content_type = sniff(scan.head)
        zip_readable = True
        if content_type == ZIP:
            fileobj.seek(0)
            kind = _zip_kind(fileobj)
            zip_readable = kind is not None
            content_type = kind or ZIP
    finally:
        fileobj.seek(0)

    if content_type is None:
        raise UploadRejected("unknown_type")
    if content_type in ACTIVE_CONTENT:
        raise UploadRejected("executable", content_type)
    if not zip_readable and allowed & {DOCX, XLSX}:
        # Starts like a ZIP but has no readable directory: most likely a cut-off .docx/.xlsx.
        raise UploadRejected("corrupt", content_type)
    if content_type not in allowed:
        raise UploadRejected("not_allowed_type", content_type)
    name_extension = _name_extension(display_name)
    if name_extension is not None and name_extension not in EXTENSIONS[content_type]:
        raise UploadRejected("extension_mismatch", content_type)
    if not _structure_ok(content_type, scan.head, scan.tail, scan.size):
        raise UploadRejected("corrupt", content_type)
    if content_type == PDF and scan.pdf_encrypted:
        raise UploadRejected("encrypted_pdf", content_type)
    fileobj.seek(0)
    try:
        # At most max_bytes, already counted.
        findings = find_active_content(fileobj.read(), content_type)
    finally:
        fileobj.seek(0)
    if findings:
        raise UploadRejected("active_content", content_type, findings=findings)

    return ValidatedUpload(
        content_type=content_type,
        extension=EXTENSIONS[content_type][0],
        size=scan.size,
        sha256=scan.sha256,
        safe_original_name=display_name,
    )


@dataclass(frozen=True)
class _Scan:
    head: bytes
    tail: bytes
    size: int
    sha256: str
    pdf_encrypted: bool


def _scan(fileobj: BinaryIO, max_bytes: int) -> _Scan:
    """Read the file once: hash, count (stopping just past max_bytes), keep head and tail."""
    digest = hashlib.sha256()
    head = b""
    tail = b""
    carry = b""
    size = 0
    encrypted = False
    while True:
        # Never read more than one byte past the limit, whatever the declared size said.
        chunk = fileobj.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise UploadRejected("too_large")
        digest.update(chunk)
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
        tail = (tail + chunk)[-_TAIL_SIZE:]
        # The overlap catches "/Encrypt" split across two reads.
        window = carry + chunk
        encrypted = encrypted or _PDF_ENCRYPT.search(window) is not None
        carry = window[-_ENCRYPT_OVERLAP:]
    return _Scan(head=head, tail=tail, size=size, sha256=digest.hexdigest(), pdf_encrypted=encrypted)


def _structure_ok(content_type: str, head: bytes, tail: bytes, size: int) -> bool:
    """Cheap checks that the file is whole: the header is complete and, where reliable, the end marker."""
    if content_type == PDF:
        return b"%%EOF" in tail
    if content_type == PNG:
        # Signature, then IHDR (length 13) must come first; IEND closes every complete PNG.
        return size >= 33 and head[8:16] == b"\x00\x00\x00\x0dIHDR" and b"IEND\xaeB`\x82" in tail
    if content_type == JPEG:
        # SOI, then a first segment that fits in the file. The FFD9 end marker is not checked:
        # phones append data after it (motion photos carry a whole video there).
        if len(head) < 6 or not 0xC0 <= head[3] <= 0xFE:
            return False
        (segment_length,) = struct.unpack(">H", head[4:6])
        return segment_length >= 2 and size >= 4 + segment_length
    if content_type == GIF:
        # Header and logical screen descriptor (13 bytes), then the ";" trailer that ends every GIF.
        return size >= 14 and tail.endswith(b";")
    if content_type == WEBP:
        (riff_length,) = struct.unpack("<I", head[4:8])
        return size >= 20 and size >= 8 + riff_length
    if content_type == TIFF:
        if head[2:4] in (b"+\x00", b"\x00+"):
            return size >= 16
        if size < 8:
            return False
        (ifd_offset,) = struct.unpack("<I" if head[:2] == b"II" else ">I", head[4:8])
        return 8 <= ifd_offset < size
    # DOCX/XLSX: zipfile has already read the central directory.
    return True


_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def _name_extension(name: str) -> str | None:
    """The name's extension in lower case, or None when it has none (".12" in "scan 1402.05.12" isn't one)."""
    match = _EXTENSION.search(name)
    if match is None or match.group(1).isdigit():
        return None
    return "." + match.group(1).lower()


# --- active content --------------------------------------------------------------------------

# Markup a browser would run if it ever took the file for HTML: PDF readers accept a header anywhere
# in the first 1024 bytes and image decoders ignore what follows the end marker, so a file can be a
# valid PDF or image and an HTML page at once. Searched in the whole file, in any case. A tag counts
# only when it closes on printable text: random bytes in compressed data do not look like that. The
# text up to ">" may hold no "<", which keeps the search linear on hostile input.
_MARKUP = re.compile(
    rb"<\?php|<(?:script|html|iframe|svg|object|embed|frameset|meta|link|form|base|img|body)(?=[\s/>])"
    rb"[\x09\x0a\x0d\x20-\x3b\x3d\x3f-\x7e]{0,1024}>"
    rb"|(?<![a-z0-9_\-])on(?:load|error|click|dblclick|mouse[a-z]{2,5}|key(?:down|up|press)|focus(?:in|out)?|blur"
    rb"|change|input|submit|reset|select|toggle|begin|end|repeat|pageshow|pagehide|unload|beforeunload|resize"
    rb"|scroll|wheel|pointer[a-z]{2,5}|touch[a-z]{3,6}|animation[a-z]{3,9}|transition[a-z]{3,6}|hashchange"
    rb"|message|drag[a-z]{0,5}|drop|copy|paste|cut|contextmenu|show|invalid|search)\s*=",
    re.IGNORECASE,
)
_MARKUP_NAME = re.compile(rb"<\?php|<[a-z]+|on[a-z]+", re.IGNORECASE)


def find_active_content(data: bytes, content_type: str) -> tuple[Finding, ...]:
    """What in `data` (a whole file of `content_type`) could run: an empty tuple for a clean file."""
    findings: list[Finding] = []
    for match in _MARKUP.finditer(data):
        name = _MARKUP_NAME.match(match.group()).group().decode("ascii").lower()
        findings.append(Finding("html", name if name.startswith("<") else name + "="))
    if content_type == PDF:
        findings.extend(_pdf_findings(data))
    elif content_type in (JPEG, PNG):
        trailing = _image_trailing_data(data, content_type)
        if trailing:
            findings.append(Finding("trailing_data", str(trailing)))
    unique: dict[Finding, None] = dict.fromkeys(findings)
    return tuple(unique)


# PDF: names are case-sensitive and may be written with #xx escapes (/J#61vaScript is /JavaScript).
_PDF_NAME = re.compile(rb"/([^\x00\x09\x0a\x0c\x0d\x20()<>\[\]{}/%]*)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_NAMES: dict[bytes, str] = {
    b"JavaScript": "pdf_javascript",
    b"JS": "pdf_javascript",
    b"OpenAction": "pdf_open_action",
    b"AA": "pdf_additional_actions",
    b"Launch": "pdf_launch",
    b"EmbeddedFile": "pdf_embedded_file",
    b"EmbeddedFiles": "pdf_embedded_file",
    b"RichMedia": "pdf_rich_media",
    b"RichMediaContent": "pdf_rich_media",
    b"RichMediaSettings": "pdf_rich_media",
    b"RichMediaExecute": "pdf_rich_media",
    b"XFA": "pdf_xfa",
}
# Short names count only where they are a dictionary key, followed by their value (a dictionary,
# string, array or reference), so that "/JS" inside a decompressed font is not taken for a script.
_PDF_SHORT = {b"JS", b"AA", b"XFA"}
_PDF_VALUE = re.compile(rb"\s*(?:<<|\(|<|\[|\d+\s+\d+\s+R)")
# /OpenAction with a destination (open at page N) or a plain GoTo is how many writers open a document.
_PDF_HARMLESS_OPEN = re.compile(rb"\s*(?:\[|<<\s*/S\s*/GoTo\s*/D\s*"
                                rb"(?:\[[^\[\]<>]*\]|\([^()]*\)|/[^\s/<>\[\]()]+)\s*>>)")
_PDF_OPEN_REFERENCE = re.compile(rb"\s*(\d+)\s+(\d+)\s+R")
_PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_PDF_OBJECT = re.compile(rb"(?<![0-9])\d+\s+\d+\s+obj\b|endobj|trailer")
_PDF_STREAM_BUDGET = 64 * 1024 * 1024  # decoded bytes of one stream
_PDF_DECODED_BUDGET = 256 * 1024 * 1024  # decoded bytes of the whole file
_PDF_DICT_LOOKBACK = 4096
_ZLIB_CHUNK = 64 * 1024


def _pdf_decode_names(text: bytes) -> bytes:
    return _PDF_NAME.sub(lambda m: b"/" + _PDF_NAME_ESCAPE.sub(lambda e: bytes([int(e[1], 16)]), m[1]), text)


def _pdf_findings(data: bytes) -> list[Finding]:
    """Scan the file's syntax outside streams, then every stream that may hold objects, once decoded
    (one at a time: only the syntax is kept, to resolve an /OpenAction reference)."""
    outside, streams = _pdf_split(data)
    syntax = _pdf_decode_names(outside)
    findings = _pdf_names_found(syntax, syntax)
    budget = _PDF_DECODED_BUDGET
    for dictionary, body_start, body_end in streams:
        if re.search(rb"/Subtype\s*/Image(?![^\s/<>\[\]()])", dictionary):
            continue  # pixels: the bulk of a scan, never parsed for objects
        object_stream = re.search(rb"/Type\s*/ObjStm(?![^\s/<>\[\]()])", dictionary) is not None
        cross_reference = re.search(rb"/Type\s*/XRef(?![^\s/<>\[\]()])", dictionary) is not None
        predictor = re.search(rb"/Predictor\s+(\d+)", dictionary)
        if predictor and int(predictor[1]) > 1 and not cross_reference:
            # Outside images and cross-reference streams nobody writes one; its per-row bytes would cut names.
            findings.append(Finding("pdf_uninspectable", ""))
            continue
        content, complete = _pdf_decode_stream(dictionary, data, body_start, body_end, min(budget, _PDF_STREAM_BUDGET))
        if content is None:
            if object_stream:
                findings.append(Finding("pdf_uninspectable", ""))
            continue
        if not complete:
            findings.append(Finding("pdf_uninspectable", ""))
            break
        budget -= len(content)
        findings.extend(_pdf_names_found(_pdf_decode_names(content), syntax))
    return findings


def _pdf_names_found(text: bytes, syntax: bytes) -> list[Finding]:
    findings = []
    for match in _PDF_NAME.finditer(text):
        name = match[1]
        code = _PDF_NAMES.get(name)
        if code is None:
            continue
        if name in _PDF_SHORT and not _PDF_VALUE.match(text, match.end()):
            continue
        if name == b"OpenAction" and _pdf_open_action_harmless(text, match.end(), syntax):
            continue
        findings.append(Finding(code, "/" + name.decode("latin-1")))
    return findings


def _pdf_open_action_harmless(text: bytes, at: int, syntax: bytes) -> bool:
    if _PDF_HARMLESS_OPEN.match(text, at):
        return True
    reference = _PDF_OPEN_REFERENCE.match(text, at)
    if reference is None:
        return False
    # Every definition of the referenced object (incremental updates may redefine it) must be a
    # destination; one kept inside an object stream has no "N G obj" header and is not found: refused.
    header = re.compile(rb"(?<![0-9])" + reference[1] + rb"\s+" + reference[2] + rb"\s+obj")
    definitions = list(header.finditer(syntax))
    return bool(definitions) and all(_PDF_HARMLESS_OPEN.match(syntax, d.end()) for d in definitions)


def _pdf_split(data: bytes) -> tuple[bytes, list[tuple[bytes, int, int]]]:
    """The PDF's syntax outside stream bodies, and its streams as (dictionary, body start, body end)."""
    outside: list[bytes] = []
    streams: list[tuple[bytes, int, int]] = []
    position = 0
    while True:
        match = _PDF_STREAM.search(data, position)
        if match is None:
            outside.append(data[position:])
            break
        outside.append(data[position:match.start()])
        body_start = match.end()
        body_end = data.find(b"endstream", body_start)
        if body_end < 0:
            body_end = len(data)
        position = body_end
        if _PDF_OBJECT.search(data, body_start, body_end):
            # Objects inside what looks like a stream: a reader following the cross-reference table
            # finds them there, so they are read as syntax too.
            outside.append(data[body_start:body_end])
        start = max(0, match.start() - _PDF_DICT_LOOKBACK)
        object_start = data.rfind(b"obj", start, match.start())
        dictionary = _pdf_decode_names(data[object_start if object_start >= 0 else start:match.start()])
        streams.append((dictionary, body_start, body_end))
    return b"".join(outside), streams


_PDF_FILTERS = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()]+)")


def _pdf_decode_stream(dictionary: bytes, data: bytes, body_start: int, body_end: int,
                       budget: int) -> tuple[bytes | None, bool]:
    """Apply the stream's filters (Flate, ASCIIHex, ASCII85). None for a filter we don't decode;
    complete=False when the output ran past `budget` (a compression bomb, or too much to check).

    The three filters end themselves, so the first one reads from the body's start on, not up to the
    "endstream" found by searching: compressed bytes may spell "endstream" and end the search early.
    """
    filters_match = _PDF_FILTERS.search(dictionary)
    filters = re.findall(rb"/([^\s/<>\[\]()]+)", filters_match[1]) if filters_match else []
    if not filters:
        return data[body_start:body_end], True
    source = memoryview(data)[body_start:]
    content: bytes | memoryview = source
    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            content, complete = _inflate(content, budget)
            if not complete:
                return content, False
        elif name in (b"ASCIIHexDecode", b"AHx"):
            text = bytes(content[:_end_of(content, b">")])
            digits = re.sub(rb"\s", b"", text)
            try:
                content = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
            except (binascii.Error, ValueError):
                return None, True
        elif name in (b"ASCII85Decode", b"A85"):
            text = re.sub(rb"\s", b"", bytes(content[:_end_of(content, b"~>")])).removeprefix(b"<~")
            try:
                content = base64.a85decode(text)
            except ValueError:
                return None, True
        else:
            return None, True
    return bytes(content), True


def _end_of(content: bytes | memoryview, marker: bytes) -> int:
    end = bytes(content).find(marker)
    return end if end >= 0 else len(content)


def _inflate(body: bytes | memoryview, budget: int) -> tuple[bytes, bool]:
    """zlib-decompress as readers do: up to the end of the compressed data, keeping what decodes before
    damage; complete=False past `budget`."""
    inflater = zlib.decompressobj()
    out: list[bytes] = []
    produced = 0
    for offset in range(0, len(body), _ZLIB_CHUNK):
        try:
            piece = inflater.decompress(body[offset:offset + _ZLIB_CHUNK], budget + 1 - produced)
        except zlib.error:
            break
        out.append(piece)
        produced += len(piece)
        if produced > budget or inflater.unconsumed_tail:
            return b"".join(out), False
        if inflater.eof:
            break
    return b"".join(out), True


# Images: what follows the end marker is invisible to decoders, the classic place to append HTML or
# an archive. Padding is tolerated, and so are the trailers phones write after a JPEG: the video of a
# motion photo (an ISO-BMFF "ftyp" box, after Samsung's "MotionPhoto_Data" tag or on its own) and
# Samsung's metadata block that ends in "SEFT". Markup anywhere is refused whatever the trailer, and
# a trailer may not carry a ZIP end-of-directory record (a JPEG that is also an archive).
_PADDING = b"\x00\xff \t\r\n"
_ZIP_END = b"PK\x05\x06"
_ZIP_END_REACH = 65_557  # the record is at most 22 + 65,535 bytes from the end


def _image_trailing_data(data: bytes, content_type: str) -> int:
    """The number of bytes after the image's end marker that are neither padding nor a phone's
    trailer (0 when there are none, or no end marker is found)."""
    end = _jpeg_end(data) if content_type == JPEG else _png_end(data)
    if end is None:
        return 0
    trailer = data[end:].strip(_PADDING)
    if content_type == JPEG and _ZIP_END not in trailer[-_ZIP_END_REACH:] and _phone_trailer(trailer):
        return 0
    return len(trailer)


def _phone_trailer(trailer: bytes) -> bool:
    video = trailer.removeprefix(b"MotionPhoto_Data")
    return video[4:8] == b"ftyp" or trailer.endswith(b"SEFT")


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI marker that ends the image, walking the segments (an embedded
    thumbnail has its own FFD9 inside APP1); the last FFD9 if the walk breaks down."""
    position = 2
    size = len(data)
    while position + 2 <= size:
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            position += 2
            continue
        if position + 4 > size:
            break
        (length,) = struct.unpack(">H", data[position + 2:position + 4])
        position += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= size:
                    return None
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    position += 2
                elif following == 0xFF:
                    position += 1
                else:
                    break
    last = data.rfind(b"\xff\xd9")
    return last + 2 if last >= 0 else None


def _png_end(data: bytes) -> int | None:
    """Offset just past the IEND chunk, walking the chunks; the last IEND if the walk breaks down."""
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    last = data.rfind(b"IEND\xaeB`\x82")
    return last + 8 if last >= 0 else None


# --- names -----------------------------------------------------------------------------------

# Format characters (category Cf) are invisible: bidi overrides and isolates (the "exe‮fdp.pdf"
# trick), LRM/RLM, zero-width space, BOM, tag characters. Only the joiners carry meaning: Persian
# spelling needs ZWNJ (U+200C), and ZWJ (U+200D) builds some glyphs.
_KEPT_FORMAT = {"\u200c", "\u200d"}
_WHITESPACE = re.compile(r"\s+")
_DRIVE = re.compile(r"^[A-Za-z]:")
_MAX_EXTENSION = 16


def safe_original_name(filename: str) -> str:
    """Return the person's file name cleaned up for display (never for use as a path).

    Keeps the last path component (for / and \\), drops control, surrogate and invisible format
    characters, leading dots, and collapses whitespace. NFC; at most MAX_NAME_LENGTH characters,
    keeping the extension. Raises UploadRejected("bad_name") if no letter or digit is left.
    """
    cleaned = []
    for char in filename:
        category = unicodedata.category(char)
        if char.isspace():
            cleaned.append(" ")  # tabs, newlines, U+2028 … become plain spaces
        elif category in ("Cc", "Cs") or (category == "Cf" and char not in _KEPT_FORMAT):
            continue
        else:
            cleaned.append(char)
    # Normalise after the removals: a dropped invisible character may have separated a letter from
    # its combining mark.
    name = unicodedata.normalize("NFC", "".join(cleaned))
    name = re.split(r"[/\\]", name)[-1]
    name = _DRIVE.sub("", name)
    name = _WHITESPACE.sub(" ", name).strip()
    # Leading dots hide files on Unix and make ".." look like a path; trailing dots and spaces are
    # dropped by Windows when the official saves the file.
    name = name.lstrip(". ").rstrip(". ")
    if not any(char.isalnum() for char in name):
        raise UploadRejected("bad_name")
    return _shorten(name)


def _shorten(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) + 1 > _MAX_EXTENSION or " " in extension:
        stem, extension = name, ""
    else:
        extension = "." + extension
    # Don't leave a dangling space, dot or joiner where the cut fell.
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(". \u200c\u200d")
    return stem + extension


def storage_name(*, sha256: str, extension: str) -> str:
    """Return a fresh relative storage path, e.g. "documents/ab/cd/<uuid4 hex>.pdf".

    Nothing in it comes from the person: the directories fan out on the content hash and the file
    name is random (uuid4, from os.urandom), so paths cannot be guessed or collide on re-upload.
    """
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("sha256 must be 64 lower-case hex digits")
    if extension not in {extensions[0] for extensions in EXTENSIONS.values()}:
        raise ValueError(f"not a storage extension: {extension!r}")
    return f"documents/{sha256[:2]}/{sha256[2:4]}/{uuid.uuid4().hex}{extension}"


def _read_at_least(fileobj: BinaryIO, count: int) -> bytes:
    """Read up to `count` bytes; raw streams may return fewer per call before the end."""
    data = b""
    while len(data) < count:
        chunk = fileobj.read(count - len(data))
        if not chunk:
            break
        data += chunk
    return data
