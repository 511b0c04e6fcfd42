from django import template

from khedmat.certificates.models import DocumentKind, OfficialDocument

register = template.Library()


def _issued(case) -> list[OfficialDocument]:
    """Every official document of the case, read once per page (issue 19): the tags below share it, memoised on the
    case object for its version."""
    key = (case.version, case.state)
    memo = case.__dict__.get("_official_documents")
    if memo is None or memo[0] != key:
        memo = case.__dict__["_official_documents"] = (
            key, list(OfficialDocument.objects.filter(case=case).select_related("document_type")))
    return memo[1]


@register.simple_tag
def case_letters(case):
    """reference → official document of a case (e.g. "deficiency_notice:12" → its numbered letter)."""
    return {d.reference: d for d in _issued(case) if d.reference}


@register.filter
def letter_for_notice(letters, notice):
    return letters.get(f"deficiency_notice:{notice.pk}")


@register.simple_tag
def case_documents(case):
    """The certificates and licences issued for a case (letters are shown with their notices)."""
    return [d for d in _issued(case) if d.document_type.kind != DocumentKind.LETTER]


@register.simple_tag
def case_decision_letters(case):
    """The letters of the decisions on a case (rejection, approval with conditions), newest first."""
    return sorted((d for d in _issued(case) if d.document_type.code == "decision_letter"),
                  key=lambda d: d.issued_at, reverse=True)
