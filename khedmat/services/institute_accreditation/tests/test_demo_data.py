"""The service-2 demo: every resting state of the process, built through the real services; sample reference
data flagged as such; no invoice (the service is free); and a second load that adds nothing. The demo is
loaded once per test (it is slow), so everything is checked in one test."""
import time

import pytest
from django.utils import timezone

from khedmat.accounts import demo_data as accounts
from khedmat.accounts.models import User
from khedmat.appointments import demo_data as appointments
from khedmat.appointments.models import Appointment, ScoringScheme
from khedmat.cases.models import Case, CaseEvent, DeficiencyNotice, DocumentVersion
from khedmat.cases.models import CaseEvent as Event
from khedmat.cases.selectors import sla_view
from khedmat.certificates.models import OfficialDocument
from khedmat.committees import demo_data as committees
from khedmat.committees.models import Decision, Session
from khedmat.core.chain import chain_breaks
from khedmat.core.models import AuditEvent
from khedmat.organizations import demo_data as organizations
from khedmat.organizations.models import Organization
from khedmat.payments.models import Invoice
from khedmat.services.institute_accreditation import demo_data, report, selectors
from khedmat.services.institute_accreditation.models import (
    Accreditation,
    Domain,
    DomainGroup,
    ScopeViolation,
    SupervisionRecord,
)
from khedmat.services.institute_accreditation.workflow import PROCESS

pytestmark = pytest.mark.django_db


def _load_all():
    lines = []
    for module in (accounts, organizations, committees, appointments, demo_data):  # the order of INSTALLED_APPS
        lines += module.load() or []
    return lines


def _counts():
    models = (Case, CaseEvent, DocumentVersion, DeficiencyNotice, Accreditation, OfficialDocument, SupervisionRecord,
              ScopeViolation, Appointment, Session, Decision, DomainGroup, Domain, ScoringScheme, Organization, User,
              Invoice)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_shows_every_state_and_loads_once(media):
    started = time.monotonic()
    lines = _load_all()
    print(f"the demo loaded in {time.monotonic() - started:.1f} s")  # speed is measured in bench/, never asserted here
    assert any("Service 2 demo" in line for line in lines)

    cases = Case.objects.filter(service__code="institute_accreditation")
    states = list(cases.values_list("state", flat=True))
    assert {s.code for s in PROCESS.states} <= set(states)
    assert states.count("awaiting_committee") == 2  # a secretary can put them on a session
    assert cases.count() >= 19 and all("نمایشی" in t for t in cases.values_list("title", flat=True))
    assert cases.values("organization").distinct().count() == 8
    assert not Invoice.objects.filter(case__in=cases).exists()  # the service is free

    def case(state):
        return cases.filter(state=state).first()

    filed = case("filed")
    assert filed.data["channel"] == "binder" and filed.accreditation.binder_received_at is not None
    assert case("returned_incomplete").accreditation.incomplete_returns == 1
    assert case("deficiencies_notified").deficiency_notices.count() == 2
    assert Appointment.objects.filter(case=case("visit_scheduled"), kind="field_visit", state="proposed").exists()
    assert Appointment.objects.filter(case=case("visited"), kind="field_visit", state="held").exists()
    assert case("ceo_checks_pending").accreditation.introduction_letter is not None
    assert case("licence_issued").accreditation.licence is not None
    assert Appointment.objects.filter(case=case("licence_issued"), kind="licence_delivery",
                                      starts_at__gt=timezone.now()).exists()
    active = case("active")
    assert SupervisionRecord.objects.filter(case__in=cases.filter(state="active"), kind="finding").exists()
    assert active.accreditation.granted_domains.exists()
    expired = case("expired").accreditation.licence
    assert expired.valid_until < timezone.localdate() and expired.issued_on < expired.valid_until
    assert case("suspended").accreditation.licence.status == "suspended"
    assert case("revoked").accreditation.licence.status == "revoked"
    superseded = case("superseded").accreditation.licence
    assert superseded.status == "replaced" and superseded.replacement is not None  # by the upgrade's licence
    # The committee decided through confirmed minutes; the rejected case by the committee's vote.
    decided = cases.filter(events__transition__in=["committee_approve", "committee_approve_conditions",
                                                   "committee_reject"]).distinct()
    assert decided.count() >= 8 and Session.objects.filter(state="confirmed").count() >= 8
    assert case("rejected").events.filter(transition="committee_reject").exists()

    # The dates are spread over the past months, in order, and the SLA columns agree with the events.
    submitted = sorted(cases.exclude(first_submitted_at=None).values_list("first_submitted_at", flat=True))
    assert (submitted[-1] - submitted[0]).days >= 300
    for c in cases.exclude(tracking_number=None):
        instants = list(c.events.order_by("id").values_list("created_at", flat=True))
        assert instants == sorted(instants), c.title
    # Backdating kept the append-only logs' hash chains intact (core.chain, `audit_verify`).
    assert list(chain_breaks(Event)) == [] and list(chain_breaks(AuditEvent)) == []
    # Sample reference data is flagged and titled as such.
    assert all(g.is_sample and "نمونه" in g.title for g in DomainGroup.objects.filter(code__startswith="demo-"))
    assert all("نمونه" in d.title for d in Domain.objects.filter(code__startswith="demo-"))
    schemes = ScoringScheme.objects.filter(code__in=["institute_field_visit", "institute_supervision"])
    assert schemes.count() == 2 and all(s.is_sample and s.criteria.exists() for s in schemes)

    # The public list shows the licences in force; the report reads the demo's history.
    listed = {a.case.organization.name for a in selectors.licensed_institutes()}
    assert len(listed) >= 2
    result = report.service_report(province_id=active.province_id, period=report.Period(
        timezone.localdate().replace(year=timezone.localdate().year - 2), timezone.localdate()))
    assert result.end_to_end.delivered >= 5 and result.free.invoices == 0
    for delivered in cases.filter(state__in=["active", "suspended", "revoked", "expired", "superseded"]):
        assert delivered.sla_banked_days == sla_view(delivered).used

    before = _counts()
    _load_all()
    assert _counts() == before
