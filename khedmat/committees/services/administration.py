"""Administration of a committee's members."""
from __future__ import annotations

from django.utils.translation import gettext as _

from khedmat.accounts.roles import StaffRole
from khedmat.committees.models import (
    Committee,
    CommitteeMember,
    MemberRole,
)
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError


def secretary_problem(*, province_id: int, user) -> str:
    """Why `user` cannot be a committee's secretary (decisions are applied to cases in their name), or ""."""
    if user.is_staff_member and user.province_id == province_id and user.has_role(StaffRole.COMMITTEE_SECRETARY):
        return ""
    return _("The secretary must be a staff member of the province with the committee secretary role.")


def member_add(*, committee: Committee, user, role: str, voting: bool = True, title: str = "", by) -> CommitteeMember:
    """Add a member (or change their role)."""
    problem = secretary_problem(province_id=committee.province_id, user=user) if role == MemberRole.SECRETARY else ""
    if problem:
        raise ApplicationError(problem, code="bad_secretary")
    member, _created = CommitteeMember.objects.update_or_create(
        committee=committee, user=user, defaults={"role": role, "voting": voting, "title": title, "is_active": True})
    audit_record(actor=by, action="committee_member_set", instance=member, after={"role": role, "voting": voting})
    return member
