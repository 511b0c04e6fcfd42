"""Reads for service 2: is the request complete, which domains an institute is licensed for, the public
list of licensed institutes, a case's supervision history, the guards of its process that read the
database, and its panel on the case page."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.cases.abilities import Abilities, case_abilities
from khedmat.cases.forms import UploadForm
from khedmat.cases.models import Case, Document
from khedmat.certificates.models import OfficialDocument
from khedmat.certificates.services import effective_status
from khedmat.core.models import Province
from khedmat.core.refcache import reference
from khedmat.core.text import digits_only, search_key, to_ascii_digits
from khedmat.organizations.models import Organization, OrganizationKind
from khedmat.services.institute_accreditation.constants import (
    CEO_CERTIFICATES,
    LICENSED_STATES,
    PHOTOS,
    SERVICE_CODE,
    SUPERVISED_STATES,
)
from khedmat.services.institute_accreditation.forms import (
    BinderForm,
    IncompleteForm,
    LicenceForm,
    ReasonForm,
    SupervisionForm,
    ViolationForm,
)
from khedmat.services.institute_accreditation.models import (
    Accreditation,
    Channel,
    Domain,
    DomainGroup,
    RequestKind,
    SupervisionRecord,
)


def _has_document(case: Case, requirement: str) -> bool:
    return case.documents.filter(requirement=requirement, current__isnull=False).exists()


def requested_domains(case: Case) -> list[Domain]:
    codes = case.data.get("domains") or []
    return list(Domain.objects.filter(code__in=codes).select_related("group"))


def previous_licence(case: Case):
    """The institute's licence a renewal or an upgrade refers to (by its number), if it is theirs."""
    number = (case.data.get("previous_licence") or "").strip()
    if not number or case.organization_id is None:
        return None
    return (OfficialDocument.objects.filter(number=number, document_type__code="training_licence",
                                            accreditation__case__organization_id=case.organization_id)
            .select_related("accreditation").first())


def request_problems(case: Case) -> list[str]:
    """Why the request cannot be sent yet, in Persian; empty when it can (steps ۱۰–۱۳)."""
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
    elif (any(d.group_id != group.pk or not d.is_active for d in domains)
          or len(domains) != len(data.get("domains") or [])):
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


def required_document_codes(case: Case) -> set[str]:
    """The checklist documents this request must have (the checklist's «الزامی» and the submission read it):
    the process's required ones, form no. 8 for a domain upgrade [۱۲] and the introduction letter when the
    file comes as a binder [۱۳]."""
    data = case.data or {}
    codes = {d.code for d in case.process.documents if d.required}
    if data.get("request_kind") == RequestKind.DOMAIN_UPGRADE:
        codes.add("form_8")
    if data.get("channel") == Channel.BINDER:
        codes.add("introduction_letter")
    return codes


def accreditation_for(case: Case) -> Accreditation:
    accreditation, _created = Accreditation.objects.get_or_create(case=case)
    return accreditation


def licensed_domains(*, organization_id: int, province_id: int, on: dt.date | None = None) -> set[str]:
    """The domain codes an institute holds a valid licence for in a province today (for other services,
    e.g. assigning a course of the training service only within the institute's domains)."""
    on = on or timezone.localdate()
    codes: set[str] = set()
    for accreditation in (Accreditation.objects.filter(case__service__code=SERVICE_CODE,
                                                       case__state__in=LICENSED_STATES,
                                                       case__organization_id=organization_id,
                                                       case__province_id=province_id,
                                                       licence__isnull=False)
                          .select_related("licence").prefetch_related("granted_domains")):
        if effective_status(accreditation.licence, today=on) == "valid":
            codes |= {d.code for d in accreditation.granted_domains.all()}
    return codes


def home_province_id() -> int | None:
    """The province this deployment serves (cases are opened there): the scope of its licences."""
    return Province.objects.filter(code=settings.KHEDMAT_HOME_PROVINCE).values_list("pk", flat=True).first()


# -- the public list of licensed institutes ------------------------------------------------------------

_NUMBER_CHARACTERS = re.compile(r"[\s\-/._]+")
MIN_NAME_LETTERS = 2


def looks_like_number(raw: str) -> bool:
    """Digits in any script, with spaces, dashes, slashes or dots between them (an ID or a licence number)."""
    compact = _NUMBER_CHARACTERS.sub("", to_ascii_digits(raw or ""))
    return bool(compact) and compact.isdigit()


