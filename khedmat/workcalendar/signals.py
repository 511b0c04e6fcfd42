"""Keep compiled calendars fresh: any write to calendar data bumps the province's version.

`calendar_changed` tells other apps (the case engine's SLA clocks) which province and dates moved.
"""
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from khedmat.core.models import Province
from khedmat.workcalendar.models import CalendarState, Closure, Holiday, WeeklyOffRule

# Sent with: province_id (None = every province), first_date, last_date (None = open-ended).
calendar_changed = Signal()


def _bump(province_id, first_date, last_date):
    province_ids = [province_id] if province_id else list(Province.objects.values_list("id", flat=True))
    for pid in province_ids:
        state, created = CalendarState.objects.get_or_create(province_id=pid)
        CalendarState.objects.filter(pk=state.pk).update(version=F("version") + 1)
    calendar_changed.send(sender=None, province_id=province_id, first_date=first_date, last_date=last_date)


@receiver([post_save, post_delete], sender=Holiday)
def _holiday_changed(sender, instance, **kwargs):
    _bump(instance.province_id, instance.date, instance.date)


@receiver([post_save, post_delete], sender=Closure)
def _closure_changed(sender, instance, **kwargs):
    _bump(instance.province_id, instance.start_date, instance.end_date)


@receiver([post_save, post_delete], sender=WeeklyOffRule)
def _weekly_changed(sender, instance, **kwargs):
    _bump(instance.province_id, instance.start_date, instance.end_date)
