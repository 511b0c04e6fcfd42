import datetime as dt
import itertools

import pytest
from django.db.models import Q
from django.utils import timezone

from khedmat.cases import selectors
from khedmat.cases.models import Case
from khedmat.catalog.models import Service
from khedmat.testing import make_staff, make_user

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _case(service, province, applicant, *, state="under_review", deadline=None, submitted_days_ago=1):
    now = timezone.now()
    return Case.objects.create(
        service=service, process_version=1, province=province, applicant=applicant, state=state,
        tracking_number=f"T{next(_numbers):08d}", applicant_national_id=applicant.national_id,
        first_submitted_at=now - dt.timedelta(days=submitted_days_ago), sla_deadline=deadline)


@pytest.mark.parametrize("sort", sorted(selectors.QUEUE_ORDERS))
def test_a_queue_over_two_services_merges_in_the_same_order_as_one_query(test_service, tehran, expert, sort):
    contractor = Service.objects.get(code="contractor_qualification")
    applicant = make_user()
    now = timezone.now()
    for i in range(12):
        for service in (test_service, contractor):
            # equal deadlines and missing ones too, so that ties and NULLs are ordered as the database does
            deadline = None if i % 4 == 0 else now + dt.timedelta(days=i % 3)
            _case(service, tehran, applicant, deadline=deadline, submitted_days_ago=(i * 7) % 5)
    _case(contractor, tehran, applicant, state="draft")  # not waiting for an expert

    queue = selectors.queue_for_staff(staff=expert, sort=sort)
    assert isinstance(queue, selectors.MergedQueue)
    expected = list(Case.objects.filter(Q(service=test_service) | Q(service=contractor), state="under_review")
                    .order_by(*selectors.QUEUE_ORDERS[sort], "id").values_list("pk", flat=True))
    assert [c.pk for c in queue[0:100]] == expected
    assert [c.pk for c in queue[5:11]] == expected[5:11]  # a later page
    assert [c.pk for c in selectors.queue_for_staff(staff=expert, sort=sort,
                                                    service="contractor_qualification")[0:100]] == [
        pk for pk in expected if Case.objects.get(pk=pk).service_id == contractor.pk]


def test_all_open_cases_for_an_expert_include_paused_and_awaiting_approval_of_his_services_only(test_service, tehran):
    """Issue 17 point 6: «همه پرونده‌های باز استان» is every open case of the services the expert works on."""
    contractor = Service.objects.get(code="contractor_qualification")
    applicant = make_user()
    reviewing = _case(test_service, tehran, applicant)
    paused = _case(test_service, tehran, applicant, state="deficiencies_notified")
    approving = _case(test_service, tehran, applicant, state="awaiting_approval")
    closed = _case(test_service, tehran, applicant, state="approved")
    Case.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    other_service = _case(contractor, tehran, applicant, state="awaiting_approval")

    expert = make_staff(province=tehran, roles=[("expert", test_service.code)])
    shown = {c.pk for c in selectors.queue_for_staff(staff=expert, scope="all")}
    assert shown == {reviewing.pk, paused.pk, approving.pk}
    assert {c.pk for c in selectors.queue_for_staff(staff=expert, scope="role")} == {reviewing.pk}

    everywhere = make_staff(province=tehran, roles=["expert"])  # an expert of every service
    assert {c.pk for c in selectors.queue_for_staff(staff=everywhere, scope="all")} == {
        reviewing.pk, paused.pk, approving.pk, other_service.pk}
