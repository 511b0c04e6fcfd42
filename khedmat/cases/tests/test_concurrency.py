"""Two people acting on one case at the same moment: exactly one wins, the other is told."""
import threading

import pytest
from django.db import connection

from khedmat.cases import services
from khedmat.cases.models import Case, CaseEvent
from khedmat.core.exceptions import ApplicationError
from khedmat.testing import make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_transitions_have_one_winner(submitted, expert, tehran):
    other = make_staff(province=tehran, roles=["expert"])
    version = Case.objects.get(pk=submitted.pk).version
    barrier = threading.Barrier(2)
    results = []

    def act(person, name, comment):
        try:
            barrier.wait(timeout=10)
            services.case_transition(case=submitted, name=name, by=person, comment=comment, expected_version=version)
            results.append("won")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(expert, "recommend", "")),
               threading.Thread(target=act, args=(other, "reject", "رد"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["stale", "won"]
    case = Case.objects.get(pk=submitted.pk)
    assert case.state in {"awaiting_approval", "rejected"}
    assert CaseEvent.objects.filter(case=case, event_type="transition").count() == 1
