"""Reads of service 4: the dossier's sections and their completeness, the scores an expert sees, the
public registry, the company record and the service report. Callers have already checked access to the
case (through `cases.access`); the public registry shows only what a certificate prints."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.cases.abilities import Abilities, case_abilities
from khedmat.cases.models import Case, Document
from khedmat.cases.process import SummaryRow, SummarySection
from khedmat.core import jalali
from khedmat.core.templatetags.persian import rials
from khedmat.core.text import digits_only, to_persian_digits
from khedmat.core.text import search_key as core_search_key
from khedmat.services.contractor_qualification import rules
from khedmat.services.contractor_qualification.constants import PADAK_LEVELS, REFERRAL_ROLES, DossierSection
from khedmat.services.contractor_qualification.models import (
    Application,
    CompanyPerson,
    ContractingField,
    DisciplinaryViolation,
    ExperienceRecord,
    FinancialRecord,
    GradeGrant,
    PersonRole,
    Referral,
    RegistryEntry,
    Relevance,
    ReviewStatus,
    ScoringTable,
    SectionReview,
)

SECTIONS = (
    (DossierSection.APPLICATION, _("Application: kind, type, fields and grades")),
    (DossierSection.PEOPLE, _("People of the applicant (ب)")),
    (DossierSection.DOCUMENTS, _("Documents (الف to ز)")),
    (DossierSection.EXPERIENCE, _("Work experience and contracts (و)")),
    (DossierSection.FINANCE, _("Financial documents and tax returns (ه)")),
)
SECTION_LABELS = dict(SECTIONS)
SECTION_PAGES = (DossierSection.PEOPLE, DossierSection.EXPERIENCE, DossierSection.FINANCE)


def requested(case: Case) -> dict[str, int]:
    """{field code: requested grade} from the application form (`rules.requested_grades`)."""
    return rules.requested_grades(case.data)


def needs_experience(case: Case) -> bool:
    """Grades 4 to 1 of contractors need experience and financial figures; grade 5 and consultants of
    grade 3 are graded on staff alone (SERVICES.md §10.1 #8, #12)."""
    return case.data.get("kind") == rules.CONTRACTOR and any(g < 5 for g in requested(case).values())


def required_document_codes(case: Case) -> set[str]:
    """The checklist documents this applicant must upload: the process's required ones, plus the company
    registration documents of a legal person, the consultant groups for consultants, and the experience and
    financial documents where the grades need them."""
    codes = {d.code for d in case.process.documents if d.required}
    if case.organization_id:
        codes.add("company_registration_documents")
    if case.data.get("kind") == rules.CONSULTANT:
        codes |= {"consultant_management_structure", "consultant_premises_form"}
    if needs_experience(case):
        codes |= {"experience_documents", "financial_documents"}
    return codes


@dataclass
class Section:
    code: str
    label: object
    status: str  # "done", "todo", "not_needed"
    problems: list = field(default_factory=list)
    review: SectionReview | None = None

    @property
    def has_page(self) -> bool:
        """The applicant fills this section on its own page (`cq:section`), not on the case page."""
        return self.code in SECTION_PAGES


class DossierReads:
    """The dossier's rows, each read once per request (issue 19: the case page and its guards read the section
    reviews, the people and the fields of work several times): `dossier(case)` memoises one on the case object for
    its version and state, and this module's write services `forget` it."""

    def __init__(self, case: Case):
        self.case = case

    @cached_property
    def people(self) -> list[CompanyPerson]:
        return list(CompanyPerson.objects.filter(case=self.case).select_related("scoring_field"))

    @cached_property
    def reviews(self) -> dict[str, SectionReview]:
        return {r.section: r for r in SectionReview.objects.filter(case=self.case)}

    @cached_property
    def present(self) -> set[str]:
        return set(Document.objects.filter(case=self.case, current__isnull=False).values_list("requirement",
                                                                                             flat=True))

    @cached_property
    def experience(self) -> list[ExperienceRecord]:
        return list(ExperienceRecord.objects.filter(case=self.case).select_related("field"))

    @cached_property
    def financial(self) -> list[FinancialRecord]:
        return list(FinancialRecord.objects.filter(case=self.case))

    @cached_property
    def fields(self) -> dict[str, ContractingField]:
        """The requested fields of work, by code."""
        return {f.code: f for f in ContractingField.objects.filter(code__in=requested(self.case))}

    @cached_property
    def application(self) -> Application | None:
        return Application.objects.filter(case=self.case).select_related("scoring_table").first()


def dossier(case: Case) -> DossierReads:
    """The dossier's reads for this request (see DossierReads)."""
    key = (case.version, case.state, repr(case.data))
    memo = case.__dict__.get("_cq_dossier")
    if memo is None or memo[0] != key:
        memo = case.__dict__["_cq_dossier"] = (key, DossierReads(case))
    return memo[1]


def forget(case: Case) -> None:
    """A write of this service changed the dossier: the next read on this case object reads afresh."""
    case.__dict__.pop("_cq_dossier", None)


def _people_problems(case: Case, people: list[CompanyPerson]) -> list:
    problems = []
    if not people:
        return [_("Add the people of the applicant.")]
    if case.organization_id:
        if sum(1 for p in people if p.role == PersonRole.CEO) != 1:
            problems.append(_("Name exactly one chief executive."))
        if not any(p.role == PersonRole.BOARD_MEMBER for p in people):
            problems.append(_("Add the board members."))
    elif not any(p.role == PersonRole.APPLICANT and p.national_id == case.applicant.national_id for p in people):
        problems.append(_("A natural-person applicant lists themself among the people."))
    counted = {p.scoring_field.code for p in people if p.scoring_field_id and p.role != PersonRole.SHAREHOLDER}
    names = {code: f.name for code, f in dossier(case).fields.items()}
    for code in requested(case):
        if code not in counted:
            problems.append(_("Nobody counts toward the field “%(field)s”.") % {"field": names.get(code, code)})
    return problems


def dossier_sections(case: Case) -> list[Section]:
    """The task list of the dossier, each section with what is still missing."""
    reads = dossier(case)
    people, reviews, present = reads.people, reads.reviews, reads.present
    labels = {d.code: d for d in case.process.documents}
    sections = []
    for code, label in SECTIONS:
        problems: list = []
        status = "todo"
        if code == DossierSection.APPLICATION:
            if not case.data.get("fields"):
                problems.append(_("Fill in and save the application form."))
        elif code == DossierSection.PEOPLE:
            problems = _people_problems(case, people)
        elif code == DossierSection.DOCUMENTS:
            for doc_code in sorted(required_document_codes(case) - present, key=lambda c: list(labels).index(c)):
                requirement = labels[doc_code]
                problems.append(_("Upload: %(group)s) %(label)s") % {"group": requirement.group,
                                                                     "label": requirement.label})
        elif code == DossierSection.EXPERIENCE:
            if not needs_experience(case):
                status = "not_needed"
            else:
                fields = {r.field.code for r in reads.experience}
                names = {code: f.name for code, f in reads.fields.items()}
                for field_code, grade in requested(case).items():
                    if grade < 5 and field_code not in fields:
                        problems.append(_("Add the contracts carried out in the field “%(field)s”.") % {
                            "field": names.get(field_code, field_code)})
        elif code == DossierSection.FINANCE:
            if not needs_experience(case):
                status = "not_needed"
            elif not reads.financial:
                problems.append(_("Add the tax returns of past years."))
        if status != "not_needed":
            status = "todo" if problems else "done"
        sections.append(Section(code, label, status, problems, reviews.get(code)))
    return sections


def dossier_complete(case: Case):
    """Process guard: every needed section of the dossier is complete."""
    problems = [str(p) for s in dossier_sections(case) for p in s.problems]
    if problems:
        return _("The dossier is not complete: %(problems)s") % {"problems": "؛ ".join(problems)}
    return None


# -- scoring -------------------------------------------------------------------------------------

def scoring_table_in_force(kind: str, *, on: dt.date | None = None) -> ScoringTable | None:
    on = on or timezone.localdate()
    return ScoringTable.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from", "-pk").first()


def table_values(table: ScoringTable | None) -> rules.Table | None:
    if table is None:
        return None
    return rules.Table(
        degree_points={r.degree_level: r.points for r in table.degree_points.all()},
        relevance_percent={r.relevance: r.percent for r in table.relevance_factors.all()},
        experience_bands=[(r.min_years, r.points) for r in table.experience_points.all()],
        thresholds={(r.field.code if r.field_id else None, r.grade):
                    (r.min_staff_score, r.min_experience_rials, r.min_financial_rials)
                    for r in table.thresholds.select_related("field")},
    )


@dataclass
class FieldScore:
    field: ContractingField
    requested_grade: int
    staff_score: Decimal | None
    experience_rials: int
    financial_rials: int
    supported_grade: int | None
    thresholds: tuple | None  # the thresholds of the requested grade

    @property
    def meets_request(self) -> bool:
        return self.supported_grade is not None and self.supported_grade <= self.requested_grade


@dataclass
class Scoring:
    table: ScoringTable | None
    pinned: bool
    people: list  # [(person, contribution or None)]
    fields: list[FieldScore]
    financial_rials: int


def case_scoring(case: Case) -> Scoring:
    """Each person's contribution and each requested field's staff score, experience and financial
    figures from the case's pinned scoring table (the one in force, for a case not yet submitted), and the
    grade the figures support beside the grade requested."""
    reads = dossier(case)
    application = reads.application
    table = application.scoring_table if application and application.scoring_table_id else None
    pinned = table is not None
    if table is None:
        table = scoring_table_in_force(case.data.get("kind", ""))
    values = table_values(table)
    people = reads.people
    contributions = []
    for person in people:
        contribution = None
        if values is not None and person.role != PersonRole.SHAREHOLDER and person.scoring_field_id:
            contribution = rules.person_contribution(values, degree_level=person.degree_level,
                                                     relevance=person.relevance, years=person.experience_years)
        contributions.append((person, contribution))
    financial = rules.financial_capacity({r.fiscal_year: r.turnover_rials for r in reads.financial})
    experience: dict[str, int] = {}
    for record in reads.experience:
        experience[record.field.code] = experience.get(record.field.code, 0) + record.amount_rials
    fields = reads.fields
    kind = case.data.get("kind", "")
    scores = []
    for code, grade in requested(case).items():
        if code not in fields:
            continue
        counted, seen, complete = Decimal(0), set(), True
        for person, contribution in contributions:
            if person.scoring_field_id and person.scoring_field.code == code and person.role != PersonRole.SHAREHOLDER:
                if person.national_id in seen:
                    continue  # one person in two roles counts once
                seen.add(person.national_id)
                if contribution is None:
                    complete = False
                else:
                    counted += contribution
        staff_score = counted if (values is not None and complete and seen) else None
        supported = rules.supported_grade(
            values, kind=kind, field=code, staff_score=staff_score, experience_rials=experience.get(code, 0),
            financial_rials=financial) if values else None
        scores.append(FieldScore(fields[code], grade, staff_score, experience.get(code, 0), financial, supported,
                                 rules.threshold_for(values, code, grade) if values else None))
    return Scoring(table, pinned, contributions, scores, financial)


def supported_grades(scoring: Scoring) -> dict[str, int | None] | None:
    """The scoring result per requested field (the grade the figures support, None where they support
    none) that a grant is checked against; None when the case has no scoring table to score it with."""
    if scoring.table is None:
        return None
    return {s.field.code: s.supported_grade for s in scoring.fields}


def grants_for_case(case: Case):
    return GradeGrant.objects.filter(case=case).select_related("field").order_by("field__ordering")


# -- public registry and company record ------------------------------------------------------------

def search_key(value: str) -> str:
    """The platform's search key without spaces: «شركت ساختمانی‌البرز» finds «شرکت ساختمانی البرز»."""
    return "".join(core_search_key(value or "").split())


def holder_condition(query: str, *, id_prefix: bool = False, min_letters: int = 3) -> Q | None:
    """Registry entries of the holder a query names: an ID typed in any digits (whole, or its first digits
    when `id_prefix`), else a name containing the letters typed (at least `min_letters`). None: nothing to
    look for."""
    query = (query or "").strip()
    digits, key = digits_only(query), search_key(query)
    if digits and len(digits) == len(key):
        if id_prefix:
            return Q(national_id__startswith=digits)
        return Q(national_id=digits) if len(digits) in (10, 11) else None
    return Q(search_name__contains=key) if key and len(key) >= min_letters else None


def registry_search(query: str, *, limit: int = 50):
    """Registry entries whose holder's national ID equals, or whose name contains, the query."""
    condition = holder_condition(query)
    if condition is None:
        return RegistryEntry.objects.none()
    return (RegistryEntry.objects.filter(condition).select_related("certificate", "certificate__document_type")
            .order_by("-issued_on", "-pk")[:limit])


def company_record(organization):
    """A company's certificates (with expiries) and disciplinary violations, newest first."""
    entries = RegistryEntry.objects.filter(organization=organization).select_related("certificate", "case")
    violations = DisciplinaryViolation.objects.filter(organization=organization).select_related("recorded_by")
    return entries, violations


# -- the process's hooks (workflow.py names them) ------------------------------------------------------

def fee_items(case: Case) -> list[str]:
    """The fee items the case owes (the process's `fee`)."""
    return rules.fee_items(kind=case.data.get("kind", ""), grades=list(rules.requested_grades(case.data).values()))


def declaration_check(*, data: dict, organization=None, province=None):
    """The jurisdiction rule (SERVICES.md §5.3) on what the applicant declares: None when this province
    handles it, else a Persian message naming the competent authority. Run when the case is opened, on
    every change of its form, before an invoice and on submission."""
    kind, grades = data.get("kind", ""), rules.requested_grades(data)
    unhandled = rules.unhandled_fields(kind=kind, requested=grades)
    kind_handled = kind in rules.HANDLED_GRADES and (kind != rules.CONTRACTOR or data.get("contractor_type") == 1)
    if kind_handled and unhandled and len(unhandled) < len(grades):
        # Mixed: some fields at a handled grade, some not. Only the handled ones may be requested here.
        names = dict(ContractingField.objects.filter(code__in=unhandled).values_list("code", "name"))
        listed = "، ".join(
            "«%s» (%s)" % (names.get(code, code),
                           _("Grade %(grade)s") % {"grade": to_persian_digits(str(grades[code]))})
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


def jurisdiction_guard(case: Case):
    """Guard of submission: the declaration rule on the case as it stands."""
    return declaration_check(data=case.data, organization=case.organization, province=case.province)


def case_inquiries(case: Case) -> list[dict]:
    """Sent on submission (§5.8): the civil registry for every person and Padak for their degrees, the
    gazette for the company and the tax organization for each declared tax return."""
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
                      "declared": {"first_name": person.first_name, "last_name": person.last_name},
                      "label": person.full_name})
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