def licence_number_candidates(raw: str) -> list[str]:
    """The licence numbers («2-1405-000012», as `certificates.services.document_issue` writes them) a query may
    name: typed in Persian or Latin digits, with any separators, the serial with or without its zeros, or all
    the digits run together."""
    groups = re.findall(r"\d+", to_ascii_digits(raw or ""))
    if len(groups) == 3 and len(groups[1]) == 4:
        return [f"{groups[0]}-{groups[1]}-{int(groups[2]):06d}"]
    if len(groups) == 1:
        digits = groups[0]
        # prefix (1–3 digits) + Jalali year (4) + serial (6)
        return [f"{digits[:k]}-{digits[k:k + 4]}-{digits[k + 4:]}" for k in (1, 2, 3) if len(digits) == k + 10]
    return []


def _name_key(value: str) -> str:
    """The search key of a name without spaces or ZWNJ: «موسسه آموزشي آينده‌سازان» finds «موسسه آموزشی آینده سازان»."""
    return "".join(search_key(value or "").split())


def institute_query_condition(raw: str) -> Q | None:
    """Accreditations whose institute a query names: its 11-digit national ID or a licence number (any digits),
    or letters of its name however typed (Arabic ي/ك, with or without spaces and ZWNJ). None: nothing to look for."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if looks_like_number(raw):
        digits = digits_only(raw)
        numbers = licence_number_candidates(raw)
        condition = Q(licence__number__in=numbers) if numbers else Q(pk__in=[])
        if len(digits) == 11:
            condition |= Q(case__organization__national_id=digits)
        return condition
    key = _name_key(raw)
    if len(key) < MIN_NAME_LETTERS:
        return None
    return Q(ia_name_key__contains=key)


def _with_name_key(qs: QuerySet[Accreditation]) -> QuerySet[Accreditation]:
    name = F("case__organization__name")
    return qs.alias(ia_name_key=Lower(Replace(Replace(name, Value(" "), Value("")), Value("\u200c"), Value(""))))


def domain_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The domains in use, grouped, for a choice field: [(group title, [(code, title)])] (kept by core.refcache)."""
    def load():
        groups = DomainGroup.objects.filter(is_active=True).prefetch_related("domains")
        return [(group.title, [(d.code, d.title) for d in group.domains.all() if d.is_active]) for group in groups]

    return reference("accreditation:domain-choices", load, models=[DomainGroup, Domain])


# What the public list shows of a licence (templates/institute_accreditation/licensed_list.html).
_LICENSED_FIELDS = ("case__organization__name", "case__organization__national_id", "case__province__name",
                    "licence__number", "licence__issued_on", "licence__valid_until", "licence__public_id")


def licensed_institutes(*, q: str = "", domain: str = "", today: dt.date | None = None) -> QuerySet[Accreditation]:
    """Licences in force for the public list, by institute name: institute, province, domains, number, validity.

    A licence is in force while its case is `active` and its document is valid and not past its date (the
    same reading as `certificates.services.effective_status`). `q` names the institute (see
    `institute_query_condition`); `domain` is a domain code the licence must include."""
    today = today or timezone.localdate()
    qs = (Accreditation.objects.filter(case__service__code=SERVICE_CODE, case__state__in=LICENSED_STATES,
                                       licence__isnull=False, licence__status="valid")
          .filter(Q(licence__valid_until__isnull=True) | Q(licence__valid_until__gte=today))
          .select_related("case__organization", "case__province", "licence").only(*_LICENSED_FIELDS)
          .prefetch_related(Prefetch("granted_domains", queryset=Domain.objects.select_related("group").only(
              "title", "ordering", "group__title", "group__ordering")))
          .order_by("case__organization__name", "case__organization_id", "-licence__issued_on", "pk"))
    if domain:
        qs = qs.filter(pk__in=Accreditation.granted_domains.through.objects.filter(domain__code=domain)
                       .values("accreditation_id"))
    condition = institute_query_condition(q)
    if condition is not None:
        qs = _with_name_key(qs).filter(condition)
    elif (q or "").strip():
        qs = qs.none()
    return qs


@dataclass(frozen=True)
class DomainVerdict:
    """May this institute run courses in this domain (in the deployment's province) today?"""

    organization: object  # organizations.Organization
    domain: Domain
    allowed: bool
    held: list[Domain]  # the domains of its licences in force; empty: no licence in force


def domain_verdicts(*, q: str, domain: str, limit: int = 5, today: dt.date | None = None) -> list[DomainVerdict]:
    """For an agency checking an institute before contracting a course: every institute the query names that
    ever held a training licence here, and whether it may run courses in `domain` now (`licensed_domains`).
    Empty when the query names no such institute (then it may not: it holds no licence)."""
    chosen = Domain.objects.filter(code=domain).first()
    condition = institute_query_condition(q)
    province_id = home_province_id()
    if chosen is None or condition is None or province_id is None:
        return []
    matching = _with_name_key(Accreditation.objects.filter(case__service__code=SERVICE_CODE, licence__isnull=False,
                                                           case__organization__isnull=False)).filter(condition)
    ids = list(dict.fromkeys(matching.order_by("case__organization__name")
                             .values_list("case__organization_id", flat=True)))
    organizations = Organization.objects.in_bulk(ids[:limit])
    domains = {d.code: d for d in Domain.objects.all()}
    verdicts = []
    for organization_id in ids[:limit]:
        held = licensed_domains(organization_id=organization_id, province_id=province_id, on=today)
        verdicts.append(DomainVerdict(organization=organizations[organization_id], domain=chosen,
                                      allowed=chosen.code in held,
                                      held=sorted((domains[c] for c in held if c in domains),
                                                  key=lambda d: (d.group_id, d.ordering, d.code))))
    return verdicts


