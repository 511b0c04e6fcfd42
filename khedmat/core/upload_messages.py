"""What the person is told when `core.uploads` refuses a file (that module is framework-free).

Each app keeps its own base messages per reason (a photo form words "unknown type" differently from a
checklist document); this module adds what only the refusal knows: the size limit, the active content
that was found, the kind of program or markup the file is.
"""
from collections.abc import Mapping

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khedmat.core import uploads
from khedmat.core.numbers import format_number, format_rials
from khedmat.core.text import to_persian_digits

FINDING_LABELS = {
    "pdf_javascript": _("JavaScript code"),
    "pdf_open_action": _("an action run when the document is opened"),
    "pdf_additional_actions": _("actions run when a page is opened or a field is used"),
    "pdf_launch": _("a command that starts a program"),
    "pdf_embedded_file": _("a file embedded in the PDF"),
    "pdf_rich_media": _("embedded multimedia (Flash or video)"),
    "pdf_xfa": _("a scriptable XFA form"),
    "pdf_uninspectable": _("parts that cannot be decoded to be checked"),
    "html": _("web page code (HTML)"),
    "trailing_data": _("%(size)s bytes of extra data after the end of the image"),
}

TYPE_LABELS = {
    uploads.SVG: _("an SVG image, which can carry scripts"),
    uploads.HTML: _("a web page (HTML)"),
    uploads.XML: _("an XML file"),
    uploads.EXE_WINDOWS: _("a Windows program"),
    uploads.EXE_ELF: _("a Linux program"),
    uploads.EXE_MACHO: _("a macOS program"),
    uploads.SHELL_SCRIPT: _("a script"),
    uploads.DOCM: _("a Word document with macros"),
    uploads.XLSM: _("an Excel workbook with macros"),
}

_KB = 1024
_MB = 1024 * 1024
_LTR_ISOLATE = "\u2066{}\u2069"  # keeps "/OpenAction" or "<script" readable inside right-to-left text


def format_file_size(size: int) -> str:
    """A size in bytes for people, with Persian digits: "۱۰ مگابایت", "۲٫۵ مگابایت", "۵۰۰ کیلوبایت"."""
    if size >= _MB:
        number, unit = size / _MB, gettext("%(n)s MB")
    elif size >= _KB:
        number, unit = size / _KB, gettext("%(n)s KB")
    else:
        return gettext("%(n)s bytes") % {"n": to_persian_digits(size)}
    return unit % {"n": format_number(number, 1, grouping=None)}


def finding_text(finding: uploads.Finding) -> str:
    label = FINDING_LABELS[finding.code]
    if finding.code == "trailing_data":
        return str(label) % {"size": format_rials(finding.detail)}
    return f"{label} ({_LTR_ISOLATE.format(finding.detail)})" if finding.detail else str(label)


def rejection_message(rejected: uploads.UploadRejected, messages: Mapping[str, str]) -> str:
    """The Persian message for a refusal; `messages` holds the app's wording per reason."""
    if rejected.reason == "too_large" and rejected.limit:
        return gettext("The file is larger than allowed: at most %(limit)s.") % {
            "limit": format_file_size(rejected.limit)}
    if rejected.reason == "active_content" and rejected.findings:
        found = "، ".join(finding_text(finding) for finding in rejected.findings)
        return gettext(
            "The file contains active content, which is not accepted: %(found)s. Save the document again "
            "without it (for example print it to a new PDF, or save the image again) and upload the new file."
        ) % {"found": found}
    if rejected.reason == "executable" and rejected.content_type in TYPE_LABELS:
        return gettext("Programs, scripts and web pages cannot be uploaded; this file is %(kind)s.") % {
            "kind": TYPE_LABELS[rejected.content_type]}
    return str(messages.get(rejected.reason, messages["unknown_type"]))
