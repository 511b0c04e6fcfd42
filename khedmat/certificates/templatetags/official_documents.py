from django import template

from khedmat.certificates.models import DocumentKind, OfficialDocument
from khedmat.certificates.selectors import letters_for_case

register = template.Library()


@register.simple_tag
def case_letters(case):
    """reference → official document of a case (e.g. "deficiency_notice:12" → its numbered letter)."""
    return letters_for_case(case=case)


@register.filter
def letter_for_notice(letters, notice):
    return letters.get(f"deficiency_notice:{notice.pk}")


@register.simple_tag
def case_documents(case):
    """The certificates and licences issued for a case (letters are shown with their notices)."""
    return list(OfficialDocument.objects.filter(case=case).exclude(document_type__kind=DocumentKind.LETTER)
                .select_related("document_type"))


@register.simple_tag
def case_decision_letters(case):
    """The letters of the decisions on a case (rejection, approval with conditions), newest first."""
    return list(OfficialDocument.objects.filter(case=case, document_type__code="decision_letter")
                .select_related("document_type").order_by("-issued_at"))