# -- guards of the process (`workflow.py`) that read the database ------------------------------------------

def request_guard(case: Case):
    """The first reason the request cannot be sent yet, or None."""
    problems = request_problems(case)
    return problems[0] if problems else None


def photos_guard(case: Case):
    """The visit is recorded once the institute has sent photos of both spaces [۱۷]."""
    present = set(Document.objects.filter(case=case, current__isnull=False, requirement__in=PHOTOS)
                  .values_list("requirement", flat=True))
    if present != set(PHOTOS):
        return _("The institute has not yet sent photos of its training and administrative spaces.")
    return None


def ceo_certificates_guard(case: Case):
    """Both of the CEO's certificates are there: uploaded, or answered by their issuer without a mismatch [۱۹]."""
    uploaded = set(Document.objects.filter(case=case, current__isnull=False,
                                           requirement__in=[doc for doc, _source in CEO_CERTIFICATES])
                   .values_list("requirement", flat=True))
    answered = set(case.inquiries.filter(status="answered", mismatches=[],
                                         source__code__in=[source for _doc, source in CEO_CERTIFICATES])
                   .values_list("source__code", flat=True))
    if any(doc not in uploaded and source not in answered for doc, source in CEO_CERTIFICATES):
        return _("Upload both of the CEO's certificates: no criminal record and no drug addiction.")
    return None


# -- the service's panel on the case page ------------------------------------------------------------------

def case_panel(case: Case, user, staff_view: bool, abilities: Abilities | None = None) -> dict:
    """The context of `_case_panel.html` and `_case_actions.html`: what the case page shows of the request, and
    the forms of what this person may do now (`cases.abilities`, the answer the services give). Read only:
    the record is created by the first staff act on the case, not by viewing it."""
    abilities = abilities or case_abilities(case=case, user=user)
    offered = abilities.offered
    accreditation = Accreditation.objects.filter(case=case).first()
    data = case.data or {}
    group = DomainGroup.objects.filter(code=data.get("group")).first()
    kind = data.get("request_kind")
    context = {
        "request_kind": RequestKind(kind).label if kind in RequestKind.values else "",
        "group": group,
        "domains": requested_domains(case),
        "data": data,
        "accreditation": accreditation,
        "granted": list(accreditation.granted_domains.all()) if accreditation and accreditation.licence_id else [],
        "problems": request_problems(case) if case.tracking_number is None and abilities.applicant else [],
        # The applicant sees the supervision of the licence it holds or held.
        "supervision": SupervisionRecord.objects.filter(case=case).select_related("recorded_by")[:50]
        if staff_view or case.state in SUPERVISED_STATES else [],
        "violations": case.scope_violations.all()[:50] if staff_view else [],
    }
    if offered("binder_receive") or offered("register") or offered("return_incomplete"):
        context["initial_review"] = True
    # A binder is received once, and only for a file that arrives as one.
    if (offered("binder_receive") and data.get("channel") == Channel.BINDER
            and not (accreditation and accreditation.binder_received_at)):
        context["binder_form"] = BinderForm(documents=case.process.documents, initial={
            "delegate_name": data.get("delegate_name", ""),
            "delegate_national_id": data.get("delegate_national_id", "")})
        context["scan_form"] = UploadForm() if offered("scan") else None
    context["can_register"] = offered("register")
    if offered("return_incomplete"):
        context["incomplete_form"] = IncompleteForm(documents=case.process.documents)
    context["can_introduce_ceo"] = offered("introduce_ceo")
    if offered("issue_licence"):
        context["licence_form"] = LicenceForm(requested=context["domains"])
    if offered("supervision_record"):
        context["supervision_form"] = SupervisionForm()
    if offered("violation_record"):
        context["violation_form"] = ViolationForm()
    context.update(can_suspend=offered("suspend"), can_reinstate=offered("reinstate"), can_revoke=offered("revoke"))
    if context["can_suspend"] or context["can_reinstate"] or context["can_revoke"]:
        context["act_form"] = ReasonForm()
    context["has_actions"] = bool(context.get("initial_review") or context["can_introduce_ceo"]
                                  or context.get("licence_form"))
    return context
