import datetime as dt
from decimal import Decimal as D

import pytest

from khedmat.catalog.models import Service
from khedmat.payments.services import fee_schedule_in_force
from khedmat.services.contractor_qualification import rules


@pytest.mark.parametrize(
    "kind, contractor_type, grades, in_province, handled, authority",
    [
        ("contractor", 1, [3], True, True, ""),
        ("contractor", 1, [5, 4], True, True, ""),
        ("contractor", 1, [2], True, False, "pbo"),
        ("contractor", 1, [3, 1], True, False, "pbo"),
        ("contractor", 2, [5], True, False, "pbo"),
        ("contractor", None, [5], True, False, "pbo"),
        ("contractor", 1, [4], False, False, "registration_province"),
        ("consultant", None, [3], True, True, ""),
        ("consultant", None, [2], True, False, "pbo"),
        ("consultant", None, [3], False, False, "registration_province"),
        ("contractor", 1, [], True, False, "pbo"),
        ("nonsense", 1, [3], True, False, "pbo"),
    ],
)
def test_jurisdiction(kind, contractor_type, grades, in_province, handled, authority):
    decision = rules.jurisdiction(kind=kind, contractor_type=contractor_type, grades=grades,
                                  registered_in_province=in_province)
    assert (decision.handled, decision.authority) == (handled, authority)


def test_one_fee_at_the_highest_grade_requested():
    assert rules.fee_items(kind="contractor", grades=[5, 3, 4]) == ["contractor_grade_3"]
    assert rules.fee_items(kind="consultant", grades=[3]) == ["consultant_grade_3"]
    assert rules.fee_items(kind="contractor", grades=[]) == []


def test_only_handled_grades_are_charged_and_unhandled_fields_are_named():
    # «ساختمان» grade 3 and «راه» grade 2: the fee is grade 3's, never grade 2's (issue 15, point 2).
    assert rules.fee_items(kind="contractor", grades=[3, 2]) == ["contractor_grade_3"]
    assert rules.fee_items(kind="contractor", grades=[1, 2]) == []
    assert rules.fee_items(kind="consultant", grades=[2, 3]) == ["consultant_grade_3"]
    requested = {"building": 3, "roads": 2, "water": 1}
    assert rules.unhandled_fields(kind="contractor", requested=requested) == ["roads", "water"]
    assert rules.unhandled_fields(kind="contractor", requested={"building": 3}) == []
    assert rules.unhandled_fields(kind="consultant", requested={"building": 4}) == ["building"]


def test_the_request_is_read_once_as_a_grade_per_field():
    """The one reading of the application's grades, for every caller: the process's fee and jurisdiction (the
    grades, in order), the mixed-jurisdiction message (grade by field code), the dossier, scoring and grant pages
    (the fields requested) and the report. A grade is requested in a field (SERVICES.md §5.5)."""
    data = {"kind": "contractor", "fields": [{"field": "building", "grade": 3}, {"field": "roads", "grade": "2"},
                                             {"field": "water", "grade": "۴"}]}
    assert rules.requested_grades(data) == {"building": 3, "roads": 2, "water": 4}  # any digits, form order kept
    assert list(rules.requested_grades(data)) == ["building", "roads", "water"]
    # Where the old copies disagreed: a grade with no field was counted by the process and the report but not by
    # the pages, and a row that is not a mapping broke all but the jurisdiction check. Neither is a request.
    odd = {"fields": [{"field": "", "grade": 1}, {"grade": 2}, "building", {"field": "roads", "grade": ""},
                      {"field": "roads", "grade": None}, {"field": "water", "grade": "x"},
                      {"field": "rail", "grade": 5}]}
    assert rules.requested_grades(odd) == {"rail": 5}
    assert rules.requested_grades({}) == rules.requested_grades({"fields": None}) == rules.requested_grades(None) == {}


# -- fees, scoring and grants ------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("kind, grade, amount", [
    ("contractor", 3, 6_000_000), ("contractor", 4, 4_500_000), ("contractor", 5, 3_000_000),
    ("consultant", 3, 3_000_000),
    ("contractor", 1, 10_500_000), ("contractor", 2, 9_000_000), ("consultant", 1, 6_000_000),
    ("consultant", 2, 4_500_000),
])
def test_the_fee_item_of_each_kind_and_grade_is_in_the_1399_table(kind, grade, amount):
    item = f"{kind}_grade_{grade}"  # the national table has every grade; the province charges only its own
    service = Service.objects.get(code="contractor_qualification")
    assert fee_schedule_in_force(service=service, item_code=item, on=dt.date(2020, 6, 1)).amount_rials == amount


