"""Reads of service 4: the dossier's sections and their completeness, the scores an expert sees, the
public registry, the company record and the service report. Callers have already checked access to the
case (through `cases.access`); the public registry shows only what a certificate prints."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khedmat.cases.models import Case, Document
from khedmat.core.text import search_key as core_search_key
from khedmat.services.contractor_qualification import rules
from khedmat.services.contractor_qualification.models import (
    Application,
    CompanyPerson,
    ContractingField,
    DisciplinaryViolation,
    ExperienceRecord,
    FinancialRecord,
    GradeGrant,
    PersonRole,
    RegistryEntry,
    ScoringTable,
    SectionReview,
)

SERVICE_CODE = "contractor_qualification"

SECTIONS = (
    ("application", _("Application: kind, type, fields and grades")),
    ("people", _("People of the applicant (ب)")),
    ("documents", _("Documents (الف to ز)")),
    ("experience", _("Work experience and contracts (و)")),
    ("finance", _("Financial documents and tax returns (ه)")),
)
SECTION_LABELS = dict(SECTIONS)


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
    names = {f.code: f.name for f in ContractingField.objects.filter(code__in=requested(case))}
    for code in requested(case):
        if code not in counted:
            problems.append(_("Nobody counts toward the field “%(field)s”.") % {"field": names.get(code, code)})
    return problems


def dossier_sections(case: Case) -> list[Section]:
    """The task list of the dossier, each section with what is still missing."""
    people = list(CompanyPerson.objects.filter(case=case).select_related("scoring_field"))
    reviews = {r.section: r for r in SectionReview.objects.filter(case=case)}
    present = set(Document.objects.filter(case=case, current__isnull=False).values_list("requirement", flat=True))
    labels = {d.code: d for d in case.process.documents}
    sections = []
    for code, label in SECTIONS:
        problems: list = []
        status = "todo"
        if code == "application":
            if not case.data.get("fields"):
                problems.append(_("Fill in and save the application form."))
        elif code == "people":
            problems = _people_problems(case, people)
        elif code == "documents":
            for doc_code in sorted(required_document_codes(case) - present, key=lambda c: list(labels).index(c)):
                requirement = labels[doc_code]
                problems.append(_("Upload: %(group)s) %(label)s") % {"group": requirement.group, "label": requirement.label})
        elif code == "experience":
            if not needs_experience(case):
                status = "not_needed"
            else:
                fields = set(ExperienceRecord.objects.filter(case=case).values_list("field__code", flat=True))
                names = {f.code: f.name for f in ContractingField.objects.filter(code__in=requested(case))}
                for field_code, grade in requested(case).items():
                    if grade < 5 and field_code not in fields:
                        problems.append(_("Add the contracts carried out in the field “%(field)s”.") % {"field": names.get(field_code, field_code)})
        elif code == "finance":
            if not needs_experience(case):
                status = "not_needed"
            elif not FinancialRecord.objects.filter(case=case).exists():
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
        thresholds={(r.field.code if r.field_id else None, r.grade): (r.min_staff_score, r.min_experience_rials, r.min_financial_rials)
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
    application = Application.objects.filter(case=case).select_related("scoring_table").first()
    table = application.scoring_table if application and application.scoring_table_id else None
    pinned = table is not None
    if table is None:
        table = scoring_table_in_force(case.data.get("kind", ""))
    values = table_values(table)
    people = list(CompanyPerson.objects.filter(case=case).select_related("scoring_field"))
    contributions = []
    for person in people:
        contribution = None
        if values is not None and person.role != PersonRole.SHAREHOLDER and person.scoring_field_id:
            contribution = rules.person_contribution(values, degree_level=person.degree_level,
                                                     relevance=person.relevance, years=person.experience_years)
        contributions.append((person, contribution))
    financial = rules.financial_capacity(dict(FinancialRecord.objects.filter(case=case).values_list("fiscal_year", "turnover_rials")))
    experience: dict[str, int] = {}
    for code, amount in ExperienceRecord.objects.filter(case=case).values_list("field__code", "amount_rials"):
        experience[code] = experience.get(code, 0) + amount
    fields = {f.code: f for f in ContractingField.objects.filter(code__in=requested(case))}
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
        supported = rules.supported_grade(values, kind=kind, field=code, staff_score=staff_score,
                                          experience_rials=experience.get(code, 0), financial_rials=financial) if values else None
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
    from khedmat.core.text import digits_only

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
