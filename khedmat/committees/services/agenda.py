"""The session's agenda: putting a case on it, taking it off."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from khedmat.cases.models import Case
from khedmat.cases.services import case_lock
from khedmat.committees.models import (
    AgendaItem,
    ItemStatus,
    Session,
    SessionState,
)
from khedmat.committees.services.common import (
    _case_note,
    _committee_step,
    _locked_session,
    _require_manager,
    _require_state,
    _session_label,
    _when,
)
from khedmat.committees.services.invitations import _invite_for_item
from khedmat.core.exceptions import ApplicationError


def _open_item_for(case: Case, *, exclude_session: Session | None = None) -> AgendaItem | None:
    items = AgendaItem.objects.filter(case=case, status=ItemStatus.PENDING,
                                      session__state__in=[SessionState.SCHEDULED, SessionState.HELD])
    if exclude_session is not None:
        items = items.exclude(session=exclude_session)
    return items.select_related("session", "session__committee").first()


def _item_create(session: Session, case: Case, *, by, rolled_from: AgendaItem | None = None) -> AgendaItem:
    order = (session.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(session=session, case=case, order=order, added_by=by, rolled_from=rolled_from)
    _case_note(case, by, _("Placed on the agenda of the %(session)s on %(when)s.") % {
        "session": _session_label(session), "when": _when(session)})
    return item


def agenda_add(*, session: Session, case: Case, by) -> AgendaItem:
    """Put a case that waits for this committee on the session's agenda."""
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED)
        case = case_lock(case=case)
        step = _committee_step(case)
        if (step is None or step.committee_kind != session.committee.kind
                or case.province_id != session.committee.province_id or case.tracking_number is None):
            raise ApplicationError(_("This case is not waiting for this committee."), code="not_waiting")
        existing = _open_item_for(case)
        if existing is not None:
            raise ApplicationError(_("This case is already on the agenda of the %(session)s.") % {
                "session": _session_label(existing.session)}, code="already_on_agenda")
        item = _item_create(session, case, by=by)
        if session.invitations_sent_at:
            _invite_for_item(session, item, by=by)
    return item


def agenda_remove(*, item: AgendaItem, by) -> None:
    session = item.session
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.status = ItemStatus.WITHDRAWN
        item.save(update_fields=["status"])
        _case_note(item.case, by, _("Taken off the agenda of the %(session)s.") % {"session": _session_label(session)})
