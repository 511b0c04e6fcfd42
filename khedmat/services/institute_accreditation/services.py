"""Writes for service 2. Each step is one `cases.services.case_act` (one transaction): the engine locks the
case and checks that this person may take this act or transition now (the answer the page gave), the
service's own record changes inside it, and on a clean exit the act is written on the timeline or the case
moves; the document a step needs (the binder's receipt, the introduction letter, the licence) is issued by
the official-documents machinery. A refused step leaves no trace."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.cases.models import Case
from khedmat.cases.services import case_act
from khedmat.cases.tracking import tracking_display
from khedmat.certificates.models import DocumentStatus, OfficialDocument, RevocationReason
from khedmat.certificates.services import (
    document_issue,
    document_mark_replaced,
    document_reinstate,
    document_revoke,
    document_suspend,
)
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.core.validators import InvalidIdentifier, parse_national_id
from khedmat.inquiries.services import mismatches_accept
from khedmat.notifications.services import notify_user
from khedmat.organizations.models import MemberRole
from khedmat.services.institute_accreditation.constants import LICENCE_HELD_STATES, SERVICE_CODE
from khedmat.services.institute_accreditation.models import (
    Accreditation,
    Channel,
    Domain,
    ScopeViolation,
    SecretariatSequence,
    SupervisionKind,
    SupervisionRecord,
    ViolationKind,
)
from khedmat.services.institute_accreditation.selectors import (
    accreditation_for,
    licensed_domains,
    previous_licence,
    requested_domains,
)


def _locked_accreditation(case: Case) -> Accreditation:
    accreditation_for(case)
    return Accreditation.objects.select_for_update().get(case=case)


def _require_service(case: Case) -> None:
    if case.service.code != SERVICE_CODE:
        raise ApplicationError(_("This case is not an accreditation request."), code="wrong_service")


# -- intake [۱۳–۱۴] ------------------------------------------------------------------------------

def binder_receive(*, case: Case, note: str, by, delegate_name: str = "", delegate_national_id: str = "",
                   letter_number: str = "", letter_date: dt.date | None = None, items=()) -> Accreditation:
    """Record that the institute's expert handed in the binder with his introduction letter [۱۳], and
    issue the numbered receipt printed for him. Only a case whose file arrives as a binder has one: a
    file sent fully online has no binder and no introduction letter to record."""
    _require_service(case)
    with case_act(case=case, by=by, name="binder_receive") as act:
        locked = act.case
        data = locked.data or {}
        if data.get("channel") != Channel.BINDER:
            raise ApplicationError(
                _("This file was sent fully online: it has no binder, so no binder receipt is recorded."),
                code="not_binder")
        name, national_id, letter_number = _binder_delegate(data, delegate_name, delegate_national_id,
                                                            letter_number, letter_date)
        labels = {d.code: str(d.label) for d in locked.process.documents}
        handed = [code for code in items if code in labels]
        note = note.strip()
        if not handed and not note:
            raise ApplicationError(_("Tick what was handed in."), code="no_items")
        accreditation = _locked_accreditation(locked)
        if accreditation.binder_receipt_id:
            raise ApplicationError(_("The receipt of this binder is already recorded."), code="already_received")
        institute = locked.organization.name if locked.organization_id else locked.applicant.get_full_name()
        facts = {"name": name, "id": to_persian_digits(national_id), "institute": institute,
                 "number": to_persian_digits(letter_number), "date": jalali.format_date(letter_date, "long"),
                 "tracking": tracking_display(locked.tracking_number)}
        receipt = document_issue(
            type_code="binder_receipt", holder_name=name,
            holder_national_id=national_id, case=locked, reference=f"binder_receipt:{locked.pk}", by=by,
            content={
                "subject": _("Receipt of the binder of %(institute)s") % facts,
                "body": [
                    _("The binder of the accreditation request of %(institute)s (tracking number %(tracking)s) was "
                      "received from %(name)s, national ID %(id)s, introduced by the institute's letter no. "
                      "%(number)s of %(date)s. It contained:") % facts,
                ],
                "items": [{"text": labels[code]} for code in handed] + ([{"text": note}] if note else []),
                "closing": _("This receipt shows that the binder was handed in; the initial review of its "
                             "completeness follows, and its result is sent to the institute."),
            },
        )
        accreditation.binder_received_at = timezone.now()
        accreditation.binder_received_by = by
        accreditation.binder_note = note
        accreditation.delegate_name = name
        accreditation.delegate_national_id = national_id
        accreditation.delegate_letter_number = letter_number
        accreditation.delegate_letter_date = letter_date
        accreditation.binder_items = handed
        accreditation.binder_receipt = receipt
        accreditation.save(update_fields=["binder_received_at", "binder_received_by", "binder_note", "delegate_name",
                                          "delegate_national_id", "delegate_letter_number", "delegate_letter_date",
                                          "binder_items", "binder_receipt"])
        act.comment = _("Binder received from the institute's expert.") + (f" {note}" if note else "")
    return accreditation


def _binder_delegate(data: dict, name: str, national_id: str, letter_number: str,
                     letter_date: dt.date | None) -> tuple[str, str, str]:
    """The delegate who hands in the binder and his introduction letter, checked: (name, national ID, number)."""
    name = (name or data.get("delegate_name") or "").strip()
    try:
        national_id = parse_national_id(national_id or data.get("delegate_national_id") or "")
    except InvalidIdentifier:
        raise ApplicationError(_("Give a valid national ID of the expert who hands in the binder."),
                               code="delegate_national_id") from None
    letter_number = letter_number.strip()
    if not name:
        raise ApplicationError(_("Give the name of the expert who hands in the binder."), code="delegate_name")
    if not letter_number or letter_date is None:
        raise ApplicationError(_("Give the number and the date of the introduction letter."), code="letter")
    if letter_date > timezone.localdate():
        raise ApplicationError(_("The introduction letter cannot be dated in the future."), code="letter_date")
    return name, national_id, letter_number


def return_incomplete(*, case: Case, missing: list[str], note: str, by, expected_version: int | None = None) -> Case:
    """The initial review found the binder incomplete: the list goes back; no registration number."""
    _require_service(case)
    items = [m.strip() for m in missing if m.strip()]
    if note.strip():
        items.append(note.strip())
    if not items:
        raise ApplicationError(_("List what is missing from the file."), code="no_items")
    comment = _("Missing from the file:") + "\n" + "\n".join(f"– {item}" for item in items)
    with case_act(case=case, by=by, name="return_incomplete", expected_version=expected_version, comment=comment,
                  data={"missing": items}) as act:
        accreditation = _locked_accreditation(act.case)
        accreditation.incomplete_returns = F("incomplete_returns") + 1
        accreditation.save(update_fields=["incomplete_returns"])
    return act.case


def _next_secretariat_number() -> str:
    year = jalali.to_jalali(timezone.localdate()).year
    sequence, _created = SecretariatSequence.objects.select_for_update().get_or_create(year=year)
    SecretariatSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db()
    return f"{year}-{sequence.last:05d}"


def register(*, case: Case, by, expected_version: int | None = None) -> Accreditation:
    """Initial review passed: register the file in the Center's secretariat with a follow-up number."""
    _require_service(case)
    with case_act(case=case, by=by, name="register", expected_version=expected_version) as act:
        accreditation = _locked_accreditation(act.case)
        number = accreditation.secretariat_number or _next_secretariat_number()
        act.comment = _("Registered in the secretariat under number %(number)s.") % {"number": number}
        act.data = {"secretariat_number": number}
        accreditation.secretariat_number = number
        accreditation.registered_at = timezone.now()
        accreditation.save(update_fields=["secretariat_number", "registered_at"])
    return accreditation


