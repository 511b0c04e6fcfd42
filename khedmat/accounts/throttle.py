"""Atomic fixed-window counters: login failures per account and per address, one-time-code sends.

Each counter is one row (key, window_start, count). A unit is *reserved* with one conditional
UPDATE (`count < limit`) before the guarded work runs, so 20 simultaneous guesses cannot all be
evaluated: at most `limit` UPDATEs match, whatever the interleaving, on PostgreSQL (row lock taken
by the UPDATE, WHERE re-checked) and SQLite (one writer at a time). See docs/adr/0013.
"""
from __future__ import annotations

import datetime as dt
import math

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ThrottleCounter(models.Model):
    key = models.CharField(_("key"), max_length=120, unique=True)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        app_label = "accounts"
        verbose_name = _("throttle counter")
        verbose_name_plural = _("throttle counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


def hit(key: str, *, limit: int, seconds: int) -> int:
    """Count one event against `key`.

    Returns 0 when it was counted (the caller may go on), otherwise the seconds until the current
    window ends (the caller must refuse). A window starts with its first event and lasts `seconds`.
    """
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=seconds)
    rows = ThrottleCounter.objects.filter(key=key)
    for _attempt in range(5):
        # An ended window starts again with this event.
        if rows.filter(window_start__lte=stale_before).update(window_start=now, count=1):
            return 0
        if limit > 0 and rows.filter(window_start__gt=stale_before, count__lt=limit).update(count=F("count") + 1):
            return 0
        current = rows.values_list("window_start", "count").first()
        if current is not None:
            window_start, count = current
            if window_start > stale_before and count >= limit:
                return max(1, math.ceil((window_start - stale_before).total_seconds()))
            continue  # changed under us (window ended or a unit was given back): try again
        if limit <= 0:
            return seconds
        try:
            with transaction.atomic():
                ThrottleCounter.objects.create(key=key, window_start=now, count=1)
            return 0
        except IntegrityError:
            continue  # another request created it first
    return seconds


def refund(key: str) -> None:
    """Give back one unit (the guarded work did not fail after all)."""
    ThrottleCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def clear(key: str) -> None:
    ThrottleCounter.objects.filter(key=key).delete()


def retry_after(key: str, *, limit: int, seconds: int) -> int:
    """Seconds until `key` accepts events again (0 if it accepts them now). Reads only."""
    current = ThrottleCounter.objects.filter(key=key).values_list("window_start", "count").first()
    if current is None:
        return 0
    window_start, count = current
    left = (window_start + dt.timedelta(seconds=seconds) - timezone.now()).total_seconds()
    return max(1, math.ceil(left)) if left > 0 and count >= limit else 0
