"""Reads of the public catalog."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from khedmat.catalog.models import ItemSection, Service, SlaCommitment, SlaStatement, StatementItem
from khedmat.core.refcache import reference


def service_codes() -> dict[str, tuple[int, str]]:
    """code → (id, title) of every service in the catalogue, in the catalogue's order (kept by core.refcache)."""
    def load():
        return {code: (pk, title) for code, pk, title in
                Service.objects.order_by("number").values_list("code", "id", "title")}

    return reference("catalog:services", load, models=[Service])


def service_title_map() -> dict[str, str]:
    """code → title of every service in the catalogue."""
    return {code: title for code, (_pk, title) in service_codes().items()}


def target_assumed(*, statement_id: int, code: str) -> bool:
    """Whether the commitment `code` of the statement has a target the published statement does not set."""
    return reference(f"catalog:assumed:{statement_id}:{code}", lambda: SlaCommitment.objects.filter(
        statement_id=statement_id, code=code, target_assumed=True).exists(), models=[SlaCommitment])


def service_list_published() -> QuerySet[Service]:
    return Service.objects.filter(is_published=True).order_by("number")


def service_get_published(*, code: str) -> Service:
    service = service_list_published().filter(code=code).first()
    if service is None:
        raise Http404
    return service


def statement_in_force(*, service: Service, on: dt.date | None = None) -> SlaStatement | None:
    """The published version whose effective date is the latest one not after `on`.

    None if there is none yet, or if the agreement has been terminated by then.
    """
    on = on or timezone.localdate()
    statement = (
        SlaStatement.objects.filter(service=service, published_at__isnull=False)
        .exclude(effective_from__gt=on)
        .order_by("-effective_from", "-version")
        .first()
    )
    if statement is None or (statement.terminated_at and statement.terminated_at <= on):
        return None
    return statement


def statement_ended(*, service: Service, on: dt.date | None = None) -> SlaStatement | None:
    """The last version, if the agreement was terminated by `on` (its end and notice dates are public)."""
    on = on or timezone.localdate()
    return (
        SlaStatement.objects.filter(service=service, published_at__isnull=False, terminated_at__lte=on)
        .order_by("-version")
        .first()
    )


def statement_history(*, service: Service) -> QuerySet[SlaStatement]:
    return SlaStatement.objects.filter(service=service, published_at__isnull=False).order_by("-version")


def statement_get_published(*, service: Service, version: int) -> SlaStatement:
    statement = statement_history(service=service).filter(version=version).first()
    if statement is None:
        raise Http404
    return statement


def statement_sections(*, statement: SlaStatement) -> dict:
    """Everything the statement page shows, in three queries."""
    items = {section: [] for section in ItemSection.values}
    for item in StatementItem.objects.filter(statement=statement).order_by("section", "order", "id"):
        items[item.section].append(item)
    return {
        "legal_references": list(statement.legal_references.all()),
        "commitments": list(statement.commitments.all()),
        "process": items[ItemSection.PROCESS],
        "documents": items[ItemSection.DOCUMENT],
        "obligations": items[ItemSection.OBLIGATION],
        "channels": items[ItemSection.CHANNEL],
        "fees": items[ItemSection.FEE],
        "inquiries": items[ItemSection.INQUIRY],
    }


def statement_scheduled(*, service: Service, on: dt.date | None = None) -> SlaStatement | None:
    """A published amendment that takes effect after `on`, if any."""
    on = on or timezone.localdate()
    return (
        SlaStatement.objects.filter(service=service, published_at__isnull=False, effective_from__gt=on)
        .order_by("effective_from")
        .first()
    )