# -- the CEO's certificates [۱۹] -------------------------------------------------------------------

def ceo_introduce(*, case: Case, by, expected_version: int | None = None) -> Accreditation:
    """Issue the numbered letter introducing the CEO for the two certificates; the wait is the applicant's."""
    _require_service(case)
    with case_act(case=case, by=by, name="introduce_ceo", expected_version=expected_version) as act:
        locked = act.case
        ceo = (locked.organization.memberships.filter(role=MemberRole.CEO).select_related("user").first()
               if locked.organization_id else None)
        ceo_name = ceo.user.get_full_name() if ceo else locked.applicant.get_full_name()
        ceo_id = ceo.user.national_id if ceo else locked.applicant.national_id
        accreditation = _locked_accreditation(locked)
        institute = locked.organization.name
        letter = document_issue(
            type_code="ceo_introduction_letter", holder_name=ceo_name,
            holder_national_id=ceo_id, case=locked, reference=f"ceo_introduction:{locked.pk}", by=by,
            content={
                "subject": _("Introduction of the CEO of %(institute)s") % {"institute": institute},
                "body": [
                    _("To whom it may concern: %(name)s, national ID %(id)s, CEO of %(institute)s, which has applied "
                      "for accreditation as a training institute under circular 1558505, is introduced to obtain the "
                      "certificate of no criminal record and the certificate of no drug addiction.")
                    % {"name": ceo_name, "id": ceo_id, "institute": institute},
                ],
            },
        )
        accreditation.introduction_letter = letter
        accreditation.save(update_fields=["introduction_letter"])
    return accreditation


