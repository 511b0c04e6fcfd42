"""The service-4 demo: every resting state of the process, certificates in the registry, sample tables
flagged as such, and a second load that adds nothing. The demo is loaded once per test (about ten
seconds), so everything is checked in one test."""
import time

import pytest
from django.utils import timezone

from khedmat.accounts import demo_data as accounts
from khedmat.cases.models import Case, CaseEvent, DocumentVersion
from khedmat.certificates.models import OfficialDocument
from khedmat.core.chain import chain_breaks
from khedmat.core.models import AuditEvent
from khedmat.inquiries.models import Inquiry
from khedmat.organizations import demo_data as organizations
from khedmat.organizations.models import Organization
from khedmat.payments import demo_data as payments
from khedmat.payments.models import Invoice, PaymentAttempt
from khedmat.services.contractor_qualification import demo_data
from khedmat.services.contractor_qualification.models import (
    CompanyPerson,
    DisciplinaryViolation,
    GradeGrant,
    ReferralStatus,
    RegistryEntry,
    ScoringTable,
)
from khedmat.services.contractor_qualification.workflow import PROCESS

pytestmark = pytest.mark.django_db

# "approved" is passed through inside the approver's one act (approve + issue the certificate).
TRANSIENT = {"approved"}
ISSUED = ("certificate_issued", "referred_to_pbo", "registered_in_sajar")


def _load_all():
    lines = []
    for module in (accounts, organizations, payments, demo_data):  # the order of INSTALLED_APPS
        lines += module.load() or []
    return lines


def _counts():
    models = (Case, CaseEvent, DocumentVersion, CompanyPerson, GradeGrant, RegistryEntry, OfficialDocument,
              ScoringTable, DisciplinaryViolation, Organization, Invoice, PaymentAttempt, Inquiry)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_shows_every_state_and_loads_once(media):
    started = time.monotonic()
    lines = _load_all()
    elapsed = time.monotonic() - started
    print(f"the demo loaded in {elapsed:.1f} s")  # speed is measured in bench/, never asserted here
    assert any("Service 4 demo" in line for line in lines)

    cases = Case.objects.filter(service__code="contractor_qualification")
    states = set(cases.values_list("state", flat=True))
    assert {s.code for s in PROCESS.states} - TRANSIENT <= states
    assert cases.count() >= 12
    assert cases.filter(organization__isnull=True).exists()  # a natural person
    assert cases.values("organization").distinct().count() >= 5
    assert all("نمایشی" in title for title in cases.values_list("title", flat=True))

    # Submitted cases have their dossier, a paid fee and dates spread over the past weeks.
    for case in cases.exclude(state="draft"):
        assert case.invoices.filter(status="paid").exists()
        assert case.qualification_people.exists() and case.documents.filter(current__isnull=False).exists()
        assert case.qualification.scoring_table.is_sample
    submitted = sorted(cases.exclude(first_submitted_at=None).values_list("first_submitted_at", flat=True))
    assert (submitted[-1] - submitted[0]).days >= 21
    open_cases = cases.filter(state__in=["under_review", "awaiting_approval"])
    deadlines = {c.pk: c.sla_deadline for c in open_cases}
    assert all(deadlines.values())

    now = timezone.now()
    assert any(c.sla_deadline <= now for c in open_cases)  # breached
    assert any(c.sla_warning_at <= now < c.sla_deadline for c in open_cases)  # warning
    assert any(now < c.sla_warning_at for c in open_cases)  # on track
    assert cases.filter(state="under_review", assigned_to__isnull=False).exists()
    assert cases.filter(state="deficiencies_notified", deficiency_notices__items__guidance__gt="").exists()
    assert cases.filter(state="under_review", deficiency_notices__answered_at__isnull=False).exists()  # resubmitted

    for case in cases.filter(state__in=ISSUED):
        certificate = OfficialDocument.objects.get(case=case, document_type__code="grade_certificate")
        entry = RegistryEntry.objects.get(case=case)
        assert entry.certificate == certificate and entry.grades
    lower = GradeGrant.objects.filter(case__in=cases, granted_grade__gt=0).exclude(reason="")
    assert any(g.granted_grade > g.requested_grade for g in lower)
    assert cases.get(state="registered_in_sajar").qualification_referral.status == ReferralStatus.ACKNOWLEDGED
    assert cases.get(state="referred_to_pbo").qualification_referral.status == ReferralStatus.SENT

    tables = ScoringTable.objects.all()
    assert {t.kind for t in tables} == {"contractor", "consultant"}
    assert all(t.is_sample and "داده نمایشی" in t.title for t in tables)
    assert DisciplinaryViolation.objects.count() == 1
    # Backdating kept the append-only logs' hash chains intact (core.chain, `audit_verify`).

    assert list(chain_breaks(CaseEvent)) == [] and list(chain_breaks(AuditEvent)) == []

    before = _counts()
    _load_all()
    assert _counts() == before
