"""The admin audit log is append-only in the database: raw SQL and querysets cannot change or remove it."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from khedmat.core.appendonly import is_guarded, unlocked
from khedmat.core.audit import audit_record
from khedmat.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # the guards are triggers, written per engine


@pytest.fixture
def event(administrator, tehran):
    return audit_record(actor=administrator, action="admin_change", instance=tehran, after={"name": "تهران"})


def _refused(sql, params):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_audit_table_is_guarded_after_migrate():
    assert is_guarded(connection, AuditEvent._meta.db_table)


def test_raw_sql_cannot_update_or_delete_an_audit_event(event):
    _refused("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    _refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "admin_change"


def test_querysets_cannot_update_or_delete_audit_events(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


def test_unlocked_is_the_only_way_and_it_ends_with_the_block(event):
    with unlocked():
        AuditEvent.objects.filter(pk=event.pk).update(note="maintenance")
    assert AuditEvent.objects.get(pk=event.pk).note == "maintenance"
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="after")


def test_flush_is_refused_outside_the_test_profile(settings):
    settings.AUDIT_LOG_FLUSHABLE = False
    with pytest.raises(CommandError, match="خالی"):
        call_command("flush", interactive=False, verbosity=0)