# -- the licence [۲۱–۲۲] -----------------------------------------------------------------------------

def licence_issue(*, case: Case, domain_codes: list[str], note: str = "", by,
                  expected_version: int | None = None, mismatch_reason: str = "") -> Accreditation:
    """Issue the training licence for the domains granted (the requested ones or fewer, never others),
    with provincial scope; the validity comes from the document type (set by an administrator). A registry
    answer that differs from what was declared needs `mismatch_reason` (recorded on the case, before the act,
    whose guard then lets it through; a refused act takes the reason back with it: one transaction)."""
    _require_service(case)
    with transaction.atomic():
        with case_act(case=case, by=by, name="issue_licence", expected_version=expected_version, comment=note.strip(),
                      before=lambda locked: mismatches_accept(case=locked, reason=mismatch_reason, by=by)) as act:
            locked = act.case
            requested = {d.code: d for d in requested_domains(locked)}
            chosen = [code for code in dict.fromkeys(domain_codes) if code]
            if not chosen:
                raise ApplicationError(_("Choose at least one domain to grant."), code="no_domains")
            if set(chosen) - set(requested):
                raise ApplicationError(_("Only domains the institute asked for can be granted."), code="not_requested")
            if len(chosen) < len(requested) and not note.strip():
                raise ApplicationError(_("Write why fewer domains are granted than were asked for."),
                                       code="note_required")
            act.data = {"domains": chosen}
            domains = [requested[code] for code in chosen]
            accreditation = _locked_accreditation(locked)
            province = _("Province of %(province)s") % {"province": locked.province.name}
            licence = document_issue(
                type_code="training_licence",
                holder_name=locked.organization.name, holder_national_id=locked.organization.national_id,
                holder_kind=str(_("Training institute")), case=locked, reference=f"accreditation:{accreditation.pk}",
                by=by,
                scope=[{"label": str(_("Group")), "value": domains[0].group.title},
                       {"label": str(_("Domains")), "value": "، ".join(d.title for d in domains)},
                       {"label": str(_("Scope")), "value": str(province)}],
                replaces=_replaceable_previous(locked),
            )
            accreditation.licence = licence
            accreditation.grant_note = note.strip()
            accreditation.save(update_fields=["licence", "grant_note"])
            accreditation.granted_domains.set(domains)
            _supersede_previous(locked, licence, by=by)
    return accreditation


def _replaceable_previous(case: Case):
    """The licence a renewal or an upgrade names, locked, if it can still be replaced (not revoked, not
    replaced already): the new licence links to it (`replaces`), so the old one's page names the new one."""
    previous = previous_licence(case)
    if previous is None:
        return None
    previous = OfficialDocument.objects.select_for_update().get(pk=previous.pk)
    if previous.status not in (DocumentStatus.VALID, DocumentStatus.SUSPENDED) or previous.replacement is not None:
        return None
    return previous


def _supersede_previous(case: Case, licence, *, by) -> None:
    """A renewal or an upgrade replaces the licence it names: that licence is marked replaced (the record
    stays, and says on which date and by which number) and its case leaves the licensed state."""
    previous = previous_licence(case)
    if previous is None:
        return
    note = _("Replaced by licence %(number)s.") % {"number": licence.number}
    if licence.replaces_id == previous.pk:
        document_mark_replaced(document=previous, replacement=licence, note=note, by=by)
    old_case = previous.accreditation.case
    if old_case.state in LICENCE_HELD_STATES:
        with case_act(case=old_case, by=by, name="supersede", comment=note):
            pass  # the move is the whole act


# -- supervision while licensed [۲۳] -------------------------------------------------------------------

