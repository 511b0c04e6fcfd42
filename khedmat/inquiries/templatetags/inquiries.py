from django import template
from django.utils import timezone

from khedmat.inquiries.services import (
    case_inquiry_list,
    case_unresolved_mismatches,
    is_overdue,
    mismatch_acceptances,
    mismatch_rows,
    result_rows,
)

register = template.Library()


@register.simple_tag
def case_inquiries(case):
    """(inquiry, overdue) rows of a case, newest first."""
    now = timezone.now()
    return [(i, is_overdue(i, now=now)) for i in case_inquiry_list(case)]


@register.filter
def inquiry_mismatches(inquiry):
    """The mismatches of an inquiry with Persian field names: {% for m in i|inquiry_mismatches %}."""
    return mismatch_rows(inquiry)


@register.filter
def inquiry_result(inquiry):
    """The answer of an inquiry as (Persian label, value) rows."""
    return result_rows(inquiry)


@register.simple_tag
def case_mismatch_status(case):
    """{"unresolved": inquiries whose registry answer differs with no recorded reason, "accepted": the events
    recording why the case was decided despite a mismatch}: {% case_mismatch_status case as mismatch %}."""
    return {"unresolved": case_unresolved_mismatches(case), "accepted": mismatch_acceptances(case)}
