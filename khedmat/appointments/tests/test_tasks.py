import io

import pytest
import time_machine
from django.core.management import call_command

from khedmat.appointments.tasks import appointments_remind_schedule, appointments_remind_task
from khedmat.appointments.tests.conftest import at
from khedmat.core import jalali
from khedmat.notifications.models import OutboxMessage
from khedmat.workcalendar.selectors import calendar_for

pytestmark = pytest.mark.django_db


def _eve(appointment):
    calendar = calendar_for(province=appointment.case.province_id)
    return calendar.previous_working_day(jalali.local_date(appointment.starts_at))


def test_the_command_sends_due_reminders_once(proposed, applicant):
    with time_machine.travel(at(_eve(proposed), "08:00"), tick=False):
        out = io.StringIO()
        call_command("appointments_remind", stdout=out)
        call_command("appointments_remind", stdout=out)
    assert "appointment reminders sent: 1" in out.getvalue() and "appointment reminders sent: 0" in out.getvalue()
    assert OutboxMessage.objects.filter(recipient=applicant, template="appointment_reminder").count() == 2


def test_the_sweep_task_runs_and_does_not_reschedule_itself_on_the_immediate_backend(proposed):
    with time_machine.travel(at(_eve(proposed), "08:00"), tick=False):
        result = appointments_remind_task.enqueue()
    assert result.status == "SUCCESSFUL" and result.return_value == 1
    assert appointments_remind_schedule() is False
    out = io.StringIO()
    call_command("appointments_remind", "--schedule", stdout=out)
    assert "Already scheduled." in out.getvalue()
