"""`make run` prints the demo logins last: the demo's SMS go to var/demo-sms.log, not the terminal."""
import io

import pytest
from django.core.management import call_command

from khedmat.core.management.commands import load_demo_data
from khedmat.notifications.models import OutboxMessage
from khedmat.notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


class _DemoModule:
    """Stands for an app's demo_data.py: queues SMS (as the demo's cases do) and returns logins."""

    @staticmethod
    def load(stdout):
        for n in range(90):
            notification_enqueue(channel="sms", to="09120000000", body=f"پیامک آزمایشی {n}",
                                 idempotency_key=f"demo-{n}")
        stdout.write("  demo cases added")
        return ["0010000011 / khedmat-demo-1404   مریم احمدی", "0020000014 / khedmat-demo-1404   نرگس شریفی"]


def test_demo_sms_go_to_the_log_and_the_logins_come_last(settings, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(load_demo_data, "_modules", lambda name: [(None, _DemoModule)])
    settings.VAR_DIR = tmp_path
    settings.DEV_OUTBOX_ENABLED = True
    settings.SMS_BACKEND = "khedmat.notifications.sms.ConsoleSmsBackend"
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    assert "[SMS to" not in printed and "پیامک آزمایشی" not in printed
    assert (tmp_path / "demo-sms.log").read_text(encoding="utf-8").count("[SMS to 09120000000]") == 90
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()  # nothing left for the worker
    lines = [line for line in printed.splitlines() if line.strip()]
    assert lines[-3:] == ["Demo logins (national ID / password):", "  0010000011 / khedmat-demo-1404   مریم احمدی",
                          "  0020000014 / khedmat-demo-1404   نرگس شریفی"]
    assert (tmp_path / "demo-logins.txt").read_text(encoding="utf-8").strip().splitlines()[-3:] == [
        line.strip() if i == 0 else line for i, line in enumerate(lines[-3:])]
