"""Helpers of the public-list and report tests of service 2: sample domains, an institute, a licence in force
made as the services leave it (an `active` case, its accreditation, a signed licence document), and cases
whose history is a list of chosen events (for the report's arithmetic).

Plain helpers, no fixtures (the service's fixtures are in its tests/conftest.py); other apps' tests use them too."""
from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from khedmat.core import jalali
from khedmat.core.jalali import TEHRAN

SERVICE_CODE = "institute_accreditation"
_sequence = itertools.count(1)


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    """A Tehran instant on a Jalali date."""
    return dt.datetime.combine(jalali.from_jalali(year, month, day), dt.time(hour, minute), tzinfo=TEHRAN)


def sample_domains():
    """Two groups and five domains (test data; the circular's lists are not in the seed)."""
    from khedmat.services.institute_accreditation.models import Domain, DomainGroup

    management, _created = DomainGroup.objects.get_or_create(code="t-management",
                                                             defaults={"title": "مدیریت", "ordering": 1})
    it, _created = DomainGroup.objects.get_or_create(code="t-it", defaults={"title": "فناوری اطلاعات", "ordering": 2})
    rows = [("t-leadership", "رهبری و مدیریت", management, 1), ("t-hr", "منابع انسانی", management, 2),
            ("t-finance", "مدیریت مالی", management, 3), ("t-security", "امنیت اطلاعات", it, 1),
            ("t-egov", "دولت الکترونیک", it, 2)]
    for code, title, group, order in rows:
        Domain.objects.get_or_create(code=code, defaults={"title": title, "group": group, "ordering": order})
    return {code: Domain.objects.get(code=code) for code, *_rest in rows}


def make_institute(*, province, name="موسسه آموزشی آینده سازان", ceo=None):
    from khedmat.testing import make_organization, make_user

    ceo = ceo or make_user(first_name="پریسا", last_name="امینی")
    return make_organization(owner=ceo, province=province, kind="institute", name=name)


def service():
    from khedmat.catalog.models import Service

    return Service.objects.get(code=SERVICE_CODE)


def submitted_case(*, organization, state="active", data=None, province=None):
    """A service-2 case of the institute, past submission, in `state` (no events beyond its creation)."""
    from khedmat.cases.models import Case
    from khedmat.cases.services import case_create
    from khedmat.cases.tracking import tracking_compose

    ceo = organization.memberships.get(role="ceo").user
    svc = service()
    case = case_create(service=svc, applicant=ceo, organization=organization)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        tracking_number=tracking_compose(service_number=svc.number, year=1404, sequence=next(_sequence)),
        sla_statement=svc.statements.get(version=1), state=state, first_submitted_at=now, submitted_at=now,
        data=data or {"request_kind": "new_licence", "group": "t-management", "domains": ["t-leadership"]},
        province=province or case.province,
        closed_at=now if state in ("active", "suspended", "revoked", "expired", "rejected") else None,
    )
    case.refresh_from_db()
    return case


def licence_for(case, *, domains, by, valid_until=None, status="valid"):
    """The training licence of `case` for `domains` (codes), issued and signed as `licence_issue` does."""
    from khedmat.certificates.models import OfficialDocument
    from khedmat.certificates.services import document_issue
    from khedmat.services.institute_accreditation.models import Accreditation, Domain

    accreditation, _created = Accreditation.objects.get_or_create(case=case)
    document = document_issue(type_code="training_licence",
                              holder_name=case.organization.name, holder_national_id=case.organization.national_id,
                              case=case, reference=f"accreditation:{accreditation.pk}", by=by)
    if valid_until is not None or status != "valid":
        OfficialDocument.objects.filter(pk=document.pk).update(valid_until=valid_until, status=status)
        document.refresh_from_db()
    accreditation.licence = document
    accreditation.save(update_fields=["licence"])
    accreditation.granted_domains.set(Domain.objects.filter(code__in=domains))
    return accreditation


def licensed(*, province, by, domains=("t-leadership", "t-hr"), name="موسسه آموزشی آینده سازان", state="active",
             **licence):
    """An institute with an `active` case and a licence in force for `domains`."""
    organization = make_institute(province=province, name=name)
    case = submitted_case(organization=organization, state=state)
    return licence_for(case, domains=domains, by=by, **licence)


def case_with_events(*, organization, events, office=None, province=None):
    """A case whose history is `events` [(instant, to_state)] from `draft`, stored as the engine stores it
    (event types as the engine writes them), with its SLA columns rebuilt from the events (`sla_refresh`)."""
    from khedmat.cases.models import Case, CaseEvent
    from khedmat.cases.process import get_process
    from khedmat.cases.services import sla_refresh

    case = submitted_case(organization=organization, state=events[-1][1], province=province)
    process = get_process(SERVICE_CODE)
    first = events[0][0]
    finals = [instant for instant, state in events if process.state(state).is_final]
    Case.objects.filter(pk=case.pk).update(first_submitted_at=first, submitted_at=first,
                                           closed_at=finals[-1] if finals else None, office=office)
    previous = "draft"
    for instant, state in events:
        kind = ("submitted" if previous == "draft" else "deficiency_notice" if state == "deficiencies_notified"
                else "resubmitted" if previous == "deficiencies_notified" else "transition")
        CaseEvent.objects.create(case=case, created_at=instant, event_type=kind, from_state=previous, to_state=state)
        previous = state
    case.refresh_from_db()
    sla_refresh(case=case, now=events[-1][0])
    case.refresh_from_db()
    return case
