import pytest

from khedmat.accounts import demo_data as accounts
from khedmat.committees import demo_data
from khedmat.committees.models import Committee, CommitteeMember, Room
from khedmat.committees.services import secretary_problem

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_three_bodies_with_a_valid_secretary_and_loads_twice_alike():
    accounts.load()
    demo_data.load()
    demo_data.load()
    assert set(Committee.objects.values_list("kind", flat=True)) == {
        "accreditation_committee", "training_committee", "steering_council"}
    for secretary in CommitteeMember.objects.filter(role="secretary").select_related("committee", "user"):
        assert secretary_problem(province_id=secretary.committee.province_id, user=secretary.user) == ""
    assert CommitteeMember.objects.filter(role="chair").count() == 3 and Room.objects.count() == 2
