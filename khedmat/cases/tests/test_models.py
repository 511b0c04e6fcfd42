"""Case events are append-only in the database and chained by hash per case (core.appendonly, core.chain)."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from khedmat.cases.models import Case, CaseEvent
from khedmat.cases.services import case_create
from khedmat.core.appendonly import is_guarded, unlocked
from khedmat.core.chain import GENESIS, chain_breaks

pytestmark = pytest.mark.django_db


def test_the_event_table_is_guarded_after_migrate():
    assert is_guarded(connection, CaseEvent._meta.db_table)


def test_raw_sql_and_querysets_cannot_rewrite_case_events(submitted):
    event = submitted.events.order_by("id").first()
    for sql in ("UPDATE cases_caseevent SET comment = 'x' WHERE id = %s", "DELETE FROM cases_caseevent WHERE id = %s"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(case=submitted).update(comment="بازنویسی")
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(case=submitted).delete()
    assert CaseEvent.objects.filter(case=submitted).exclude(comment="بازنویسی").count() == submitted.events.count()


def test_a_case_with_events_cannot_be_deleted(submitted):
    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=submitted.pk).delete()


def test_each_case_has_its_own_chain(submitted, test_service, other_applicant):
    other = case_create(service=test_service, applicant=other_applicant)
    events = list(submitted.events.order_by("id"))
    assert len(events) >= 3 and events[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    assert other.events.get().prev_hash == GENESIS  # another case starts its own chain
    assert list(chain_breaks(CaseEvent)) == []


def test_audit_verify_catches_a_case_event_edited_with_raw_sql(submitted):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    event = submitted.events.order_by("id")[1]
    with unlocked(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET to_state = 'approved' WHERE id = %s", [event.pk])
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify", stdout=out, stderr=StringIO())
    assert exit_.value.code == 1
    assert "رویدادهای پرونده" in out.getvalue() and "تغییر کرده" in out.getvalue()
