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
"""
from django.utils.translation import gettext_lazy as _

from khedmat.cases.guards import form_filled, required_documents_present
from khedmat.cases.process import APPLICANT, SYSTEM, Clock, DocumentRequirement, Process, State, Transition
from khedmat.core.desk import DeskLink
from khedmat.core.text import to_persian_digits
from khedmat.inquiries.guards import registry_mismatches_resolved
from khedmat.payments.guards import fee_paid
from khedmat.services.contractor_qualification import rules

SERVICE_CODE = "contractor_qualification"
APPROVER = "unit_head"  # A13: the approver's role is a unit head until the organization names it


def _grades_of(data: dict) -> list[int]:
    return list(rules.requested_grades(data).values())


def _grades(case) -> list[int]:
    return _grades_of(case.data)


def _fee(case) -> list[str]:
    return rules.fee_items(kind=case.data.get("kind", ""), grades=_grades(case))


def declaration_check(*, data: dict, organization=None, province=None):
    """The jurisdiction rule (SERVICES.md §5.3) on what the applicant declares: None when this province
    handles it, else a Persian message naming the competent authority. Run when the case is opened, on
    every change of its form, before an invoice and on submission."""
    kind, grades = data.get("kind", ""), rules.requested_grades(data)
    unhandled = rules.unhandled_fields(kind=kind, requested=grades)
    kind_handled = kind in rules.HANDLED_GRADES and (kind != rules.CONTRACTOR or data.get("contractor_type") == 1)
    if kind_handled and unhandled and len(unhandled) < len(grades):
        # Mixed: some fields at a handled grade, some not. Only the handled ones may be requested here.
        from khedmat.services.contractor_qualification.models import ContractingField

        names = dict(ContractingField.objects.filter(code__in=unhandled).values_list("code", "name"))
        listed = "، ".join(
            "«%s» (%s)" % (names.get(code, code), _("Grade %(grade)s") % {"grade": to_persian_digits(str(grades[code]))})
            for code in unhandled)
        return _("This province does not handle these fields at the grade requested: %(fields)s. The Plan and Budget "
                 "Organization of the country grades them; remove them from this request (and apply for them there) "
                 "to request the other fields here.") % {"fields": listed}
    province_id = getattr(province, "pk", None)
    registered_here = organization is None or province_id is None or organization.province_id == province_id
    decision = rules.jurisdiction(
        kind=data.get("kind", ""), contractor_type=data.get("contractor_type"), grades=list(grades.values()),
        registered_in_province=registered_here,
    )
    if decision.handled:
        return None
    if decision.authority == "registration_province":
        return _("This province does not handle this request: the company is registered in %(province)s province, "
                 "so its Management and Planning Organization is competent. Apply there.") % {
            "province": organization.province.name}
    return _("This province does not handle this request: it is handled by the Plan and Budget Organization of the "
             "country (national), which grades contractors of grades 1 and 2, contractors of types 2 and 3 and "
             "consultants of grades 1 and 2. Apply there.")


def _jurisdiction_guard(case):
    return declaration_check(data=case.data, organization=case.organization, province=case.province)


# How Padak writes degree levels; the applicant's declared level is compared in these words.
PADAK_LEVELS = {"diploma": "دیپلم", "associate": "کاردانی", "bachelor": "کارشناسی", "master": "کارشناسی ارشد",
                "doctorate": "دکتری"}


def _inquiries(case) -> list[dict]:
    """Sent on submission (§5.8): the civil registry for every person and Padak for their degrees, the
    gazette for the company and the tax organization for each declared tax return."""
    from khedmat.services.contractor_qualification.models import CompanyPerson, FinancialRecord

    items, seen = [], set()
    people = list(CompanyPerson.objects.filter(case=case).order_by("pk"))
    if not people:
        person = case.applicant
        items.append({"source": "civil_registry", "subject": {"national_id": person.national_id},
                      "declared": {"first_name": person.first_name, "last_name": person.last_name},
                      "label": person.get_full_name()})
    for person in people:
        if person.national_id in seen:
            continue
        seen.add(person.national_id)
        items.append({"source": "civil_registry", "subject": {"national_id": person.national_id},
                      "declared": {"first_name": person.first_name, "last_name": person.last_name}, "label": person.full_name})
        if person.degree_level != "diploma":
            items.append({"source": "padak", "subject": {"national_id": person.national_id},
                          "declared": {"level": PADAK_LEVELS[person.degree_level], "field": person.study_field},
                          "label": person.full_name})
    if case.organization_id:
        organization = case.organization
        items.append({"source": "official_gazette", "subject": {"organization_id": organization.national_id},
                      "declared": {"name": organization.name, "registration_number": organization.registration_number},
                      "label": organization.name})
    tax_id = case.organization.national_id if case.organization_id else case.applicant.national_id
    for record in FinancialRecord.objects.filter(case=case):
        items.append({"source": "tax_org", "subject": {"id": tax_id, "year": record.fiscal_year},
                      "declared": {"declared_income": record.turnover_rials},
                      "label": f"{record.fiscal_year}"})
    return items


def _dossier_complete(case):
    from khedmat.services.contractor_qualification.selectors import dossier_complete

    return dossier_complete(case)


def _required_documents(case):
    from khedmat.services.contractor_qualification.selectors import required_document_codes

    return required_document_codes(case)


def _review_complete(case):
    from khedmat.services.contractor_qualification.services import review_complete

    return review_complete(case)


def _summary_sections(case, sections, change):
    """The check page of service 4: the application form, then the people, contracts and tax returns of the
    dossier (each with a change link to its own page), then the documents."""
    from django.urls import reverse

    from khedmat.cases.process import SummaryRow, SummarySection
    from khedmat.core import jalali
    from khedmat.core.templatetags.persian import rials
    from khedmat.services.contractor_qualification import selectors
    from khedmat.services.contractor_qualification.models import CompanyPerson, ExperienceRecord, FinancialRecord

    def page(section):
        return change(reverse("cq:section", args=[case.public_id, section]))

    needed = {s.code: s.status for s in selectors.dossier_sections(case)}
    dossier = [SummarySection(
        selectors.SECTION_LABELS["people"],
        tuple(SummaryRow(f"{p.full_name} — {p.get_role_display()}",
                         f"{p.get_degree_level_display()} {p.study_field}، {to_persian_digits(p.experience_years)} {_('years')}",
                         page("people"))
              for p in CompanyPerson.objects.filter(case=case).order_by("pk")),
        change_url=page("people"), empty=_("No person listed."))]
    if needed.get("experience") != "not_needed":
        dossier.append(SummarySection(
            selectors.SECTION_LABELS["experience"],
            tuple(SummaryRow(f"{r.title} — {r.employer}", f"{r.field.name}، {rials(r.amount_rials)}، {jalali.format_date(r.started_on)}",
                             page("experience"))
                  for r in ExperienceRecord.objects.filter(case=case).select_related("field")),
            change_url=page("experience"), empty=_("No contract listed.")))
    if needed.get("finance") != "not_needed":
        dossier.append(SummarySection(
            selectors.SECTION_LABELS["finance"],
            tuple(SummaryRow(to_persian_digits(r.fiscal_year), rials(r.turnover_rials), page("finance"))
                  for r in FinancialRecord.objects.filter(case=case)),
            change_url=page("finance"), empty=_("No tax return listed.")))
    return [sections[0], *dossier, *sections[1:]]


def _panel_context(case, user, staff_view, abilities=None):
    from khedmat.services.contractor_qualification.views import case_panel_context

    return case_panel_context(case, user, staff_view)


PROCESS = Process(
    service_code=SERVICE_CODE,
    version=1,
    initial="draft",
    submit_transition="submit",
    deficiency_transition="notify_deficiencies",
    resubmit_transition="resubmit",
    form_class="khedmat.services.contractor_qualification.forms.ApplicationForm",
    case_panel_template="contractor_qualification/_case_panel.html",
    case_panel_context=_panel_context,
    case_actions_template="contractor_qualification/_case_actions.html",
    summary_sections=_summary_sections,
    staff_links=((_("Companies"), "cq-companies:list"), (_("Referrals to SAJAR"), "cq-referrals:list"),
                 DeskLink("cq-report:report", _("Service report"), lands=("deputy", "head"))),
    staff_links_description=_("Qualified companies and expiries, referrals to SAJAR, and the service report against its SLA."),
    sla_commitment="issuance_time",
    fee=_fee,
    declaration=declaration_check,
    inquiries=_inquiries,
    required_documents=_required_documents,
    # SERVICES.md §5.8: the electronic sources of SAJAT, social security, and the written inquiry to an issuer.
    inquiry_sources=("official_gazette", "tax_org", "civil_registry", "social_security", "padak", "document_issuer"),
    written_inquiry_documents=("company_registration_documents", "experience_documents", "financial_documents"),
    states=(
        State("draft", _("Draft"), Clock.NOT_STARTED, actors=(APPLICANT,),
              applicant_hint=_("Complete the dossier, pay the fee and submit.")),
        State("under_review", _("Under expert review"), Clock.ORGANIZATION, actors=("expert",)),
        State("deficiencies_notified", _("Deficiencies notified"), Clock.APPLICANT, actors=(APPLICANT,),
              applicant_hint=_("Correct the listed deficiencies and resubmit.")),
        State("awaiting_approval", _("Awaiting the approver's decision"), Clock.ORGANIZATION, actors=(APPROVER,)),
        State("approved", _("Approved; certificate to be issued"), Clock.ORGANIZATION, actors=(APPROVER,)),
        State("certificate_issued", _("Certificate issued"), Clock.STOPPED, actors=(APPROVER,)),
        State("referred_to_pbo", _("Referred to the PBO for SAJAR"), Clock.STOPPED),
        State("registered_in_sajar", _("Registered in SAJAR"), Clock.STOPPED),
        State("rejected", _("Rejected"), Clock.STOPPED),
    ),
    transitions=(
        Transition("submit", _("Submit"), ("draft",), "under_review", (APPLICANT,),
                   guards=(form_filled, _jurisdiction_guard, _dossier_complete, required_documents_present, fee_paid),
                   internal=True, notify_applicant=True),
        Transition("notify_deficiencies", _("Notify deficiencies"), ("under_review",), "deficiencies_notified", ("expert",),
                   internal=True, notify_applicant=True),
        Transition("resubmit", _("Resubmit"), ("deficiencies_notified",), "under_review", (APPLICANT,),
                   guards=(_dossier_complete,), internal=True),
        Transition("send_to_approver", _("Send to the approver"), ("under_review",), "awaiting_approval", ("expert",),
                   guards=(_review_complete,)),
        Transition("return_to_expert", _("Return to the expert"), ("awaiting_approval",), "under_review", (APPROVER,),
                   comment_required=True, style="secondary"),
        Transition("approve", _("Approve"), ("awaiting_approval",), "approved", (APPROVER,),
                   guards=(registry_mismatches_resolved,), internal=True),
        Transition("issue_certificate", _("Issue the certificate"), ("approved",), "certificate_issued", (APPROVER,),
                   internal=True, notify_applicant=True),
        Transition("refer_to_pbo", _("Refer to the PBO (SAJAR)"), ("certificate_issued",), "referred_to_pbo",
                   (SYSTEM, APPROVER), internal=True),
        Transition("register_in_sajar", _("Registered in SAJAR"), ("referred_to_pbo",), "registered_in_sajar",
                   (SYSTEM, APPROVER), internal=True, notify_applicant=True),
        Transition("reject", _("Reject"), ("under_review", "awaiting_approval"), "rejected", ("expert", APPROVER),
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
