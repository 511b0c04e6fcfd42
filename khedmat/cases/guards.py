"""Guards shared by processes. A guard returns None when a transition may go ahead, or a message."""
from django.utils.translation import gettext_lazy as _

from khedmat.cases.models import Document


def required_documents_present(case):
    """Every required checklist document has a current version."""
    present = set(
        Document.objects.filter(case=case, current__isnull=False).values_list("requirement", flat=True)
    )
    required = case.process.required_document_codes(case)
    missing = [str(d.label) for d in case.process.documents if d.code in required and d.code not in present]
    if missing:
        return _("Upload the required documents first: %(names)s") % {"names": "، ".join(missing)}
    return None


def form_filled(case):
    """The service form has been saved at least once."""
    if not case.data:
        return _("Fill in and save the application form first.")
    return None
