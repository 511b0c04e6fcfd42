from django import template

register = template.Library()


@register.simple_tag
def case_inquiries(case):
    """(inquiry, overdue) rows of a case, newest first."""
    from django.utils import timezone

    from khedmat.inquiries.services import is_overdue

    now = timezone.now()
    return [(i, is_overdue(i, now=now)) for i in case.inquiries.select_related("source", "letter").order_by("-created_at")]
