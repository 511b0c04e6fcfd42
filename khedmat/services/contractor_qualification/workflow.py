"""The process of service 4: qualification and grading of contractors and consultants (SERVICES.md §5.5).

States:
- draft: the applicant fills the dossier (groups الف to ز), pays the fee from the fee table, submits.
- under_review: an expert reviews documents and the automatic inquiries (organization's time).
- deficiencies_notified: a written list of deficiencies with guidance is with the applicant (the clock
  stops); the applicant corrects and resubmits; any number of rounds.
- awaiting_approval: the expert has accepted every section; the approver decides the grade per field.
- approved: passed through in the approver's one act, which also issues the certificate.
- certificate_issued: the grade certificate exists (the SLA clock stops); the file waits to go to SAJAR.
- referred_to_pbo / registered_in_sajar: the hand-off to the national registry and its acknowledgement.
- rejected: ends with reasons.
The SLA target is the statement's "issuance_time" commitment (≤ 25 working days, from complete submission).

A declaration only: the hooks it names (guards, the case panel, the check page, the inquiries) are reads in
`selectors`, the names in `constants`.
"""
from django.utils.translation import gettext_lazy as _

from khedmat.cases.guards import form_filled, required_documents_present
from khedmat.cases.process import APPLICANT, SYSTEM, Act, Clock, DocumentRequirement, Process, State, Transition
from khedmat.core.desk import DeskLink
from khedmat.inquiries.guards import registry_mismatches_resolved
from khedmat.payments.guards import fee_paid
from khedmat.services.contractor_qualification import selectors
from khedmat.services.contractor_qualification.constants import (
    APPROVER,
    EXPERT,
    REPORT_LANDS,
    SERVICE_CODE,
)
from khedmat.services.contractor_qualification.constants import QualificationState as S

