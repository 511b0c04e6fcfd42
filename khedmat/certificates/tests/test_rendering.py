"""What a document's PDF says about its holder, read from the extracted text."""
import pytest

from khedmat.certificates.models import HolderKind, holder_kind_label
from khedmat.certificates.rendering import document_pdf
from khedmat.certificates.tests.test_pdf import normalise, pypdf_text
from khedmat.certificates.tests.test_services import issue

pytestmark = pytest.mark.django_db


def test_a_holder_kind_code_prints_as_its_persian_label(administrator):
    """Services store "legal"/"natural" (SAJAR's person types); the certificate says «شخص حقوقی»."""
    document = issue(administrator, holder_kind=HolderKind.LEGAL)
    text = normalise(pypdf_text(document_pdf(document)))
    assert "شخص حقوقی" in text and "legal" not in text.lower()
    assert holder_kind_label("natural") == "شخص حقیقی"
    assert holder_kind_label("مؤسسه آموزشی") == "مؤسسه آموزشی"  # a label stored by a service stays as it is
