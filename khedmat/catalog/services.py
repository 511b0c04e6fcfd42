"""Writes for the service catalog: loading reference statements, amendments, termination."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.catalog.models import (
    ItemSection,
    LegalReference,
    Service,
    SlaCommitment,
    SlaStatement,
    StatementItem,
)
from khedmat.core import jalali
from khedmat.core.audit import audit_record, snapshot
from khedmat.core.exceptions import ApplicationError

_SECTION_KEYS = {
    "process_steps": ItemSection.PROCESS,
    "documents": ItemSection.DOCUMENT,
    "obligations": ItemSection.OBLIGATION,
    "channels": ItemSection.CHANNEL,
    "fee_items": ItemSection.FEE,
    "inquiries": ItemSection.INQUIRY,
}
_SERVICE_KEYS = {"code", "number", "title", "summary", "owner_unit", "audience", "fee_kind", "statement"}
_STATEMENT_TEXT_KEYS = {
    "introduction", "purpose", "responsibility", "process_title", "process_intro", "regulations_title",
    "regulations_text", "inquiries_intro", "fees_text", "availability_text", "validity_text", "termination_text",
}
_STATEMENT_KEYS = (
    _STATEMENT_TEXT_KEYS | set(_SECTION_KEYS)
    | {"version", "effective_from", "signed_by_name", "signed_by_title", "termination_requires_notice",
       "legal_references", "commitments"}
)


class ReferenceDataError(ValueError):
    pass


def _check_keys(where: str, data: dict, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ReferenceDataError(f"{where}: unknown keys {sorted(unknown)}")


@transaction.atomic
def service_catalog_load(*, data: dict) -> list[Service]:
    """Create the services and their first SLA statements from reference data (idempotent).

    Services are updated in place; a statement version that already exists is left alone, because
    published statements are immutable and may have been amended by an administrator since.
    """
    services = []
    for entry in data["services"]:
        _check_keys(f"service {entry.get('code')}", entry, _SERVICE_KEYS)
        service, _created = Service.objects.update_or_create(
            code=entry["code"],
            defaults={key: entry[key] for key in ("number", "title", "summary", "owner_unit", "audience", "fee_kind")},
        )
        services.append(service)
        statement = entry["statement"]
        _check_keys(f"statement of {service.code}", statement, _STATEMENT_KEYS)
        if SlaStatement.objects.filter(service=service, version=statement["version"]).exists():
            continue
        _statement_create(service=service, data=statement)
    return services


def _statement_create(*, service: Service, data: dict) -> SlaStatement:
    statement = SlaStatement(
        service=service,
        version=data["version"],
        effective_from=jalali.parse_jalali_date(data["effective_from"]) if data.get("effective_from") else None,
        # The published statements carry no date of their own (SERVICES.md §1.1).
        effective_from_assumed=True,
        signed_by_name=data["signed_by_name"],
        signed_by_title=data["signed_by_title"],
        termination_requires_notice=bool(data.get("termination_requires_notice")),
        published_at=timezone.now(),
        **{key: (data.get(key) or "") for key in _STATEMENT_TEXT_KEYS},
    )
    statement.full_clean(exclude=["service"])
    statement.save()
    for order, ref in enumerate(data.get("legal_references") or [], start=1):
        _row_save(LegalReference(
            statement=statement, order=order, kind=ref["kind"], number=ref.get("number") or "",
            date=jalali.parse_jalali_date(ref["date"]) if ref.get("date") else None,
            issuer=ref.get("issuer") or "", title=ref.get("title") or "", as_written=ref.get("as_written") or "",
        ))
    for key, section in _SECTION_KEYS.items():
        for order, item in enumerate(data.get(key) or [], start=1):
            _row_save(StatementItem(
                statement=statement, section=section, order=order,
                label=str(item.get("label") or item.get("name") or ""),
                text=item.get("text") or "",
                side=item.get("side") or "",
                url=item.get("url") or "",
                amount_rials=item.get("amount_rials"),
                source=item.get("source") or "",
                body=item.get("body") or "",
                mode=item.get("mode") or "",
            ))
    for order, commitment in enumerate(data.get("commitments") or [], start=1):
        _row_save(SlaCommitment(
            statement=statement, order=order, code=commitment["code"], title=commitment["title"],
            description=commitment["description"], unit=commitment["unit"],
            target=_decimal(commitment.get("target")), target_min=_decimal(commitment.get("target_min")),
            seed_basis=commitment.get("seed_basis") or "", target_assumed=bool(commitment.get("target_assumed")),
        ))
    return statement


def _row_save(row) -> None:
    """Save a row of a published statement after the validation the admin applies to it.

    An amendment starts as a copy of the published rows; a row the admin form would refuse would
    make the copy unsaveable (issue 17 point 10), so reference data with one is refused on load.
    """
    try:
        row.full_clean(exclude=["statement"], validate_unique=False)
    except ValidationError as error:
        raise ReferenceDataError(f"{row.statement.service.code} {type(row).__name__} {row.order}: "
                                 f"{error.message_dict}") from error
    row.save()


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def sla_amendment_draft(*, service: Service, by) -> SlaStatement:
    """Start an amendment: a new, unpublished version copied from the latest version."""
    with transaction.atomic():
        Service.objects.select_for_update().get(pk=service.pk)
        if SlaStatement.objects.filter(service=service, published_at__isnull=True).exists():
            raise ApplicationError(
                _("An unpublished amendment of this statement already exists; edit or publish that one."),
                code="draft_exists",
            )
        source = SlaStatement.objects.filter(service=service).order_by("-version").first()
        if source is None:
            raise ApplicationError(_("This service has no SLA statement to amend."), code="no_statement")
        next_version = (SlaStatement.objects.filter(service=service).aggregate(m=Max("version"))["m"] or 0) + 1
        draft = SlaStatement.objects.get(pk=source.pk)
        draft.pk = None
        draft.version = next_version
        draft.published_at = None
        draft.published_by = None
        draft.superseded_by = None
        draft.effective_from = None
        draft.effective_from_assumed = False
        draft.amendment_note = ""
        draft.termination_notice_date = None
        draft.terminated_at = None
        draft.save()
        for related in (source.legal_references.all(), source.items.all(), source.commitments.all()):
            for row in related:
                row.pk = None
                row.statement = draft
                row.save()
        audit_record(actor=by, action="sla_amendment_drafted", instance=draft, after={"from_version": source.version})
    return draft


def sla_amendment_publish(*, draft: SlaStatement, effective_from: dt.date, note: str, by) -> SlaStatement:
    """Publish an amendment: it supersedes the version in force from `effective_from`."""
    with transaction.atomic():
        draft = SlaStatement.objects.select_for_update().get(pk=draft.pk)
        if draft.published_at is not None:
            raise ApplicationError(_("This version is already published and cannot change."), code="published")
        if not note.strip():
            raise ApplicationError(_("Describe what the amendment changes."), code="note_required")
        previous = (
            SlaStatement.objects.select_for_update()
            .filter(service=draft.service, published_at__isnull=False, superseded_by__isnull=True)
            .order_by("-version")
            .first()
        )
        if previous and previous.effective_from and effective_from <= previous.effective_from:
            raise ApplicationError(
                _("The amendment must take effect after the version it amends (in force from %(date)s).")
                % {"date": jalali.format_date(previous.effective_from)},
                code="effective_date",
            )
        if previous and previous.terminated_at:
            raise ApplicationError(_("This agreement has been terminated; it cannot be amended."), code="terminated")
        draft.effective_from = effective_from
        draft.amendment_note = note
        draft.published_at = timezone.now()
        draft.published_by = by
        draft.full_clean(exclude=["service", "superseded_by", "published_by"])
        draft.save()
        if previous:
            previous.superseded_by = draft
            previous.save(update_fields=["superseded_by"])
        audit_record(
            actor=by, action="sla_amendment_published", instance=draft,
            before={"in_force_version": previous.version if previous else None}, after=snapshot(draft),
        )
    return draft


def sla_statement_terminate(*, statement: SlaStatement, notice_date: dt.date | None, terminated_at: dt.date,
                            by) -> SlaStatement:
    """End the agreement; services 4 and 5 require prior notice (SERVICES.md §1.3)."""
    with transaction.atomic():
        statement = SlaStatement.objects.select_for_update().get(pk=statement.pk)
        if not statement.is_published or statement.superseded_by_id:
            raise ApplicationError(_("Only the version in force can be terminated."), code="not_in_force")
        if statement.termination_requires_notice:
            if notice_date is None:
                raise ApplicationError(_("This agreement ends only with prior notice; enter the notice date."),
                                       code="notice_required")
            if terminated_at <= notice_date:
                raise ApplicationError(_("The termination date must come after the notice date."), code="notice_order")
        before = snapshot(statement)
        statement.termination_notice_date = notice_date
        statement.terminated_at = terminated_at
        statement.save(update_fields=["termination_notice_date", "terminated_at"])
        audit_record(actor=by, action="sla_terminated", instance=statement, before=before, after=snapshot(statement))
    return statement
