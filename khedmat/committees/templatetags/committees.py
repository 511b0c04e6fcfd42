from django import template

from khedmat.committees.selectors import case_agenda_items, case_invitations, memberships

register = template.Library()


@register.simple_tag
def case_committee_items(case):
    """The committee sessions a case went to (newest first), with each one's current decision."""
    rows = []
    for item in case_agenda_items(case=case):
        decisions = sorted(item.decisions.all(), key=lambda d: d.recorded_at)
        rows.append((item, decisions[-1] if decisions and item.session.state == "confirmed" else None))
    return rows


@register.simple_tag
def case_committee_invitations(case):
    """The committee's invitations to the case's applicant (e.g. the institute's CEO to the session)."""
    return list(case_invitations(case=case))


@register.simple_tag
def is_committee_member(user) -> bool:
    return memberships(user).exists()
