"""Write audit events for administrative acts. Called from services and admin adapters."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from khedmat.core.models import AuditEvent, Province


def snapshot(instance: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of an instance's concrete fields (files as names, relations as ids)."""
    data = model_to_dict(instance, fields=[f.name for f in instance._meta.concrete_fields])
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(item) for item in value]
    if hasattr(value, "name") and not isinstance(value, (str, int, float, bool)):
        return getattr(value, "name", None)
    return value


def audit_record(
    *,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    province: Province | None = None,
    note: str = "",
) -> AuditEvent:
    """Record that `actor` did `action` to `instance`."""
    if province is None:
        province = getattr(instance, "province", None) if isinstance(getattr(instance, "province", None), Province) else None
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        province=province,
        before=before,
        after=after,
        note=note[:500],
    )
