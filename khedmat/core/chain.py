"""Hash chains for append-only logs (case events, admin audit events).

Each row of a chained model belongs to a *stream* (a case, a province's admin log …) and stores
`prev_hash`, the hash of the stream's previous row ("" for the first), and
`hash = sha256(prev_hash + canonical JSON of the row's content)`. A unique constraint on
(stream, prev_hash) means two concurrent appends cannot both link to the same predecessor: the
loser gets an IntegrityError and retries on the new tip. Because a row links only to a committed
row that existed before its own insert (on PostgreSQL appends to one stream also queue on an
advisory lock held to the end of the appending transaction), the chain order is the primary-key order within a stream,
which is how `chain_breaks` walks it (`manage.py audit_verify`). docs/adr/0015-append-only-audit.md.

The content functions work on historical models too (the data migrations chain existing rows).
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, router, transaction
from django.utils import timezone

GENESIS = ""
ATTEMPTS = 10


def _normal(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)  # as Django stores it (the default time zone)
        return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(field, models.JSONField):
        # What the database gives back: tuples become lists, keys become strings.
        return json.loads(json.dumps(value, cls=field.encoder))
    return value


def content_of(instance: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The chained content of a row: the named fields, relations as ids, instants in UTC."""
    content = {}
    for name in fields:
        field = instance._meta.get_field(name)
        content[name] = _normal(field, field.value_from_object(instance))
    return content


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def link_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(content)).encode("utf-8")).hexdigest()


class ChainedModel(models.Model):
    """An append-only row linked by hash to the previous row of its stream.

    Subclasses name `chain_stream` (the attribute whose value is the stream, e.g. "case_id") and
    `chain_fields` (what the hash covers), add UniqueConstraint(stream, prev_hash), and install the
    database guard (`core.appendonly`) in a migration.
    """

    prev_hash = models.CharField(max_length=64, blank=True, default=GENESIS, editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    chain_stream: ClassVar[str]
    chain_fields: ClassVar[tuple[str, ...]]

    class Meta:
        abstract = True

    def chain_content(self) -> dict[str, Any]:
        return content_of(self, self.chain_fields)

    def chain_expected_hash(self) -> str:
        return link_hash(self.prev_hash, self.chain_content())

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionDenied(f"{self._meta.label} rows are append-only")
        chain_append(self, lambda: super(ChainedModel, self).save(*args, **kwargs))

    def delete(self, *args, **kwargs):
        raise PermissionDenied(f"{self._meta.label} rows are append-only")


def chain_append(instance: ChainedModel, insert) -> None:
    """Link `instance` to the tip of its stream and insert it; retry if another append won the tip."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    for field_name in instance.chain_fields:  # normalise text as it will be stored, before hashing
        field = model._meta.get_field(field_name)
        if not field.is_relation and not isinstance(field, models.DateTimeField):
            setattr(instance, field.attname, field.pre_save(instance, True))
    stream = {instance.chain_stream: getattr(instance, instance.chain_stream)}
    manager = model._base_manager.db_manager(using)
    connection = transaction.get_connection(using)
    for attempt in range(ATTEMPTS):
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                # Appends to one stream queue here until the previous appender's transaction ends, rather
                # than all racing for the tip and retrying (SQLite's BEGIN IMMEDIATE already serialises).
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                                   [f"{model._meta.db_table}:{stream[instance.chain_stream]}"])
            tip = manager.filter(**stream).order_by("-pk").values_list("hash", flat=True).first()
            instance.prev_hash = GENESIS if tip is None else tip
            instance.hash = instance.chain_expected_hash()
            try:
                with transaction.atomic(using=using):
                    insert()
                return
            except IntegrityError:
                instance.pk = None
                instance._state.adding = True
                lost_the_tip = manager.filter(**stream, prev_hash=instance.prev_hash).exists()
                if not lost_the_tip or attempt == ATTEMPTS - 1:
                    raise


@dataclass(frozen=True)
class ChainBreak:
    model: type[ChainedModel]
    stream: Any
    row: int
    kind: str  # "altered": the row's content no longer matches its hash; "unlinked": a row is missing or moved


def chain_breaks(model: type[ChainedModel], using: str | None = None) -> Iterator[ChainBreak]:
    """The first broken link of every stream of `model`, walking each stream in primary-key order."""
    qs = model._base_manager.db_manager(using).order_by(model.chain_stream, "pk")
    current = object()
    expected = GENESIS
    broken = False
    for row in qs.iterator(chunk_size=2000):
        stream = getattr(row, model.chain_stream)
        if stream != current:
            current, expected, broken = stream, GENESIS, False
        if broken:
            continue
        if row.prev_hash != expected:
            broken = True
            yield ChainBreak(model, stream, row.pk, "unlinked")
        elif row.chain_expected_hash() != row.hash:
            broken = True
            yield ChainBreak(model, stream, row.pk, "altered")
        expected = row.hash


def chain_rows(rows, fields: tuple[str, ...], stream_attr: str) -> Iterator[tuple[Any, str, str]]:
    """For a data migration: (row, prev_hash, hash) for existing rows given in (stream, pk) order."""
    current = object()
    prev = GENESIS
    for row in rows:
        stream = getattr(row, stream_attr)
        if stream != current:
            current, prev = stream, GENESIS
        digest = link_hash(prev, content_of(row, fields))
        yield row, prev, digest
        prev = digest


def chain_rebuild(model: type[ChainedModel], stream: Any, using: str | None = None) -> int:
    """Re-link one stream after a sanctioned rewrite (demo data backdating its fresh cases).

    Only under `core.appendonly.unlocked()`: the database refuses otherwise. Returns the rows relinked.
    """
    rows = list(model._base_manager.db_manager(using).filter(**{model.chain_stream: stream}).order_by("pk"))
    changed = []
    for row, prev_hash, digest in chain_rows(rows, model.chain_fields, model.chain_stream):
        if (row.prev_hash, row.hash) != (prev_hash, digest):
            row.prev_hash, row.hash = prev_hash, digest
            changed.append(row)
    manager = model._base_manager.db_manager(using)
    with transaction.atomic(using=manager.db):
        # Unique (stream, prev_hash) must hold after every statement: park the links on unique values first.
        for row in changed:
            manager.filter(pk=row.pk).update(prev_hash=f"~{row.pk}")
        for row in changed:
            manager.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
    return len(changed)
