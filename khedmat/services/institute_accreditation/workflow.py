"""The process of service 2: accreditation of training institutes (SERVICES.md §3.4; steps ۸–۲۳ of the seed).

States (the seed's step in brackets):
- draft [۱۰–۱۲]: the institute chooses the request (new licence, domain upgrade with form 8, renewal), the
  group and domains, fills forms 1–6 (and 8) and the form-2 documents.
- filed [۱۳]: the binder is handed in with an introduction letter, or the file is sent online.
- returned_incomplete [۱۴]: the initial review found the binder incomplete; the list goes back.
- document_review [۱۴–۱۵]: registered in the Center's secretariat with a follow-up number; experts review.
- deficiencies_notified [۱۶]: written deficiencies (a numbered letter) are with the institute; any rounds.
- visit_scheduled [۱۵, ۱۷]: photos of the premises online; the field visit is arranged (appointments).
- visited [۱۸]: the visit report (scores per the scheme) is recorded.
- ceo_checks_pending [۱۹]: the CEO is introduced for the two certificates — the applicant's time.
- awaiting_committee [۲۰]: on the accreditation committee's agenda; the CEO is invited.
- committee_approved [۲۱]: the committee approved; the licence is issued for the domains granted.
- licence_issued [۲۲]: the licence is delivered to the CEO in a briefing session (appointments).
- active [۲۳]: licensed and supervised; suspended, revoked, expired end or pause it; a renewal or an
  upgrade supersedes it when its own licence is issued; rejected ends.
The SLA target is the statement's end-to-end commitment (organization time, filing to delivery).
"""
from django.utils.translation import gettext_lazy as _

from khedmat.accounts.roles import StaffRole
from khedmat.cases.guards import form_filled, required_documents_present
from khedmat.cases.process import (
    APPLICANT,
    SYSTEM,
    Act,
    AppointmentKind,
    Clock,
    CommitteeStep,
    DocumentRequirement,
    Process,
    State,
    Transition,
)
from khedmat.core.desk import DeskLink
from khedmat.inquiries.guards import registry_mismatches_resolved
from khedmat.services.institute_accreditation.constants import LICENCE_HELD_STATES, SERVICE_CODE
from khedmat.services.institute_accreditation.constants import AccreditationState as S
from khedmat.services.institute_accreditation.selectors import (
    case_panel,
    ceo_certificates_guard,
    photos_guard,
    request_guard,
    required_document_codes,
)

# Roles are StaffRole's: the unit head (StaffRole.UNIT_HEAD, not StaffRole.HEAD, the head of organization) issues,
# suspends and revokes licences (A13 as in service 4).
EXPERT = StaffRole.EXPERT
UNIT_HEAD = StaffRole.UNIT_HEAD
SECRETARY = StaffRole.COMMITTEE_SECRETARY
IMAGES = frozenset({"image/png", "image/jpeg"})


