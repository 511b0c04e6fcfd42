"""Persian PDF rendering: a Django template → HTML → PDF with WeasyPrint and the vendored Vazirmatn.

Everything is local. Relative URLs in the templates (fonts, stylesheets, images) resolve against the
project's ``static`` directory, and the URL fetcher refuses anything that is not a ``file:`` URL inside
that directory, so rendering never touches the network and cannot read other files. A resource that
cannot be fetched, and any other error WeasyPrint logs, stops the rendering instead of yielding a
PDF that silently fell back to DejaVu Sans (the classic way a Persian PDF ends up with the wrong
font) or lost its stylesheet.

Templates: ``certificates/pdf/certificate.html`` and ``certificates/pdf/letter.html`` (both extend
``certificates/pdf/base.html``; styles in ``static/certificates/pdf.css``).
"""
import logging
import mimetypes
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

METADATA_KEYS = ("title", "author", "subject", "keywords")


class PdfRenderingError(RuntimeError):
    """WeasyPrint reported an error (a missing font or stylesheet, a refused URL, …)."""


def static_root() -> Path:
    return Path(settings.BASE_DIR) / "static"


def local_url_fetcher(root: Path | None = None):
    """A WeasyPrint URL fetcher that serves only files below `root` (default: the static directory).

    Anything else — http(s), data:, ftp:, files outside `root` — raises; with ``fail_on_errors`` the
    rendering stops rather than going on without the resource.
    """
    # here, not at the top (no cycle): WeasyPrint takes over a second to import; only printing needs it
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = (root or static_root()).resolve()

    class LocalFileFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"PDF rendering fetches local files only, refused: {url[:200]}")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(root):
                raise ValueError(f"PDF rendering fetches files under {root} only, refused: {url[:200]}")
            if not path.is_file():
                raise FileNotFoundError(f"no such file: {path}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type})

    return LocalFileFetcher(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)


class _ErrorsOfThisThread(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def render_html(*, template_name: str, context: dict, metadata: dict[str, str] | None = None) -> str:
    """The HTML that render_pdf prints, in Persian (handy for debugging a template in a browser)."""
    metadata = _checked_metadata(metadata)
    with translation.override("fa"):
        return render_to_string(template_name, {**context, "pdf_metadata": metadata})


def html_to_pdf(html: str, *, metadata: dict[str, str] | None = None) -> bytes:
    """Print an HTML string to PDF; relative URLs resolve against the static directory."""
    # here, not at the top (no cycle): WeasyPrint takes over a second to import; only printing needs it
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    metadata = _checked_metadata(metadata)
    root = static_root()
    errors = _ErrorsOfThisThread()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    try:
        document = HTML(
            string=html, base_url=root.as_uri() + "/", url_fetcher=local_url_fetcher(root), media_type="print"
        ).render()
        # Verbatim (WeasyPrint would re-split the keywords on commas and join them with ", ").
        if metadata.get("title"):
            document.metadata.title = metadata["title"]
        if metadata.get("author"):
            document.metadata.authors = [metadata["author"]]
        if metadata.get("subject"):
            document.metadata.description = metadata["subject"]
        if metadata.get("keywords"):
            document.metadata.keywords = [metadata["keywords"]]
        pdf = document.write_pdf()
    except FatalURLFetchingError as exc:
        raise PdfRenderingError(f"{exc}: {exc.__cause__}") from exc
    finally:
        logger.removeHandler(errors)
    if errors.messages:
        raise PdfRenderingError("; ".join(errors.messages))
    return pdf


def render_pdf(*, template_name: str, context: dict, metadata: dict[str, str] | None = None) -> bytes:
    """Render a Django template to a PDF (A4, Persian, embedded Vazirmatn) and return its bytes.

    `metadata` keys title/author/subject/keywords become the PDF's /Title, /Author, /Subject and
    /Keywords: the template's <head> gets them as <title> and <meta name=author|description|keywords>
    (``pdf_metadata`` in the context), and they are also set verbatim on the rendered document.
    """
    html = render_html(template_name=template_name, context=context, metadata=metadata)
    return html_to_pdf(html, metadata=metadata)


def pdf_first_page_png(pdf: bytes, path) -> Path:
    """Rasterise the first page of `pdf` to the PNG file `path` at 80 dpi (poppler's pdftoppm)."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError("path must end in .png")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "document.pdf"
        source.write_bytes(pdf)
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source), str(stem)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        path.write_bytes(stem.with_suffix(".png").read_bytes())
    return path


def _checked_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    metadata = metadata or {}
    unknown = set(metadata) - set(METADATA_KEYS)
    if unknown:
        raise ValueError(f"unknown PDF metadata keys: {sorted(unknown)}")
    return {key: str(value) for key, value in metadata.items() if value}
