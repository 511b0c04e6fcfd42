"""Write audit events for administrative acts. Called from services and admin adapters."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.core.exceptions import FieldDoesNotExist
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


# The relations walked to find the province an object belongs to, in this order, after its own
# `province`: a document's case, an invitation's session, a session's committee, a user's province …
PROVINCE_PATHS = ("case", "organization", "committee", "session", "appointment", "invoice", "report", "item",
                  "member", "notice", "document", "office", "user", "recipient", "outbox_message")


def province_id_of(obj: Any, _depth: int = 0) -> int | None:
    """The id of the province `obj` belongs to, or None (national). Works on historical models too."""
    if obj is None or _depth > 4 or not isinstance(obj, models.Model):
        return None
    if obj._meta.label_lower == "core.province":
        return obj.pk
    try:
        field = obj._meta.get_field("province")
    except FieldDoesNotExist:
        field = None
    if field is not None and field.many_to_one and field.related_model._meta.label_lower == "core.province":
        return getattr(obj, field.attname)
    for name in PROVINCE_PATHS:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not (field.many_to_one or field.one_to_one) or getattr(obj, field.attname, None) is None:
            continue
        found = province_id_of(getattr(obj, name), _depth + 1)
        if found is not None:
            return found
    return None


def province_of(obj: Any) -> Province | None:
    """The province `obj` belongs to (itself, its own field, or through its case, organization …)."""
    if isinstance(obj, Province):
        return obj
    province = getattr(obj, "province", None)
    if isinstance(province, Province):
        return province
    province_id = province_id_of(obj)
    return Province.objects.filter(pk=province_id).first() if province_id else None


def audit_province(actor, instance: models.Model) -> Province | None:
    """Whose log an act belongs to: the object's province, else the acting staff member's, else national."""
    return province_of(instance) or (province_of(actor) if getattr(actor, "pk", None) else None)


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
    """Record that `actor` did `action` to `instance`, in the log of `province` (default: `audit_province`)."""
    if province is None:
        province = audit_province(actor, instance)
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
