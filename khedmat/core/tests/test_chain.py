"""Admin audit events are chained by hash per stream (the province, or national); 20 concurrent appends
to one stream all land on one unbroken chain."""
import threading

import pytest
from django.db import connection

from khedmat.core.audit import audit_record
from khedmat.core.chain import GENESIS, chain_breaks, link_hash
from khedmat.core.models import AuditEvent, Province

pytestmark = pytest.mark.postgres  # the chain takes an advisory lock on PostgreSQL


@pytest.mark.django_db
def test_events_link_to_the_previous_event_of_their_stream(administrator, tehran, isfahan):
    first = audit_record(actor=administrator, action="a", instance=tehran)
    other = audit_record(actor=None, action="b", instance=isfahan)
    second = audit_record(actor=administrator, action="c", instance=tehran, before={"x": [1, 2]}, after={"ی": "ک"})
    assert (first.stream, other.stream, second.stream) == ("tehran", "isfahan", "tehran")
    assert first.prev_hash == GENESIS and other.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.hash == link_hash(first.hash, stored.chain_content())
    assert list(chain_breaks(AuditEvent)) == []


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_appends_to_one_stream_make_one_chain():
    tehran = Province.objects.get(code="tehran")
    barrier = threading.Barrier(20)
    errors = []

    def append(n):
        try:
            barrier.wait(timeout=10)
            audit_record(actor=None, action="concurrent", instance=tehran, note=str(n))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    events = AuditEvent.objects.filter(stream="tehran", action="concurrent")
    assert events.count() == 20
    assert events.values("prev_hash").distinct().count() == 20
    assert list(chain_breaks(AuditEvent)) == []
