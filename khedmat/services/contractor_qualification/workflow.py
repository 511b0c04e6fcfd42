"""The process of service 4: qualification and grading of contractors and consultants (SERVICES.md §5.5).

States:
- draft: the applicant fills the dossier (groups الف to ز), pays the fee from the fee table, submits.
- under_review: an expert reviews documents and the automatic inquiries (organization's time).
- deficiencies_notified: a written list of deficiencies with guidance is with the applicant (the clock
  stops); the applicant corrects and resubmits; any number of rounds.
- approved: the file is approved; the certificate is issued next (organization's time).
- certificate_issued: the grade certificate exists; the file is referred to the PBO for SAJAR.
- referred_to_pbo / registered_in_sajar: the hand-off to the national registry (acknowledgement optional, A13).
- rejected, abandoned: ends with reasons.
The SLA target is the statement's "issuance_time" commitment (≤ 25 working days, from complete submission).
"""
from django.utils.translation import gettext_lazy as _

from khedmat.cases.guards import form_filled, required_documents_present
from khedmat.cases.process import APPLICANT, Clock, DocumentRequirement, Process, State, Transition
from khedmat.payments.guards import fee_paid
from khedmat.services.contractor_qualification import rules

SERVICE_CODE = "contractor_qualification"
APPROVER = "unit_head"  # A13: the approver's role is a unit head until the organization names it


def _grades(case) -> list[int]:
    return [int(row["grade"]) for row in case.data.get("fields", []) if str(row.get("grade", "")).isdigit()]


def _fee(case) -> list[str]:
    return rules.fee_items(kind=case.data.get("kind", ""), grades=_grades(case))


def _jurisdiction_guard(case):
    decision = rules.jurisdiction(
        kind=case.data.get("kind", ""), contractor_type=case.data.get("contractor_type"), grades=_grades(case),
        registered_in_province=case.organization is None or case.organization.province_id == case.province_id,
    )
    if decision.handled:
        return None
    if decision.authority == "registration_province":
        return _("This request is handled by the Management and Planning Organization of the province where the company is registered.")
    return _("This request is handled by the national Plan and Budget Organization (SAJAT), not by this province.")


def _inquiries(case) -> list[dict]:
    person = case.applicant
    items = [{"source": "civil_registry", "subject": {"national_id": person.national_id},
              "declared": {"first_name": person.first_name, "last_name": person.last_name},
              "label": person.get_full_name()}]
    if case.organization_id:
        organization = case.organization
        items.append({"source": "official_gazette", "subject": {"organization_id": organization.national_id},
                      "declared": {"name": organization.name, "registration_number": organization.registration_number},
                      "label": organization.name})
    return items


PROCESS = Process(
    service_code=SERVICE_CODE,
    version=1,
    initial="draft",
    submit_transition="submit",
    deficiency_transition="notify_deficiencies",
    resubmit_transition="resubmit",
    form_class="khedmat.services.contractor_qualification.forms.ApplicationForm",
    sla_commitment="issuance_time",
    fee=_fee,
    inquiries=_inquiries,
    written_inquiry_documents=("experience_documents", "financial_documents"),
    states=(
        State("draft", _("Draft"), Clock.NOT_STARTED, actors=(APPLICANT,),
              applicant_hint=_("Complete the dossier, pay the fee and submit.")),
        State("under_review", _("Under expert review"), Clock.ORGANIZATION, actors=("expert",)),
        State("deficiencies_notified", _("Deficiencies notified"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Correct the listed deficiencies and resubmit.")),
        State("approved", _("Approved; certificate to be issued"), Clock.ORGANIZATION, actors=(APPROVER,)),
        State("certificate_issued", _("Certificate issued"), Clock.STOPPED, actors=(APPROVER,)),
        State("referred_to_pbo", _("Referred to the PBO for SAJAR"), Clock.STOPPED),
        State("rejected", _("Rejected"), Clock.STOPPED),
    ),
    transitions=(
        Transition("submit", _("Submit"), ("draft",), "under_review", (APPLICANT,),
                   guards=(form_filled, _jurisdiction_guard, required_documents_present, fee_paid), internal=True,
                   notify_applicant=True),
        Transition("notify_deficiencies", _("Notify deficiencies"), ("under_review",), "deficiencies_notified", ("expert",),
                   internal=True, notify_applicant=True),
        Transition("resubmit", _("Resubmit"), ("deficiencies_notified",), "under_review", (APPLICANT,), internal=True),
        Transition("recommend_approval", _("Recommend approval"), ("under_review",), "approved", ("expert",)),
        Transition("return_to_expert", _("Return to the expert"), ("approved",), "under_review", (APPROVER,),
                   comment_required=True, style="secondary"),
        Transition("mark_certificate_issued", _("Certificate issued"), ("approved",), "certificate_issued", (APPROVER,),
                   notify_applicant=True),
        Transition("refer_to_pbo", _("Refer to the PBO (SAJAR)"), ("certificate_issued",), "referred_to_pbo", (APPROVER,)),
        Transition("reject", _("Reject"), ("under_review", "approved"), "rejected", ("expert", APPROVER),
                   comment_required=True, notify_applicant=True, style="danger"),
    ),
    documents=(
        DocumentRequirement("registration_forms", _("Registration forms and signed undertakings"), group="الف"),
        DocumentRequirement("personnel_documents", _("Identity, education, military-service and work records of the CEO, board members, shareholders and scoring staff"), group="ب"),
        DocumentRequirement("company_registration_documents", _("Articles of association, partnership deed, registration declaration, legal notices and assembly minutes"), required=False, group="ج"),
        DocumentRequirement("experience_documents", _("Work experience and contracts"), required=False, group="و"),
        DocumentRequirement("financial_documents", _("Financial documents and tax returns of past years"), required=False, group="ه"),
        DocumentRequirement("consultant_management_structure", _("Management structure and support facilities (consultants)"), required=False, group="و"),
        DocumentRequirement("consultant_premises_form", _("Form and documents of the place of activity (consultants)"), required=False, group="ز"),
    ),
)
