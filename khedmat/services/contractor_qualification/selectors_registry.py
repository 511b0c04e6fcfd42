"""Reads for the public registry and the staff company record of service 4. The status of every
certificate is read live from the certificate (`certificates.services.effective_status`), so a suspension
or revocation shows at once and nothing here can say "valid" for a document that is not."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from khedmat.cases.access import visible_cases
from khedmat.cases.models import Case
from khedmat.certificates.models import DocumentStatus, EffectiveStatus
from khedmat.certificates.services import effective_status, mask_national_id
from khedmat.organizations.models import Organization
from khedmat.organizations.selectors import organizations_for_staff
from khedmat.services.contractor_qualification.constants import SERVICE_CODE, VIOLATION_ROLES
from khedmat.services.contractor_qualification.models import RegistryEntry
from khedmat.services.contractor_qualification.selectors import company_record, holder_condition

EXPIRY_WARNING_DAYS = 60


def may_record_violation(*, staff, organization) -> bool:
    """Experts, unit heads and the head of the company's own province record its disciplinary violations."""
    return bool(getattr(staff, "is_staff_member", False) and staff.province_id == organization.province_id
                and staff.has_role(*VIOLATION_ROLES, service_code=SERVICE_CODE))

STATUS_LABELS = {s.value: s.label for s in EffectiveStatus}  # the certificates' own labels
STATUS_TAGS = {"valid": "ok", "expired": "warn", "suspended": "warn", "revoked": "bad", "replaced": "info"}


@dataclass
class EntryView:
    """One grade certificate as a page shows it: the entry, its live status and the days it has left."""

    entry: RegistryEntry
    status: str
    days_left: int | None  # None: no expiry date, or not in force

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS.get(self.status, "info")

    @property
    def expiring_soon(self) -> bool:
        return self.days_left is not None and self.days_left <= EXPIRY_WARNING_DAYS

    @property
    def certificate(self):
        return self.entry.certificate


@dataclass
class Holder:
    """A qualified holder on the public registry, with their certificates newest first."""

    name: str
    national_id: str  # as shown: organizations in full, natural persons masked
    is_person: bool
    certificates: list[EntryView] = field(default_factory=list)


def entry_view(entry: RegistryEntry, *, today: dt.date | None = None) -> EntryView:
    today = today or timezone.localdate()
    status = effective_status(entry.certificate, today=today)
    valid_until = entry.certificate.valid_until
    days_left = (valid_until - today).days if status == "valid" and valid_until else None
    return EntryView(entry, status, days_left)


def public_national_id(entry: RegistryEntry) -> str:
    """Companies' national IDs are public in SAJAR; a natural person's 10-digit ID is masked."""
    if entry.organization_id and len(entry.national_id) == 11:
        return entry.national_id
    return mask_national_id(entry.national_id)


def registry_holders(entries, *, today: dt.date | None = None) -> list[Holder]:
    """Group registry entries (newest first) by holder, keeping the order of each holder's newest entry."""
    today = today or timezone.localdate()
    holders: dict[str, Holder] = {}
    for entry in entries:
        holder = holders.get(entry.national_id)
        if holder is None:
            holder = holders[entry.national_id] = Holder(
                name=entry.name, national_id=public_national_id(entry), is_person=entry.organization_id is None)
        holder.certificates.append(entry_view(entry, today=today))
    return list(holders.values())


def registry_companies_for_staff(*, staff, query: str = "") -> QuerySet[Organization]:
    """Companies of the staff member's province that hold a grade certificate, with how many and the
    latest expiry; `query` matches the national ID's first digits or the name typed any way."""
    entries = RegistryEntry.objects.filter(organization__isnull=False)
    condition = holder_condition(query, id_prefix=True, min_letters=1) if (query or "").strip() else None
    if condition is not None:
        entries = entries.filter(condition)
    return (organizations_for_staff(staff=staff).filter(pk__in=entries.values("organization_id"))
            .annotate(certificate_count=Count("qualification_entries"),
                      latest_valid_until=Max("qualification_entries__valid_until")))


def expiring_for_staff(*, staff, within_days: int = EXPIRY_WARNING_DAYS,
                       today: dt.date | None = None) -> list[EntryView]:
    """Certificates in force of the province's companies that expire within `within_days`, soonest first."""
    today = today or timezone.localdate()
    entries = RegistryEntry.objects.filter(
        organization__isnull=False, certificate__status=DocumentStatus.VALID,
        certificate__valid_until__gte=today, certificate__valid_until__lte=today + dt.timedelta(days=within_days),
    ).select_related("certificate", "organization")
    if not staff.is_superuser:
        if staff.province_id is None:
            return []
        entries = entries.filter(organization__province_id=staff.province_id)
    return [entry_view(e, today=today) for e in entries.order_by("certificate__valid_until", "pk")]


def company_record_views(*, organization: Organization, today: dt.date | None = None):
    """The company record (`selectors.company_record`) with each certificate's live status: every grade
    certificate newest first, and the disciplinary violations."""
    today = today or timezone.localdate()
    entries, violations = company_record(organization)
    return [entry_view(e, today=today) for e in entries.order_by("-issued_on", "-pk")], violations


def company_cases(*, user, organization: Organization) -> QuerySet[Case]:
    """The company's service-4 cases that `user` may open (submitted ones, for staff), newest first."""
    return (visible_cases(user).filter(organization=organization, service__code=SERVICE_CODE)
            .select_related("service").order_by("-created_at", "-pk"))
