"""Reads for service 2: is the request complete, which domains an institute is licensed for, the public
list of licensed institutes, and a case's supervision history."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.cases.models import Case
from khedmat.services.institute_accreditation.models import Accreditation, Channel, Domain, DomainGroup, RequestKind
from khedmat.services.institute_accreditation.workflow import SERVICE_CODE

LICENSED_STATES = ("active",)


def _has_document(case: Case, requirement: str) -> bool:
    return case.documents.filter(requirement=requirement, current__isnull=False).exists()


def requested_domains(case: Case) -> list[Domain]:
    codes = case.data.get("domains") or []
    return list(Domain.objects.filter(code__in=codes).select_related("group"))


def previous_licence(case: Case):
    """The institute's licence a renewal or an upgrade refers to (by its number), if it is theirs."""
    from khedmat.certificates.models import OfficialDocument

    number = (case.data.get("previous_licence") or "").strip()
    if not number or case.organization_id is None:
        return None
    return (OfficialDocument.objects.filter(number=number, document_type__code="training_licence",
                                            accreditation__case__organization_id=case.organization_id)
            .select_related("accreditation").first())


def request_problems(case: Case) -> list[str]:
    """Why the request cannot be sent yet, in Persian; empty when it can (steps ۱۰–۱۳)."""
    from khedmat.organizations.models import OrganizationKind

    problems = []
    data = case.data or {}
    if case.organization_id is None or case.organization.kind != OrganizationKind.INSTITUTE:
        problems.append(_("This service is for training institutes: open the request on behalf of your institute."))
    kind = data.get("request_kind")
    if kind not in RequestKind.values:
        problems.append(_("Choose the kind of request."))
    group = DomainGroup.objects.filter(code=data.get("group"), is_active=True).first()
    domains = requested_domains(case)
    if group is None:
        problems.append(_("Choose the group of domains."))
    elif not domains:
        problems.append(_("Choose at least one domain."))
    elif any(d.group_id != group.pk or not d.is_active for d in domains) or len(domains) != len(data.get("domains") or []):
        problems.append(_("Every domain must be an active domain of the chosen group."))
    if kind in (RequestKind.DOMAIN_UPGRADE, RequestKind.RENEWAL):
        licence = previous_licence(case)
        if licence is None:
            problems.append(_("Give the number of your institute's current training licence."))
        elif kind == RequestKind.DOMAIN_UPGRADE:
            held = set(licence.accreditation.granted_domains.values_list("code", flat=True))
            if not {d.code for d in domains} - held:
                problems.append(_("A domain upgrade must ask for at least one domain the licence does not have."))
    if kind == RequestKind.DOMAIN_UPGRADE and not _has_document(case, "form_8"):
        problems.append(_("A domain upgrade needs form no. 8, the institute's self-assessment."))
    if data.get("channel") == Channel.BINDER:
        if not (data.get("delegate_name") and data.get("delegate_national_id")):
            problems.append(_("Give the name and national ID of the expert who hands in the binder."))
        if not _has_document(case, "introduction_letter"):
            problems.append(_("Upload the written introduction letter of the expert who hands in the binder."))
    return problems


def accreditation_for(case: Case) -> Accreditation:
    accreditation, _created = Accreditation.objects.get_or_create(case=case)
    return accreditation


def licensed_domains(*, organization_id: int, province_id: int, on: dt.date | None = None) -> set[str]:
    """The domain codes an institute holds a valid licence for in a province today (for other services,
    e.g. assigning a course of the training service only within the institute's domains)."""
    from khedmat.certificates.services import effective_status

    on = on or timezone.localdate()
    codes: set[str] = set()
    for accreditation in (Accreditation.objects.filter(case__service__code=SERVICE_CODE, case__state__in=LICENSED_STATES,
                                                       case__organization_id=organization_id, case__province_id=province_id,
                                                       licence__isnull=False)
                          .select_related("licence").prefetch_related("granted_domains")):
        if effective_status(accreditation.licence, today=on) == "valid":
            codes |= {d.code for d in accreditation.granted_domains.all()}
    return codes


def licensed_institutes(*, q: str = "", domain: str = "") -> QuerySet[Accreditation]:
    """Licences in force for the public list: institute, domains, number, validity."""
    from khedmat.core.text import digits_only, normalize_text

    qs = (Accreditation.objects.filter(case__service__code=SERVICE_CODE, case__state__in=LICENSED_STATES,
                                       licence__isnull=False, licence__status="valid")
          .filter(Q(licence__valid_until__isnull=True) | Q(licence__valid_until__gte=timezone.localdate()))
          .select_related("case__organization", "case__province", "licence").prefetch_related("granted_domains")
          .order_by("case__organization__name"))
    if domain:
        qs = qs.filter(granted_domains__code=domain)
    raw = (q or "").strip()
    if raw:
        # Names are stored normalised (Persian ی/ک, ASCII digits): «موسسه آموزشي» finds «موسسه آموزشی».
        digits = digits_only(raw)
        condition = Q(case__organization__name__icontains=normalize_text(raw))
        if len(digits) >= 5:
            condition |= Q(case__organization__national_id=digits) | Q(licence__number__icontains=digits)
        qs = qs.filter(condition)
    return qs.distinct()
