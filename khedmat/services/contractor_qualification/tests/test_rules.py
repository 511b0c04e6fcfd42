import pytest

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
    decision = rules.jurisdiction(kind=kind, contractor_type=contractor_type, grades=grades, registered_in_province=in_province)
    assert (decision.handled, decision.authority) == (handled, authority)


def test_one_fee_at_the_highest_grade_requested():
    assert rules.fee_items(kind="contractor", grades=[5, 3, 4]) == ["contractor_grade_3"]
    assert rules.fee_items(kind="consultant", grades=[3]) == ["consultant_grade_3"]
    assert rules.fee_items(kind="contractor", grades=[]) == []