def review_complete(case: Case):
    """Guard of "send to the approver": every needed section accepted and every counted degree judged."""
    reviews = {code: r.status for code, r in dossier(case).reviews.items()}
    missing = [str(s.label) for s in dossier_sections(case)
               if s.status != "not_needed" and reviews.get(s.code) != ReviewStatus.ACCEPTED]
    if missing:
        return _("Accept every section first: %(sections)s") % {"sections": "، ".join(missing)}
    if _unjudged_people(case):
        return str(_("Judge the relevance of every counted person's degree first."))
    return None


def _unjudged_people(case: Case):
    """The counted people whose degree's relevance the expert has not judged yet."""
    return [p for p in dossier(case).people
            if p.scoring_field_id is not None and p.relevance == "" and p.role != PersonRole.SHAREHOLDER]


def summary_sections(case: Case, sections, change):
    """The check page of service 4: the application form, then the people, contracts and tax returns of the
    dossier (each with a change link to its own page), then the documents."""
    def page(section):
        return change(reverse("cq:section", args=[case.public_id, section]))

    needed = {s.code: s.status for s in dossier_sections(case)}
    reads = dossier(case)
    people, experience, finance = DossierSection.PEOPLE, DossierSection.EXPERIENCE, DossierSection.FINANCE
    listed = [SummarySection(
        SECTION_LABELS[people],
        tuple(SummaryRow(f"{p.full_name} — {p.get_role_display()}",
                         f"{p.get_degree_level_display()} {p.study_field}، "
                         f"{to_persian_digits(p.experience_years)} {_('years')}",
                         page(people))
              for p in sorted(reads.people, key=lambda p: p.pk)),
        change_url=page(people), empty=_("No person listed."))]
    if needed.get(experience) != "not_needed":
        listed.append(SummarySection(
            SECTION_LABELS[experience],
            tuple(SummaryRow(f"{r.title} — {r.employer}",
                             f"{r.field.name}، {rials(r.amount_rials)}، {jalali.format_date(r.started_on)}",
                             page(experience))
                  for r in reads.experience),
            change_url=page(experience), empty=_("No contract listed.")))
    if needed.get(finance) != "not_needed":
        listed.append(SummarySection(
            SECTION_LABELS[finance],
            tuple(SummaryRow(to_persian_digits(r.fiscal_year), rials(r.turnover_rials), page(finance))
                  for r in reads.financial),
            change_url=page(finance), empty=_("No tax return listed.")))
    return [sections[0], *listed, *sections[1:]]


