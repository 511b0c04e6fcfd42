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

from khedmat.cases.guards import form_filled, required_documents_present
from khedmat.cases.process import (
    APPLICANT,
    SYSTEM,
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

SERVICE_CODE = "institute_accreditation"
EXPERT = "expert"
HEAD = "unit_head"  # issues, suspends and revokes licences (A13 as in service 4)
SECRETARY = "committee_secretary"
IMAGES = frozenset({"image/png", "image/jpeg"})


def _request_guard(case):
    from khedmat.services.institute_accreditation.selectors import request_problems

    problems = request_problems(case)
    return problems[0] if problems else None


def _required_documents(case):
    from khedmat.services.institute_accreditation.selectors import required_document_codes

    return required_document_codes(case)


def _photos_guard(case):
    from khedmat.cases.models import Document

    present = set(Document.objects.filter(case=case, current__isnull=False,
                                          requirement__in=["photos_training", "photos_admin"])
                  .values_list("requirement", flat=True))
    if present != {"photos_training", "photos_admin"}:
        return _("The institute has not yet sent photos of its training and administrative spaces.")
    return None


# Each of the CEO's certificates: the uploaded document, or the answer to a written inquiry to its issuer.
CEO_CERTIFICATES = (("ceo_no_criminal_record", "criminal_record"), ("ceo_no_addiction", "addiction_test"))


def _ceo_certificates_guard(case):
    from khedmat.cases.models import Document

    uploaded = set(Document.objects.filter(case=case, current__isnull=False,
                                           requirement__in=[doc for doc, _source in CEO_CERTIFICATES])
                   .values_list("requirement", flat=True))
    answered = set(case.inquiries.filter(status="answered", mismatches=[],
                                         source__code__in=[source for _doc, source in CEO_CERTIFICATES])
                   .values_list("source__code", flat=True))
    if any(doc not in uploaded and source not in answered for doc, source in CEO_CERTIFICATES):
        return _("Upload both of the CEO's certificates: no criminal record and no drug addiction.")
    return None


def _panel_context(case, user, staff_view, abilities=None):
    from khedmat.services.institute_accreditation.views import case_panel_context

    return case_panel_context(case, user, staff_view)


PROCESS = Process(
    service_code=SERVICE_CODE,
    version=1,
    initial="draft",
    submit_transition="submit",
    deficiency_transition="notify_deficiencies",
    resubmit_transition="resubmit",
    form_class="khedmat.services.institute_accreditation.forms.RequestForm",
    case_panel_template="institute_accreditation/_case_panel.html",
    case_panel_context=_panel_context,
    case_actions_template="institute_accreditation/_case_actions.html",
    staff_links=((_("Licensed institutes"), "ia-public:list"), DeskLink("ia-report:report", _("Service report"), lands=("deputy", "head"))),
    staff_links_description=_("Licensed institutes and their domains, supervision, and the service report against its SLA."),
    sla_commitment="end_to_end_time",
    fee=None,  # the service is free (§3.5 rule 8): no invoice is ever created
    description=_("Accreditation of non-governmental training institutes and their training licence."),
    states=(
        State("draft", _("Draft"), Clock.NOT_STARTED, actors=(APPLICANT,),
              applicant_hint=_("Choose the request, the group and the domains, upload the forms and send the file.")),
        State("filed", _("Filed; initial review"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State("returned_incomplete", _("Returned as incomplete"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Complete the file as listed and send it again.")),
        State("document_review", _("Registered; document review"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State("deficiencies_notified", _("Deficiencies notified in writing"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Correct the deficiencies in the letter and send the file again.")),
        State("visit_scheduled", _("Field visit being arranged"), Clock.ORGANIZATION, actors=(EXPERT, APPLICANT),
              applicant_hint=_("Upload photos of your training and administrative spaces and answer the visit appointment.")),
        State("visited", _("Visited"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State("ceo_checks_pending", _("Waiting for the CEO's certificates"), Clock.APPLICANT, actors=(APPLICANT, EXPERT),
              applicant_hint=_("Obtain the CEO's no-criminal-record and no-addiction certificates with the introduction letter, upload them and send them.")),
        State("awaiting_committee", _("Waiting for the accreditation committee"), Clock.ORGANIZATION, actors=(SECRETARY,)),
        State("committee_approved", _("Approved by the committee; licence to be issued"), Clock.ORGANIZATION, actors=(HEAD,)),
        State("licence_issued", _("Licence issued; to be delivered in a briefing session"), Clock.ORGANIZATION,
              actors=(EXPERT,), applicant_hint=_("Answer the appointment of the briefing session where the licence is delivered.")),
        State("active", _("Licensed"), Clock.STOPPED),
        State("suspended", _("Licence suspended"), Clock.STOPPED),
        State("revoked", _("Licence revoked"), Clock.STOPPED),
        State("expired", _("Licence expired"), Clock.STOPPED),
        State("superseded", _("Licence replaced by a later one"), Clock.STOPPED),
        State("rejected", _("Rejected"), Clock.STOPPED),
    ),
    transitions=(
        Transition("submit", _("Send the file"), ("draft",), "filed", (APPLICANT,),
                   guards=(form_filled, _request_guard, required_documents_present), internal=True, notify_applicant=True),
        Transition("return_incomplete", _("Return as incomplete"), ("filed",), "returned_incomplete", (EXPERT,),
                   internal=True, notify_applicant=True),
        Transition("refile", _("Send the completed file again"), ("returned_incomplete",), "filed", (APPLICANT,),
                   guards=(form_filled, _request_guard, required_documents_present), notify_applicant=True),
        Transition("register", _("Register in the secretariat"), ("filed",), "document_review", (EXPERT,),
                   internal=True, notify_applicant=True),
        Transition("notify_deficiencies", _("Notify deficiencies in writing"), ("document_review", "awaiting_committee"),
                   "deficiencies_notified", (EXPERT, SECRETARY), internal=True, notify_applicant=True),
        Transition("resubmit", _("Send the corrected file"), ("deficiencies_notified",), "document_review", (APPLICANT,),
                   guards=(_request_guard,), internal=True),
        Transition("schedule_visit", _("No deficiency: arrange the field visit"), ("document_review",), "visit_scheduled",
                   (EXPERT,), notify_applicant=True),
        Transition("visit_done", _("Visit recorded"), ("visit_scheduled",), "visited", (EXPERT,),
                   guards=(_photos_guard,), internal=True),
        Transition("introduce_ceo", _("Introduce the CEO for the certificates"), ("visited",), "ceo_checks_pending",
                   (EXPERT,), internal=True, notify_applicant=True),
        Transition("send_ceo_certificates", _("Send the CEO's certificates"), ("ceo_checks_pending",), "awaiting_committee",
                   (APPLICANT, EXPERT), guards=(_ceo_certificates_guard,)),
        Transition("committee_approve", _("Approved by the committee"), ("awaiting_committee",), "committee_approved",
                   (SECRETARY,), internal=True, notify_applicant=True),
        Transition("committee_approve_conditions", _("Approved by the committee with conditions"), ("awaiting_committee",),
                   "committee_approved", (SECRETARY,), internal=True, notify_applicant=True),
        Transition("committee_reject", _("Rejected by the committee"), ("awaiting_committee",), "rejected", (SECRETARY,),
                   internal=True, notify_applicant=True),
        Transition("issue_licence", _("Issue the licence"), ("committee_approved",), "licence_issued", (HEAD,),
                   guards=(registry_mismatches_resolved,), internal=True, notify_applicant=True),
        Transition("deliver_licence", _("Licence delivered"), ("licence_issued",), "active", (EXPERT, HEAD),
                   internal=True, notify_applicant=True),
        Transition("suspend", _("Suspend the licence"), ("active",), "suspended", (HEAD,), internal=True,
                   notify_applicant=True),
        Transition("reinstate", _("Reinstate the licence"), ("suspended",), "active", (HEAD,), internal=True,
                   notify_applicant=True),
        Transition("revoke", _("Revoke the licence"), ("active", "suspended"), "revoked", (HEAD,), internal=True,
                   notify_applicant=True),
        Transition("expire", _("Licence expired"), ("active", "suspended"), "expired", (SYSTEM, HEAD), internal=True,
                   notify_applicant=True),
        Transition("supersede", _("Replaced by a later licence"), ("active", "suspended"), "superseded", (HEAD,),
                   internal=True, notify_applicant=True),
        Transition("reject", _("Reject"), ("document_review", "visited"), "rejected", (HEAD,), comment_required=True,
                   notify_applicant=True, style="danger"),
    ),
    # SERVICES.md §3.5: the CEO's two certificates, his identity, and a written inquiry to a document's issuer.
    inquiry_sources=("criminal_record", "addiction_test", "civil_registry", "document_issuer"),
    committee_steps=(
        CommitteeStep("awaiting_committee", "accreditation_committee", decisions=(
            ("approve", "committee_approve"),
            ("approve_with_conditions", "committee_approve_conditions"),
            ("return", "notify_deficiencies"),
            ("reject", "committee_reject"),
        ), invite_applicant=True),
    ),
    appointment_kinds=(
        AppointmentKind("field_visit", _("Field visit"), states=("visit_scheduled",), staff_roles=(EXPERT,),
                        reschedule_allowed=1, report_scheme="institute_field_visit", done_transition="visit_done"),
        AppointmentKind("licence_delivery", _("Briefing session: delivery of the licence"), states=("licence_issued",),
                        staff_roles=(EXPERT, HEAD), reschedule_allowed=1, done_transition="deliver_licence"),
        AppointmentKind("supervision_visit", _("Supervision visit"), states=("active",), staff_roles=(EXPERT,),
                        report_scheme="institute_supervision"),
    ),
    # Grouped by the seed's step that asks for them (۱۰: form 2, ۱۱: forms 1 and 3–6, ۱۲: form 8, ۱۳: the
    # binder's letter, ۱۷: photos, ۱۹: the CEO's certificates).
    required_documents=_required_documents,
    documents=(
        DocumentRequirement("form_1", _("Form no. 1"), group="۱۱"),
        DocumentRequirement("form_2", _("Form no. 2 and the documents it lists"), group="۱۰"),
        DocumentRequirement("form_3", _("Form no. 3"), group="۱۱"),
        DocumentRequirement("form_4", _("Form no. 4"), group="۱۱"),
        DocumentRequirement("form_5", _("Form no. 5"), group="۱۱"),
        DocumentRequirement("form_6", _("Form no. 6"), group="۱۱"),
        DocumentRequirement("form_8", _("Form no. 8: self-assessment for a domain upgrade"), required=False, group="۱۲"),
        DocumentRequirement("introduction_letter", _("Written introduction letter of the institute's expert (binder delivery)"),
                            required=False, group="۱۳"),
        DocumentRequirement("photos_training", _("Photos of the training spaces"), required=False, allowed_types=IMAGES,
                            group="۱۷"),
        DocumentRequirement("photos_admin", _("Photos of the administrative spaces"), required=False, allowed_types=IMAGES,
                            group="۱۷"),
        DocumentRequirement("ceo_no_criminal_record", _("CEO's no-criminal-record certificate"), required=False, group="۱۹"),
        DocumentRequirement("ceo_no_addiction", _("CEO's no-drug-addiction certificate"), required=False, group="۱۹"),
    ),
)