PROCESS = Process(
    service_code=SERVICE_CODE,
    version=1,
    initial=S.DRAFT,
    submit_transition="submit",
    deficiency_transition="notify_deficiencies",
    resubmit_transition="resubmit",
    form_class="khedmat.services.contractor_qualification.forms.ApplicationForm",
    case_panel_template="contractor_qualification/_case_panel.html",
    case_panel_context=selectors.case_panel_context,
    case_actions_template="contractor_qualification/_case_actions.html",
    summary_sections=selectors.summary_sections,
    staff_links=((_("Companies"), "cq-companies:list"), (_("Referrals to SAJAR"), "cq-referrals:list"),
                 DeskLink("cq-report:report", _("Service report"), lands=REPORT_LANDS)),
    staff_links_description=_("Qualified companies and expiries, referrals to SAJAR, and the service report "
                              "against its SLA."),
    sla_commitment="issuance_time",
    fee=selectors.fee_items,
    declaration=selectors.declaration_check,
    inquiries=selectors.case_inquiries,
    required_documents=selectors.required_document_codes,
    # SERVICES.md §5.8: the electronic sources of SAJAT, social security, and the written inquiry to an issuer.
    inquiry_sources=("official_gazette", "tax_org", "civil_registry", "social_security", "padak", "document_issuer"),
    written_inquiry_documents=("company_registration_documents", "experience_documents", "financial_documents"),
    states=(
        State(S.DRAFT, _("Draft"), Clock.NOT_STARTED, actors=(APPLICANT,),
              applicant_hint=_("Complete the dossier, pay the fee and submit.")),
        State(S.UNDER_REVIEW, _("Under expert review"), Clock.ORGANIZATION, actors=(EXPERT,)),
        State(S.DEFICIENCIES_NOTIFIED, _("Deficiencies notified"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Correct the listed deficiencies and resubmit.")),
        State(S.AWAITING_APPROVAL, _("Awaiting the approver's decision"), Clock.ORGANIZATION, actors=(APPROVER,)),
        State(S.APPROVED, _("Approved; certificate to be issued"), Clock.ORGANIZATION, actors=(APPROVER,)),
        State(S.CERTIFICATE_ISSUED, _("Certificate issued"), Clock.STOPPED, actors=(APPROVER,)),
        State(S.REFERRED_TO_PBO, _("Referred to the PBO for SAJAR"), Clock.STOPPED),
        State(S.REGISTERED_IN_SAJAR, _("Registered in SAJAR"), Clock.STOPPED),
        State(S.REJECTED, _("Rejected"), Clock.STOPPED),
    ),
    transitions=(
        Transition("submit", _("Submit"), (S.DRAFT,), S.UNDER_REVIEW, (APPLICANT,),
                   guards=(form_filled, selectors.jurisdiction_guard, selectors.dossier_complete,
                           required_documents_present, fee_paid),
                   internal=True, notify_applicant=True),
        Transition("notify_deficiencies", _("Notify deficiencies"), (S.UNDER_REVIEW,), S.DEFICIENCIES_NOTIFIED,
                   (EXPERT,), internal=True, notify_applicant=True,
                   runs="khedmat.services.contractor_qualification.services.deficiency_notice_from_reviews"),
        Transition("resubmit", _("Resubmit"), (S.DEFICIENCIES_NOTIFIED,), S.UNDER_REVIEW, (APPLICANT,),
                   guards=(selectors.dossier_complete,), internal=True),
        Transition("send_to_approver", _("Send to the approver"), (S.UNDER_REVIEW,), S.AWAITING_APPROVAL, (EXPERT,),
                   guards=(selectors.review_complete,)),
        Transition("return_to_expert", _("Return to the expert"), (S.AWAITING_APPROVAL,), S.UNDER_REVIEW,
                   (APPROVER,), comment_required=True, style="secondary"),
        # The approver's one act approves and issues the certificate (and queues the referral to SAJAR).
        Transition("approve", _("Approve"), (S.AWAITING_APPROVAL,), S.APPROVED, (APPROVER,),
                   guards=(registry_mismatches_resolved,), internal=True,
                   runs="khedmat.services.contractor_qualification.services.grades_approve"),
        Transition("issue_certificate", _("Issue the certificate"), (S.APPROVED,), S.CERTIFICATE_ISSUED,
                   (APPROVER,), internal=True, notify_applicant=True,
                   runs="khedmat.services.contractor_qualification.services.grades_approve"),
        # The worker sends the file; staff record a file sent by hand with `services.referral_mark_sent`.
        Transition("refer_to_pbo", _("Refer to the PBO (SAJAR)"), (S.CERTIFICATE_ISSUED,), S.REFERRED_TO_PBO,
                   (SYSTEM, APPROVER), internal=True,
                   runs="khedmat.services.contractor_qualification.services.referral_send"),
        Transition("register_in_sajar", _("Registered in SAJAR"), (S.REFERRED_TO_PBO,), S.REGISTERED_IN_SAJAR,
                   (SYSTEM, APPROVER), internal=True, notify_applicant=True,
                   runs="khedmat.services.contractor_qualification.services.referral_acknowledge"),
        Transition("reject", _("Reject"), (S.UNDER_REVIEW, S.AWAITING_APPROVAL), S.REJECTED, (EXPERT, APPROVER),
                   comment_required=True, notify_applicant=True, style="danger"),
    ),
    # Record-only acts of the expert: written on the timeline, they move no state.
    acts=(
        Act("section_review", _("Review a section of the dossier"), (S.UNDER_REVIEW,), (EXPERT,),
            runs="khedmat.services.contractor_qualification.services.section_review_set"),
        Act("relevance_judge", _("Judge how related a degree is to its field"), (S.UNDER_REVIEW,), (EXPERT,),
            runs="khedmat.services.contractor_qualification.services.relevance_set"),
    ),
    documents=(
        DocumentRequirement("registration_forms", _("Registration forms and signed undertakings"), group="الف"),
        DocumentRequirement("personnel_documents", _("Identity, education, military-service and work records of "
                                                     "the CEO, board members, shareholders and scoring staff"),
                            group="ب"),
        DocumentRequirement("company_registration_documents", _("Articles of association, partnership deed, "
                                                                "registration declaration, legal notices and "
                                                                "assembly minutes"), required=False, group="ج"),
        DocumentRequirement("experience_documents", _("Work experience and contracts"), required=False, group="و"),
        DocumentRequirement("financial_documents", _("Financial documents and tax returns of past years"),
                            required=False, group="ه"),
        DocumentRequirement("consultant_management_structure",
                            _("Management structure and support facilities (consultants)"), required=False,
                            group="و"),
        DocumentRequirement("consultant_premises_form", _("Form and documents of the place of activity (consultants)"),
                            required=False, group="ز"),
    ),
)