TABLE = rules.Table(
    degree_points={"bachelor": D(6), "master": D(8)},
    relevance_percent={"related": D(100), "semi_related": D(50), "unrelated": D(0)},
    experience_bands=[(0, D(0)), (5, D(2)), (10, D(4))],
    thresholds={(None, 5): (D(8), None, None), (None, 4): (D(15), 10, 5), ("water", 4): (D(30), 10, 5)},
)


def test_experience_points_take_the_highest_band_reached():
    assert [rules.experience_points(TABLE.experience_bands, y) for y in (0, 4, 5, 9, 10, 40)] == [0, 0, 2, 2, 4, 4]


def test_a_contribution_needs_a_judged_relevance_and_known_degree():
    assert rules.person_contribution(TABLE, degree_level="master", relevance="related", years=12) == D("12.00")
    assert rules.person_contribution(TABLE, degree_level="master", relevance="semi_related", years=12) == D("6.00")
    assert rules.person_contribution(TABLE, degree_level="master", relevance="", years=12) is None
    assert rules.person_contribution(TABLE, degree_level="doctorate", relevance="related", years=12) is None


def test_the_supported_grade_uses_field_thresholds_before_general_ones():
    args = {"kind": "contractor", "staff_score": D(20), "experience_rials": 10, "financial_rials": 5}
    assert rules.supported_grade(TABLE, field="building", **args) == 4
    assert rules.supported_grade(TABLE, field="water", **args) == 5  # water's grade 4 needs 30
    assert rules.supported_grade(TABLE, field="building", **(args | {"financial_rials": 4})) == 5
    assert rules.supported_grade(TABLE, field="building", **(args | {"staff_score": D(7)})) is None
    assert rules.supported_grade(TABLE, field="building", **(args | {"staff_score": None})) is None


def test_financial_capacity_is_the_best_of_the_last_three_years():
    assert rules.financial_capacity({1398: 90, 1400: 10, 1401: 30, 1402: 20}) == 30
    assert rules.financial_capacity({}) == 0


@pytest.mark.parametrize("granted, reasons, error", [
    ({"b": 4}, {}, None),
    ({"b": 5}, {}, "reason_required"),
    ({"b": 5}, {"b": "کمبود سابقه"}, None),
    ({"b": 3}, {"b": "x"}, "better_than_requested"),
    ({"b": 2}, {"b": "x"}, "not_handled"),
    ({"b": None}, {}, "reason_required"),
    ({"b": None}, {"b": "x"}, "none_granted"),
])
def test_granted_is_never_better_than_requested(granted, reasons, error):
    errors = rules.grant_errors(kind="contractor", requested={"b": 4}, granted=granted, reasons=reasons)
    assert (next(iter(errors.values())) if errors else None) == error


@pytest.mark.parametrize("requested, supported, granted, departure", [
    (4, 4, 4, ""),
    (4, 3, 4, ""),  # the scores support better than requested: granting the request follows them
    (4, 5, 4, rules.ABOVE),  # «پایه قابل احراز ۵» and 4 granted
    (4, None, 4, rules.ABOVE),  # the scores support no grade at all
    (4, 4, 5, rules.BELOW),
    (4, 4, None, rules.BELOW),  # refusing what the scores support
    (4, None, None, ""),
])
def test_a_grant_departs_from_the_scoring_result_in_either_direction(requested, supported, granted, departure):
    assert rules.scoring_departure(requested=requested, supported=supported, granted=granted) == departure


@pytest.mark.parametrize("supported, granted, reasons, error", [
    ({"b": 5}, {"b": 4}, {}, "departs_from_scoring"),
    ({"b": 5}, {"b": 4}, {"b": "سابقه کار در پروژه‌های ملی"}, None),
    ({"b": None}, {"b": 4}, {}, "departs_from_scoring"),
    ({"b": 4}, {"b": 4}, {}, None),
    ({"b": 3}, {"b": 4}, {}, None),
    (None, {"b": 4}, {}, None),  # no scoring table: nothing to depart from
])
def test_a_departure_from_the_scoring_result_needs_a_reason(supported, granted, reasons, error):
    errors = rules.grant_errors(kind="contractor", requested={"b": 4}, granted=granted, reasons=reasons,
                                supported=supported)
    assert (next(iter(errors.values())) if errors else None) == error


def test_the_people_roles_follow_the_applicants_kind():
    assert rules.person_roles(natural=True) == ("applicant", "scoring_staff")
    assert "ceo" not in rules.person_roles(natural=True) and "board_member" not in rules.person_roles(natural=True)
    assert rules.person_roles(natural=False) == ("ceo", "board_member", "shareholder", "scoring_staff")
