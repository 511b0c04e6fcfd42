"""Pure rules of service 4 (SERVICES.md §5.3, §5.9). No ORM: plain values in, plain values out."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CONTRACTOR = "contractor"
CONSULTANT = "consultant"
# Which requests this province handles (regulation 48013, L241; regulation 20637 by delegation, L242).
HANDLED_GRADES = {CONTRACTOR: {3, 4, 5}, CONSULTANT: {3}}


@dataclass(frozen=True)
class Jurisdiction:
    handled: bool
    authority: str  # "" when handled here; else "pbo" (national) or "registration_province"


def jurisdiction(*, kind: str, contractor_type: int | None, grades: list[int],
                 registered_in_province: bool) -> Jurisdiction:
    """Whether the province's MPO handles the request, and who does if not.

    Type-1 contractors of grades 3, 4, 5 and consultants of grade 3, registered in the province, are
    handled here; a company registered elsewhere goes to its own province; anything else to the PBO.
    """
    if not grades or kind not in HANDLED_GRADES:
        return Jurisdiction(False, "pbo")
    if kind == CONTRACTOR and contractor_type != 1:
        return Jurisdiction(False, "pbo")
    if not set(grades) <= HANDLED_GRADES[kind]:
        return Jurisdiction(False, "pbo")
    if not registered_in_province:
        return Jurisdiction(False, "registration_province")
    return Jurisdiction(True, "")


def requested_grades(data: dict | None) -> dict[str, int]:
    """{field code: grade requested} from the application form's data (`case.data["fields"]`), in the order
    requested: the one reading of the request for the process, the pages and the report.

    A grade is requested in a field (SERVICES.md §5.5: "certificate (grade per field)", "requested vs granted
    grade per field"), so a row counts only when it names a field and a grade written in digits; a row that is
    not a mapping, names no field or has no grade is no request. The form saves no such row (both or neither,
    each field once); this is what the other readers get from data that did not pass through it.
    """
    out: dict[str, int] = {}
    for row in (data or {}).get("fields") or []:
        if isinstance(row, dict) and row.get("field") and str(row.get("grade", "")).isdigit():
            out[row["field"]] = int(row["grade"])
    return out


def unhandled_fields(*, kind: str, requested: dict[str, int]) -> list[str]:
    """The fields (codes) requested at a grade the province does not handle, in the order requested
    (`requested` as `requested_grades` reads it)."""
    handled = HANDLED_GRADES.get(kind, set())
    return [code for code, grade in requested.items() if grade not in handled]


# The roles of the people section (group ب) per kind of applicant (values of `models.PersonRole`): a
# natural person is not a company's chief executive — he lists himself and his technical staff.
LEGAL_PERSON_ROLES = ("ceo", "board_member", "shareholder", "scoring_staff")
NATURAL_PERSON_ROLES = ("applicant", "scoring_staff")


def person_roles(*, natural: bool) -> tuple[str, ...]:
    """The roles offered in the people section to a natural or a legal person."""
    return NATURAL_PERSON_ROLES if natural else LEGAL_PERSON_ROLES


def fee_items(*, kind: str, grades: list[int]) -> list[str]:
    """One fee per certificate, at the highest *handled* grade requested (1 is the highest; A12, configurable).
    A grade the province does not handle is never charged here (SERVICES.md §5.9)."""
    handled = [grade for grade in grades if grade in HANDLED_GRADES.get(kind, set())]
    if not handled:
        return []
    return [f"{kind}_grade_{min(handled)}"]


# -- scoring (SERVICES.md §10.1 #8, #10; the numbers are admin data, the shape is ours) -----------

GRADES = {CONTRACTOR: (1, 2, 3, 4, 5), CONSULTANT: (1, 2, 3)}


@dataclass(frozen=True)
class Table:
    """A scoring table as plain values: points per degree, percent counted per relevance, experience
    bands (min years, points) and thresholds {(field or None, grade): (staff, experience, financial)}."""

    degree_points: dict[str, Decimal]
    relevance_percent: dict[str, Decimal]
    experience_bands: list[tuple[int, Decimal]]
    thresholds: dict[tuple[str | None, int], tuple[Decimal, int | None, int | None]]


def experience_points(bands: list[tuple[int, Decimal]], years: int) -> Decimal:
    """The points of the highest band reached (0 below the first band)."""
    points = Decimal(0)
    for min_years, band_points in sorted(bands):
        if years >= min_years:
            points = band_points
    return points


def person_contribution(table: Table, *, degree_level: str, relevance: str, years: int) -> Decimal | None:
    """(degree points + experience points) × the share counted for the degree's relevance to the field.
    None when the relevance is not judged yet or the table has no value for the degree or relevance."""
    if not relevance or degree_level not in table.degree_points or relevance not in table.relevance_percent:
        return None
    base = table.degree_points[degree_level] + experience_points(table.experience_bands, years)
    return (base * table.relevance_percent[relevance] / Decimal(100)).quantize(Decimal("0.01"))


def threshold_for(table: Table, field: str, grade: int):
    """The field's own threshold for a grade, else the general one, else None."""
    return table.thresholds.get((field, grade)) or table.thresholds.get((None, grade))


def supported_grade(table: Table, *, kind: str, field: str, staff_score: Decimal | None, experience_rials: int,
                    financial_rials: int) -> int | None:
    """The best grade (1 is best) whose thresholds the figures meet; None when none is met or no threshold
    is configured for the field."""
    if staff_score is None:
        return None
    for grade in GRADES.get(kind, ()):
        threshold = threshold_for(table, field, grade)
        if threshold is None:
            continue
        min_staff, min_experience, min_financial = threshold
        if staff_score < min_staff:
            continue
        if min_experience is not None and experience_rials < min_experience:
            continue
        if min_financial is not None and financial_rials < min_financial:
            continue
        return grade
    return None


def financial_capacity(turnovers: dict[int, int], *, years: int = 3) -> int:
    """The highest turnover declared in the last `years` fiscal years on file (ASSUMPTION, docs/services/
    contractor-qualification.md: the regulation's formula was not found)."""
    if not turnovers:
        return 0
    latest = max(turnovers)
    return max(amount for year, amount in turnovers.items() if year > latest - years)


ABOVE = "above"  # granted a better grade than the scores support (or a grade where they support none)
BELOW = "below"  # granted a lower grade than the scores support, or refused what they support


def scoring_departure(*, requested: int, supported: int | None, granted: int | None) -> str:
    """How a grant departs from the scoring result: ABOVE, BELOW or "" (it follows it). The scoring result
    is the grade the figures support, capped at the grade requested (a grant is never better than the
    request); None (no grade supported) means only a refusal follows it."""
    expected = None if supported is None else max(supported, requested)
    if granted is None:
        return "" if expected is None else BELOW
    if expected is None or granted < expected:
        return ABOVE
    return BELOW if granted > expected else ""


def grant_errors(*, kind: str, requested: dict[str, int], granted: dict[str, int | None], reasons: dict[str, str],
                 supported: dict[str, int | None] | None = None) -> dict[str, str]:
    """Check an approver's decision field by field; {field: error code}. A granted grade is never better
    than the one requested (a larger number is a lower grade); a lower grade or a refusal needs a reason;
    so does a grant that departs from the scoring result in either direction (`supported`: the grade the
    scores support per field; None when the case has no scoring table); at least one field must be granted."""
    errors: dict[str, str] = {}
    for field, wanted in requested.items():
        given = granted.get(field)
        has_reason = bool(reasons.get(field, "").strip())
        if given is None:
            if not has_reason:
                errors[field] = "reason_required"
            continue
        if given not in HANDLED_GRADES.get(kind, set()):
            errors[field] = "not_handled"
        elif given < wanted:
            errors[field] = "better_than_requested"
        elif given > wanted and not has_reason:
            errors[field] = "reason_required"
        elif (supported is not None and not has_reason
              and scoring_departure(requested=wanted, supported=supported.get(field), granted=given)):
            errors[field] = "departs_from_scoring"
    if not errors and all(granted.get(field) is None for field in requested):
        errors["__all__"] = "none_granted"
    return errors
