"""Turn an official document into its Persian PDF: the type's template, a QR code of the compact verification
address (a short signed code, ADR 0018), and the full signed token in the PDF metadata for offline checks."""
import segno
from django.utils.translation import gettext as _

from khedmat.certificates.models import REPLACES_LABELS, VALIDITY_NOTICES, DocumentKind, OfficialDocument
from khedmat.certificates.pdf import render_pdf
from khedmat.certificates.services import mask_national_id, qr_url, verify_url
from khedmat.core.text import is_company_national_id, public_national_id, to_persian_digits

# Level M (15 % of the code may be lost) and alphanumeric mode keep the code at version 10 or below (57×57
# modules, about 0.5 mm each at the printed 30 mm): readable from a phone photo of a 300-dpi print.
QR_ERROR = "m"
QR_MAX_VERSION = 10


def qr_code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=QR_ERROR, boost_error=False)


def qr_svg(url: str) -> str:
    return qr_code(url).svg_inline(scale=2, border=2, dark="#000")


def pdf_context(document: OfficialDocument) -> dict:
    url = qr_url(document)
    kind = document.document_type.kind
    replaces_number = document.replaces.number if document.replaces_id else ""
    company = is_company_national_id(document.holder_national_id)
    context = {
        "title": document.document_type.title,
        "number": document.number,
        # The type decides what the number is called: «شماره پروانه» on a licence.
        "number_label": document.document_type.number_label,
        "replaces_label": str(REPLACES_LABELS.get(kind, REPLACES_LABELS[DocumentKind.CERTIFICATE])
                              % {"number": to_persian_digits(replaces_number)}) if replaces_number else "",
        "validity_notice": str(VALIDITY_NOTICES.get(kind, VALIDITY_NOTICES[DocumentKind.CERTIFICATE])),
        # The printout is public: a company's national ID in full, a person's masked.
        "holder_id_public": public_national_id(document.holder_national_id),
        "holder_id_label": str(_("Legal person's national ID:") if company else _("National ID:")),
        "verification_code": document.verification_code,
        "holder_name": document.holder_name,
        "holder_id_masked": mask_national_id(document.holder_national_id),
        "holder_kind_label": document.holder_kind_label,
        "scope": document.scope,
        "issued_on": document.issued_on,
        "valid_until": document.valid_until,
        "signer_name": document.signer_name,
        "signer_title": document.signer_title,
        "qr_svg": qr_svg(url),
        "verify_url": verify_url(document, with_token=False),
        "replaces_number": replaces_number,
    }
    if document.document_type.kind == DocumentKind.LETTER:
        content = document.content
        context.update({
            "recipient": document.holder_name,
            "subject": content.get("subject", ""),
            "greeting": content.get("greeting", ""),
            "body": content.get("body", []),
            "items": content.get("items", []),
            "closing": content.get("closing", ""),
            "date": document.issued_on,
            # The whole frozen content, for letter templates with a layout of their own (minutes).
            "content": content,
        })
    return context


def document_pdf(document: OfficialDocument) -> bytes:
    return render_pdf(
        template_name=document.document_type.template,
        context=pdf_context(document),
        metadata={"title": f"{document.document_type.title} {document.number}", "author": document.signer_name,
                  "subject": document.holder_name, "keywords": document.token},
    )