def supervision_record(*, case: Case, kind: str, text: str, by, appointment=None) -> SupervisionRecord:
    """A finding or a warning on a licensed institute."""
    _require_service(case)
    with case_act(case=case, by=by, name="supervision_record") as act:
        if kind not in (SupervisionKind.FINDING, SupervisionKind.WARNING):
            raise ApplicationError(_("Record findings and warnings here; the licence's status has its own actions."),
                                   code="bad_kind")
        if not text.strip():
            raise ApplicationError(_("Describe what was found."), code="empty")
        record = SupervisionRecord.objects.create(case=act.case, kind=kind, text=text.strip(), appointment=appointment,
                                                  recorded_by=by)
        act.comment = f"{record.get_kind_display()}: {record.text}"
        act.public = kind == SupervisionKind.WARNING
        if kind == SupervisionKind.WARNING:
            notify_user(user=act.case.applicant, subject=str(_("Warning about your training licence")),
                        body=_("The Center has issued a warning about your training licence: %(text)s")
                        % {"text": record.text},
                        template="ia_warning", idempotency_key=f"ia-warning-{record.pk}", case_id=act.case.pk)
    return record


_LICENCE_ACTS = {
    "suspend": SupervisionKind.SUSPENSION,
    "reinstate": SupervisionKind.REINSTATEMENT,
    "revoke": SupervisionKind.REVOCATION,
}


def licence_act(*, case: Case, act: str, reason: str, by, expected_version: int | None = None) -> Case:
    """Suspend, reinstate or revoke the licence, with reasons: the case and the official document
    change together, and the act is a supervision record."""
    _require_service(case)
    if act not in _LICENCE_ACTS:
        raise ApplicationError(_("Unknown action."), code="unknown_act")
    if not reason.strip():
        raise ApplicationError(_("Write the reason for this action."), code="reason_required")
    with case_act(case=case, by=by, name=act, expected_version=expected_version, comment=reason.strip()) as acting:
        accreditation = _locked_accreditation(acting.case)
        licence = accreditation.licence
        if licence is not None:
            if act == "suspend":
                document_suspend(document=licence, note=reason.strip(), by=by)
            elif act == "reinstate":
                document_reinstate(document=licence, note=reason.strip(), by=by)
            else:
                document_revoke(document=licence, reason=RevocationReason.VIOLATION, note=reason.strip(), by=by)
        SupervisionRecord.objects.create(case=acting.case, kind=_LICENCE_ACTS[act], text=reason.strip(), recorded_by=by)
    return acting.case


def licences_expire(*, today: dt.date | None = None) -> int:
    """Cases whose licence's validity has passed move to "expired" (the worker, as SYSTEM)."""
    today = today or timezone.localdate()
    expired = 0
    due = Accreditation.objects.filter(case__service__code=SERVICE_CODE, case__state__in=LICENCE_HELD_STATES,
                                       licence__valid_until__lt=today).select_related("case")
    for accreditation in due:
        try:
            with case_act(case=accreditation.case, by=None, name="expire",
                          comment=_("The licence's validity ended.")) as act:
                SupervisionRecord.objects.create(case=act.case, kind=SupervisionKind.EXPIRY,
                                                 text=str(_("The licence's validity ended.")))
            expired += 1
        except ApplicationError:
            continue  # moved by someone else meanwhile
    return expired


def violation_record(*, case: Case, kind: str, description: str, occurred_on: dt.date, by,
                     domain: Domain | None = None, province=None) -> ScopeViolation:
    """A breach of the licence's scope that the system could not prevent (§3.7), recorded against the case."""
    _require_service(case)
    with case_act(case=case, by=by, name="violation_record") as act:
        if kind not in ViolationKind.values:
            raise ApplicationError(_("Choose the kind of violation."), code="bad_kind")
        if not description.strip():
            raise ApplicationError(_("Describe the violation."), code="empty")
        if occurred_on > timezone.localdate():
            raise ApplicationError(_("The date of the violation cannot be in the future."), code="future")
        violation = ScopeViolation.objects.create(case=act.case, kind=kind, description=description.strip(),
                                                  domain=domain, province=province, occurred_on=occurred_on,
                                                  recorded_by=by)
        act.comment = f"{violation.get_kind_display()}: {violation.description}"
        act.public = False
    return violation


def institute_assignment_check(*, organization, domain_code: str, province_id: int) -> None:
    """For other services (e.g. assigning a course of the training service): refuse an institute outside
    its licensed domains or province (§3.5 rule 3)."""
    if domain_code not in licensed_domains(organization_id=organization.pk, province_id=province_id):
        raise ApplicationError(
            _("%(institute)s holds no valid training licence for this domain in this province.")
            % {"institute": organization.name}, code="outside_licence")
