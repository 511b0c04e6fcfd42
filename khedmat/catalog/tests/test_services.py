import datetime as dt

import pytest
import yaml

from khedmat.catalog import selectors, services
from khedmat.catalog.models import ItemSection, Service, SlaStatement
from khedmat.catalog.reference_data import FILE
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def contractor():
    return Service.objects.get(code="contractor_qualification")


def test_reference_data_has_the_five_services_with_complete_statements():
    assert list(Service.objects.values_list("code", flat=True)) == [
        "instructor_qualification", "institute_accreditation", "employee_training",
        "contractor_qualification", "agency_performance_evaluation",
    ]
    for service in Service.objects.all():
        statement = selectors.statement_in_force(service=service)
        assert statement is not None and statement.version == 1
        assert statement.introduction and statement.purpose and statement.validity_text and statement.termination_text
        assert statement.signed_by_name == "نعمت اله ترکی"
        sections = selectors.statement_sections(statement=statement)
        assert sections["process"] and sections["obligations"] and sections["commitments"]


def test_contractor_statement_keeps_the_seed_facts():
    statement = selectors.statement_in_force(service=contractor())
    sections = selectors.statement_sections(statement=statement)
    assert [d.label for d in sections["documents"]] == ["الف", "ب", "ج", "و", "ه", "و", "ز"]
    fees = {f.label: f.amount_rials for f in sections["fees"]}
    assert len(fees) == 8 and 10_500_000 in fees.values() and 3_000_000 in fees.values()
    issuance = next(c for c in sections["commitments"] if c.unit == "working_days" and c.target == 25)
    assert issuance.target_min == 10
    refs = {r.date for r in sections["legal_references"] if r.date}
    assert dt.date(2003, 3, 2) in refs  # regulation 48013 of 1381-12-11
    assert statement.termination_requires_notice


def test_loading_again_changes_nothing():
    before = (SlaStatement.objects.count(), Service.objects.count())
    services.service_catalog_load(data=yaml.safe_load(FILE.read_text(encoding="utf-8")))
    assert (SlaStatement.objects.count(), Service.objects.count()) == before


def test_unknown_keys_in_reference_data_are_refused():
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    data["services"][0]["statement"]["surprise"] = "x"
    with pytest.raises(services.ReferenceDataError):
        services.service_catalog_load(data=data)


def test_an_amendment_is_drafted_as_a_copy_and_is_not_public(administrator):
    service = contractor()
    current = selectors.statement_in_force(service=service)
    draft = services.sla_amendment_draft(service=service, by=administrator)
    assert draft.version == 2 and not draft.is_published
    assert draft.items.count() == current.items.count()
    assert draft.commitments.count() == current.commitments.count()
    assert selectors.statement_in_force(service=service) == current
    assert list(selectors.statement_history(service=service)) == [current]
    with pytest.raises(ApplicationError):
        services.sla_amendment_draft(service=service, by=administrator)


def test_publishing_an_amendment_supersedes_the_version_in_force_from_its_date(administrator):
    service = contractor()
    v1 = selectors.statement_in_force(service=service)
    draft = services.sla_amendment_draft(service=service, by=administrator)
    draft.items.filter(section=ItemSection.FEE).update(amount_rials=4_000_000)
    effective = dt.date(2027, 3, 21)  # 1406-01-01
    services.sla_amendment_publish(draft=draft, effective_from=effective, note="جدول هزینه ۱۴۰۶", by=administrator)
    v1.refresh_from_db()
    assert v1.superseded_by_id == draft.pk
    assert selectors.statement_in_force(service=service, on=dt.date(2027, 3, 20)) == v1
    assert selectors.statement_in_force(service=service, on=effective) == draft
    assert selectors.statement_scheduled(service=service, on=dt.date(2026, 12, 1)) == draft
    assert [s.version for s in selectors.statement_history(service=service)] == [2, 1]
    assert AuditEvent.objects.filter(action="sla_amendment_published", object_id=str(draft.pk)).exists()
    # The old version's fee rows are untouched.
    assert v1.items.filter(section=ItemSection.FEE, amount_rials=4_000_000).count() == 0


def test_publishing_refuses_bad_input_and_changes_nothing(administrator):
    service = contractor()
    draft = services.sla_amendment_draft(service=service, by=administrator)
    with pytest.raises(ApplicationError):
        services.sla_amendment_publish(draft=draft, effective_from=dt.date(1990, 1, 1), note="x", by=administrator)
    with pytest.raises(ApplicationError):
        services.sla_amendment_publish(draft=draft, effective_from=dt.date(2027, 3, 21), note="  ", by=administrator)
    draft.refresh_from_db()
    assert not draft.is_published
    assert SlaStatement.objects.get(service=service, version=1).superseded_by_id is None


def test_a_published_version_cannot_be_published_again(administrator):
    draft = services.sla_amendment_draft(service=contractor(), by=administrator)
    services.sla_amendment_publish(draft=draft, effective_from=dt.date(2027, 3, 21), note="n", by=administrator)
    with pytest.raises(ApplicationError):
        services.sla_amendment_publish(draft=draft, effective_from=dt.date(2028, 3, 20), note="n", by=administrator)


def test_termination_with_prior_notice(administrator):
    service = contractor()
    statement = selectors.statement_in_force(service=service)
    with pytest.raises(ApplicationError):
        services.sla_statement_terminate(statement=statement, notice_date=None, terminated_at=dt.date(2027, 1, 1),
                                         by=administrator)
    with pytest.raises(ApplicationError):
        services.sla_statement_terminate(statement=statement, notice_date=dt.date(2027, 1, 1),
                                         terminated_at=dt.date(2027, 1, 1), by=administrator)
    services.sla_statement_terminate(statement=statement, notice_date=dt.date(2026, 12, 1),
                                     terminated_at=dt.date(2027, 1, 1), by=administrator)
    assert selectors.statement_in_force(service=service, on=dt.date(2026, 12, 31)) == statement
    assert selectors.statement_in_force(service=service, on=dt.date(2027, 1, 1)) is None


def test_reference_data_whose_copy_the_admin_would_refuse_is_refused_on_load():
    """Every row of a published statement passes the admin's validation, so its amendment draft saves."""
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    entry = data["services"][0]
    entry["code"], entry["number"] = "probe", 99
    entry["statement"]["commitments"][0]["description"] = ""
    with pytest.raises(services.ReferenceDataError, match="SlaCommitment"):
        services.service_catalog_load(data={"services": [entry]})
    assert not Service.objects.filter(code="probe").exists()
