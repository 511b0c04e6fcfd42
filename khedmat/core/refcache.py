"""Reference data that nearly every page reads and that changes a few times a year (service titles, SLA targets, the
home province, domain lists, scoring tables), kept in the process instead of read on every request (issue 19: such
reads were a third of a staff page's queries).

A value lives `REFERENCE_CACHE_SECONDS` (60 s). A save or delete of one of the models it was read from, in this
process, clears every value at once; another process (a second web worker, the task worker) sees the change within
the minute. Use it only for what may be a minute late on a page, never for what a write decides on: deadlines,
rules and money read the database. Values are shared between requests: treat them as read-only. Tests start each
test with an empty cache (khedmat/conftest.py).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

T = TypeVar("T")

_values: dict[str, tuple[float, object]] = {}
_watched: set[type] = set()
_lock = threading.Lock()


def reference(key: str, load: Callable[[], T], *, models: Iterable[type]) -> T:
    """The value of `load()` kept under `key`, read again after the time-to-live or a change to one of `models`."""
    hit = _values.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[return-value]
    for model in models:
        _watch(model)
    value = load()
    _values[key] = (now + settings.REFERENCE_CACHE_SECONDS, value)
    return value


def clear(*_args, **_kwargs) -> None:
    """Forget every value (a watched model changed, or a test starts)."""
    _values.clear()


def _watch(model: type) -> None:
    if model in _watched:
        return
    with _lock:
        if model in _watched:
            return
        uid = f"refcache:{model._meta.label}"
        post_save.connect(clear, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(clear, sender=model, weak=False, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(clear, sender=field.remote_field.through, weak=False,
                                dispatch_uid=f"{uid}:{field.name}")
        _watched.add(model)
