"""Turn an official document into its Persian PDF: the type's template, a QR code of the verification
address (which carries the signed token), and the token in the PDF metadata for offline checks."""
import segno

from khedmat.certificates.models import DocumentKind, OfficialDocument
from khedmat.certificates.pdf import render_pdf
from khedmat.certificates.services import mask_national_id, verify_url


def qr_svg(url: str) -> str:
    return segno.make(url, error="l").svg_inline(scale=2, border=2, dark="#000")


def pdf_context(document: OfficialDocument) -> dict:
    url = verify_url(document)
    context = {
        "title": document.document_type.title,
        "number": document.number,
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
        "replaces_number": document.replaces.number if document.replaces_id else "",
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