# -- the case page --------------------------------------------------------------------------------------

def case_panel_context(case: Case, user, staff_view: bool, abilities: Abilities | None = None) -> dict:
    """The service's part of the case page: the task list, and for staff the review and the scores. Who may do
    what is the engine's answer (`abilities`, the case page's own): the expert's acts, the approver's decision."""
    abilities = abilities or case_abilities(case=case, user=user)
    sections = dossier_sections(case)
    is_expert = abilities.offered("section_review")
    is_approver = abilities.offered("approve")  # the page itself asks for a mismatch's reason (the guard)
    return {
        "has_actions": is_expert or is_approver,
        "review_rows": review_rows(sections) if is_expert else [],
        "needs_relevance": is_expert and bool(_unjudged_people(case)),
        "sections": sections,
        "sections_done": sum(1 for s in sections if s.status != "todo"),
        "can_edit": abilities.offered("edit"),
        "scoring": case_scoring(case) if staff_view else None,
        "grants": list(grants_for_case(case)) if case.state != case.process.initial else [],
        "is_expert": is_expert,
        "is_approver": is_approver,
        "relevance_choices": Relevance.choices,
        "has_deficient": any(s.review and s.review.status == ReviewStatus.DEFICIENT for s in sections),
        "referral": Referral.objects.filter(case=case).first() if abilities.roles & set(REFERRAL_ROLES) else None,
    }


def review_rows(sections, posted=None, errors=None) -> list[dict]:
    """One row per section the expert reviews: its saved verdict, or what was just posted with its error."""
    rows = []
    for s in sections:
        if s.status == "not_needed":
            continue
        row = {"code": s.code, "label": s.label, "saved": s.review.get_status_display() if s.review else "",
               "status": s.review.status if s.review else "", "note": s.review.note if s.review else "",
               "guidance": s.review.guidance if s.review else "", "error": (errors or {}).get(s.code, "")}
        if posted is not None and s.code in posted:
            row.update(posted[s.code])
        rows.append(row)
    return rows
