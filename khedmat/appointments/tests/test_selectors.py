import datetime as dt
import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from khedmat.appointments import selectors
from khedmat.appointments.services import appointment_cancel
from khedmat.appointments.tests.conftest import BRIEFING, FIELD_VISIT, propose, working_day
from khedmat.testing import make_staff

pytestmark = pytest.mark.django_db


def test_appointment_get_for_user_is_404_alike_for_missing_and_not_yours(proposed, applicant, expert, other_applicant,
                                                                        isfahan_expert):
    assert selectors.appointment_get_for_user(user=applicant, public_id=proposed.public_id) == proposed
    assert selectors.appointment_get_for_user(user=expert, public_id=proposed.public_id) == proposed
    for person in (other_applicant, isfahan_expert):
        with pytest.raises(Http404):
            selectors.appointment_get_for_user(user=person, public_id=proposed.public_id)
    for missing in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            selectors.appointment_get_for_user(user=applicant, public_id=missing)


def test_proposable_kinds_follow_roles_and_case_state(case, expert, unit_head, applicant, isfahan_expert):
    assert selectors.appointment_kinds_proposable(case=case, user=expert) == [FIELD_VISIT, BRIEFING]
    assert selectors.appointment_kinds_proposable(case=case, user=unit_head) == [BRIEFING]
    assert selectors.appointment_kinds_proposable(case=case, user=applicant) == []
    assert selectors.appointment_kinds_proposable(case=case, user=isfahan_expert) == []


def test_staff_choices_are_the_provinces_staff_with_the_kinds_roles(case, expert, unit_head, isfahan_expert, tehran):
    inspector = make_staff(province=tehran, roles=["finance"])
    assert set(selectors.appointment_staff_choices(case=case, kind=FIELD_VISIT)) >= {expert}
    chosen = set(selectors.appointment_staff_choices(case=case, kind=BRIEFING))
    assert {expert, unit_head} <= chosen and isfahan_expert not in chosen and inspector not in chosen


def test_upcoming_for_staff_are_their_own_open_ones_soonest_first(case, expert, tehran):
    later = propose(case, expert, day=working_day(case, 3))
    sooner = propose(case, expert, kind="briefing")
    gone = propose(case, expert, day=working_day(case, 4))
    appointment_cancel(appointment=gone, reason="x", by=expert)
    colleague = make_staff(province=tehran, roles=["expert"])
    assert list(selectors.appointments_upcoming_for_staff(user=expert)) == [sooner, later]
    assert list(selectors.appointments_upcoming_for_staff(user=colleague)) == []
    assert list(selectors.appointments_upcoming_for_staff(user=expert,
                                                          now=later.ends_at + dt.timedelta(minutes=1))) == []


def test_the_staff_list_reads_in_a_fixed_number_of_queries(case, expert):
    for n in range(1, 4):
        propose(case, expert, day=working_day(case, n))
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.appointments_upcoming_for_staff(user=expert))
        labels = [(str(a.kind_label), a.case.applicant.get_full_name()) for a in rows]
    assert len(labels) == 3 and len(queries) == 2  # the rows, and their visitors (prefetched)


def test_reschedules_left_and_who_may_answer(proposed, applicant, expert):
    assert selectors.appointment_reschedules_left(appointment=proposed) == 1
    assert selectors.appointment_may_answer(appointment=proposed, user=applicant)
    assert not selectors.appointment_may_answer(appointment=proposed, user=expert)
    assert selectors.appointment_may_arrange(appointment=proposed, user=expert)
    assert not selectors.appointment_may_arrange(appointment=proposed, user=applicant)
    assert proposed.starts_at > timezone.now()
