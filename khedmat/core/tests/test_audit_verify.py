"""`manage.py audit_verify` walks every chain: exit 0 when intact; edited or deleted rows are reported
(in Persian, the first broken link per stream) with exit code 1."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from khedmat.core.appendonly import unlocked
from khedmat.core.audit import audit_record

# It reads the append-only tables past their triggers, which are written per engine.
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def verify():
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def events(administrator, tehran, isfahan):
    made = [audit_record(actor=administrator, action=f"step{n}", instance=tehran) for n in range(4)]
    made.append(audit_record(actor=None, action="elsewhere", instance=isfahan))
    return made


def test_an_intact_log_passes(events):
    code, output = verify()
    assert code == 0 and "سالم" in output


def test_a_row_edited_with_raw_sql_is_caught(events):
    with unlocked(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_repr = 'دستکاری' WHERE id = %s", [events[1].pk])
    code, output = verify()
    assert code == 1
    assert "تغییر کرده" in output and "tehran" in output
    assert f"ردیف {events[1].pk}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in output
    assert "isfahan" not in output  # the other stream is intact


def test_a_deleted_row_breaks_the_link_of_the_next(events):
    with unlocked(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
    code, output = verify()
    assert code == 1 and "پیوند" in output
    assert f"ردیف {events[3].pk}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in output