PROCESS = Process(
    service_code=SERVICE_CODE,
    version=1,
    initial=S.DRAFT,
    submit_transition="submit",
    deficiency_transition="notify_deficiencies",
    resubmit_transition="resubmit",
    form_class="khedmat.services.institute_accreditation.forms.RequestForm",
    case_panel_template="institute_accreditation/_case_panel.html",
    case_panel_context=case_panel,
    case_actions_template="institute_accreditation/_case_actions.html",
    staff_links=((_("Licensed institutes"), "ia-public:list"),
                 DeskLink("ia-report:report", _("Service report"), lands=(StaffRole.DEPUTY, StaffRole.HEAD))),
    staff_links_description=_("Licensed institutes and their domains, supervision, and the service report against "
                              "its SLA."),
    sla_commitment="end_to_end_time",
    fee=None,  # the service is free (§3.5 rule 8): no invoice is ever created
    description=_("Accreditation of non-governmental training institutes and their training licence."),
    states=(
        State(S.DRAFT, _("Draft"), Clock.NOT_STARTED, actors=(APPLICANT,),
              applicant_hint=_("Choose the request, the group and the domains, upload the forms and send the file.")),
        State(S.FILED, _("Filed; initial review"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State(S.RETURNED_INCOMPLETE, _("Returned as incomplete"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Complete the file as listed and send it again.")),
        State(S.DOCUMENT_REVIEW, _("Registered; document review"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State(S.DEFICIENCIES_NOTIFIED, _("Deficiencies notified in writing"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Correct the deficiencies in the letter and send the file again.")),
        State(S.VISIT_SCHEDULED, _("Field visit being arranged"), Clock.ORGANIZATION, actors=(EXPERT, APPLICANT),
              applicant_hint=_("Upload photos of your training and administrative spaces and answer the visit "
                               "appointment.")),
        State(S.VISITED, _("Visited"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State(S.CEO_CHECKS_PENDING, _("Waiting for the CEO's certificates"), Clock.APPLICANT,
              actors=(APPLICANT, EXPERT),
              applicant_hint=_("Obtain the CEO's no-criminal-record and no-addiction certificates with the "
                               "introduction letter, upload them and send them.")),
        State(S.AWAITING_COMMITTEE, _("Waiting for the accreditation committee"), Clock.ORGANIZATION,
              actors=(SECRETARY,)),
        State(S.COMMITTEE_APPROVED, _("Approved by the committee; licence to be issued"), Clock.ORGANIZATION,
              actors=(UNIT_HEAD,)),
        State(S.LICENCE_ISSUED, _("Licence issued; to be delivered in a briefing session"), Clock.ORGANIZATION,
              actors=(EXPERT,),
              applicant_hint=_("Answer the appointment of the briefing session where the licence is delivered.")),
        State(S.ACTIVE, _("Licensed"), Clock.STOPPED),
        State(S.SUSPENDED, _("Licence suspended"), Clock.STOPPED),
        State(S.REVOKED, _("Licence revoked"), Clock.STOPPED),
        State(S.EXPIRED, _("Licence expired"), Clock.STOPPED),
        State(S.SUPERSEDED, _("Licence replaced by a later one"), Clock.STOPPED),
        State(S.REJECTED, _("Rejected"), Clock.STOPPED),
    ),
    transitions=(
        Transition("submit", _("Send the file"), (S.DRAFT,), S.FILED, (APPLICANT,),
                   guards=(form_filled, request_guard, required_documents_present), internal=True,
                   notify_applicant=True,
                   runs="khedmat.cases.services.case_submit"),
        Transition("return_incomplete", _("Return as incomplete"), (S.FILED,), S.RETURNED_INCOMPLETE, (EXPERT,),
                   internal=True, notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.return_incomplete"),
        Transition("refile", _("Send the completed file again"), (S.RETURNED_INCOMPLETE,), S.FILED, (APPLICANT,),
                   guards=(form_filled, request_guard, required_documents_present), notify_applicant=True),
        Transition("register", _("Register in the secretariat"), (S.FILED,), S.DOCUMENT_REVIEW, (EXPERT,),
                   internal=True, notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.register"),
        Transition("notify_deficiencies", _("Notify deficiencies in writing"),
                   (S.DOCUMENT_REVIEW, S.AWAITING_COMMITTEE), S.DEFICIENCIES_NOTIFIED, (EXPERT, SECRETARY),
                   internal=True, notify_applicant=True,
                   runs="khedmat.cases.services.deficiency_notice_issue"),
        Transition("resubmit", _("Send the corrected file"), (S.DEFICIENCIES_NOTIFIED,), S.DOCUMENT_REVIEW,
                   (APPLICANT,), guards=(request_guard,), internal=True,
                   runs="khedmat.cases.services.case_resubmit"),
        Transition("schedule_visit", _("No deficiency: arrange the field visit"), (S.DOCUMENT_REVIEW,),
                   S.VISIT_SCHEDULED, (EXPERT,), notify_applicant=True),
        Transition("visit_done", _("Visit recorded"), (S.VISIT_SCHEDULED,), S.VISITED, (EXPERT,),
                   guards=(photos_guard,), internal=True,
                   runs="khedmat.appointments.services.visit_report_record"),
        Transition("introduce_ceo", _("Introduce the CEO for the certificates"), (S.VISITED,), S.CEO_CHECKS_PENDING,
                   (EXPERT,), internal=True, notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.ceo_introduce"),
        Transition("send_ceo_certificates", _("Send the CEO's certificates"), (S.CEO_CHECKS_PENDING,),
                   S.AWAITING_COMMITTEE, (APPLICANT, EXPERT), guards=(ceo_certificates_guard,)),
        Transition("committee_approve", _("Approved by the committee"), (S.AWAITING_COMMITTEE,), S.COMMITTEE_APPROVED,
                   (SECRETARY,), internal=True, notify_applicant=True,
                   runs="khedmat.committees.services.minutes_confirm"),
        Transition("committee_approve_conditions", _("Approved by the committee with conditions"),
                   (S.AWAITING_COMMITTEE,), S.COMMITTEE_APPROVED, (SECRETARY,), internal=True, notify_applicant=True,
                   runs="khedmat.committees.services.minutes_confirm"),
        Transition("committee_reject", _("Rejected by the committee"), (S.AWAITING_COMMITTEE,), S.REJECTED,
                   (SECRETARY,), internal=True, notify_applicant=True,
                   runs="khedmat.committees.services.minutes_confirm"),
        Transition("issue_licence", _("Issue the licence"), (S.COMMITTEE_APPROVED,), S.LICENCE_ISSUED, (UNIT_HEAD,),
                   guards=(registry_mismatches_resolved,), internal=True, notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.licence_issue"),
        Transition("deliver_licence", _("Licence delivered"), (S.LICENCE_ISSUED,), S.ACTIVE, (EXPERT, UNIT_HEAD),
                   internal=True, notify_applicant=True,
                   runs="khedmat.appointments.services.visit_report_record"),
        Transition("suspend", _("Suspend the licence"), (S.ACTIVE,), S.SUSPENDED, (UNIT_HEAD,), internal=True,
                   notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.licence_act"),
        Transition("reinstate", _("Reinstate the licence"), (S.SUSPENDED,), S.ACTIVE, (UNIT_HEAD,), internal=True,
                   notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.licence_act"),
        Transition("revoke", _("Revoke the licence"), (S.ACTIVE, S.SUSPENDED), S.REVOKED, (UNIT_HEAD,), internal=True,
                   notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.licence_act"),
        Transition("expire", _("Licence expired"), (S.ACTIVE, S.SUSPENDED), S.EXPIRED, (SYSTEM, UNIT_HEAD),
                   internal=True, notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.licences_expire"),
        Transition("supersede", _("Replaced by a later licence"), (S.ACTIVE, S.SUSPENDED), S.SUPERSEDED, (UNIT_HEAD,),
                   internal=True, notify_applicant=True,
                   runs="khedmat.services.institute_accreditation.services.licence_issue"),
        Transition("reject", _("Reject"), (S.DOCUMENT_REVIEW, S.VISITED), S.REJECTED, (UNIT_HEAD,),
                   comment_required=True, notify_applicant=True, style="danger"),
    ),
    # Record-only acts: they move no state and are written on the case's timeline.
    acts=(
        Act("binder_receive", _("Record the receipt of the binder"), (S.FILED,), (EXPERT,),
            runs="khedmat.services.institute_accreditation.services.binder_receive"),
        Act("supervision_record", _("Save the record"), LICENCE_HELD_STATES, (EXPERT, UNIT_HEAD),
            runs="khedmat.services.institute_accreditation.services.supervision_record"),
        Act("violation_record", _("Record the violation"), LICENCE_HELD_STATES, (EXPERT, UNIT_HEAD),
            runs="khedmat.services.institute_accreditation.services.violation_record"),
    ),
    # SERVICES.md §3.5: the CEO's two certificates, his identity, and a written inquiry to a document's issuer.
    inquiry_sources=("criminal_record", "addiction_test", "civil_registry", "document_issuer"),
    committee_steps=(
        CommitteeStep(S.AWAITING_COMMITTEE, "accreditation_committee", decisions=(
            ("approve", "committee_approve"),
            ("approve_with_conditions", "committee_approve_conditions"),
            ("return", "notify_deficiencies"),
            ("reject", "committee_reject"),
        ), invite_applicant=True),
    ),
    appointment_kinds=(
        AppointmentKind("field_visit", _("Field visit"), states=(S.VISIT_SCHEDULED,), staff_roles=(EXPERT,),
                        reschedule_allowed=1, report_scheme="institute_field_visit", done_transition="visit_done"),
        AppointmentKind("licence_delivery", _("Briefing session: delivery of the licence"), states=(S.LICENCE_ISSUED,),
                        staff_roles=(EXPERT, UNIT_HEAD), reschedule_allowed=1, done_transition="deliver_licence"),
        AppointmentKind("supervision_visit", _("Supervision visit"), states=(S.ACTIVE,), staff_roles=(EXPERT,),
                        report_scheme="institute_supervision"),
    ),
    # Grouped by the seed's step that asks for them (۱۰: form 2, ۱۱: forms 1 and 3–6, ۱۲: form 8, ۱۳: the
    # binder's letter, ۱۷: photos, ۱۹: the CEO's certificates).
    required_documents=required_document_codes,
    documents=(
        DocumentRequirement("form_1", _("Form no. 1"), group="۱۱"),
        DocumentRequirement("form_2", _("Form no. 2 and the documents it lists"), group="۱۰"),
        DocumentRequirement("form_3", _("Form no. 3"), group="۱۱"),
        DocumentRequirement("form_4", _("Form no. 4"), group="۱۱"),
        DocumentRequirement("form_5", _("Form no. 5"), group="۱۱"),
        DocumentRequirement("form_6", _("Form no. 6"), group="۱۱"),
        DocumentRequirement("form_8", _("Form no. 8: self-assessment for a domain upgrade"), required=False,
                            group="۱۲"),
        DocumentRequirement("introduction_letter",
                            _("Written introduction letter of the institute's expert (binder delivery)"),
                            required=False, group="۱۳"),
        DocumentRequirement("photos_training", _("Photos of the training spaces"), required=False,
                            allowed_types=IMAGES, group="۱۷"),
        DocumentRequirement("photos_admin", _("Photos of the administrative spaces"), required=False,
                            allowed_types=IMAGES, group="۱۷"),
        DocumentRequirement("ceo_no_criminal_record", _("CEO's no-criminal-record certificate"), required=False,
                            group="۱۹"),
        DocumentRequirement("ceo_no_addiction", _("CEO's no-drug-addiction certificate"), required=False,
                            group="۱۹"),
    ),
)
