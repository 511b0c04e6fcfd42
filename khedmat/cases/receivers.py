"""When the working-day calendar changes, open cases get their deadlines recomputed (and logged),
in the background: a province may have many open cases."""
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from khedmat.cases.tasks import sla_recompute_task
from khedmat.workcalendar.signals import calendar_changed


@receiver(calendar_changed)
def _recompute_deadlines(sender, province_id, first_date, last_date, **kwargs):

    # After commit, so that the new calendar is what the recomputation reads.
    reason = _("The working-day calendar changed.")
    transaction.on_commit(lambda: sla_recompute_task.enqueue(province_id, reason))
