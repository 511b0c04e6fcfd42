"""Who may open a case: roles count in the service they are held for (docs/adr/0011-per-service-roles.md)."""
import pytest
from django.http import Http404

from khedmat.accounts.models import User
from khedmat.cases import access, selectors
from khedmat.cases.services import case_create
from khedmat.cases.tests.process import SERVICE_CODE
from khedmat.core.exceptions import ApplicationError
from khedmat.organizations.models import Membership
from khedmat.testing import login, make_organization, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_an_expert_of_another_service_is_not_an_expert_of_this_one(submitted, tehran):
    other = make_staff(province=tehran, roles=[("expert", "contractor_qualification")])
    mine = make_staff(province=tehran, roles=[("expert", SERVICE_CODE)])
    every = make_staff(province=tehran, roles=["expert"])
    assert access.staff_roles_for_case(submitted, other) == set()
    with pytest.raises(Http404):
        access.case_get_for_user(user=other, public_id=submitted.public_id)
    assert access.staff_roles_for_case(submitted, mine) == {"expert"}
    assert access.staff_roles_for_case(submitted, every) == {"expert"}
    assert submitted not in access.visible_cases(other)
    assert submitted in access.visible_cases(mine)
    assert [c.pk for c in selectors.queue_for_staff(staff=other)[0:10]] == []
    assert [c.pk for c in selectors.queue_for_staff(staff=mine)[0:10]] == [submitted.pk]


def test_a_unit_head_of_another_service_neither_opens_nor_lists_the_case(client, submitted, tehran):
    other = make_staff(province=tehran, roles=[("unit_head", "contractor_qualification")])
    mine = make_staff(province=tehran, roles=[("unit_head", SERVICE_CODE)])
    assert not access.may_read_case(submitted, other)
    assert list(selectors.queue_for_staff(staff=other, scope="all")) == []
    assert list(selectors.queue_for_staff(staff=mine, scope="all")) == [submitted]
    login(client, other)
    assert client.get(f"/cases/{submitted.public_id}/").status_code == 404
    client.logout()
    login(client, mine)
    assert client.get(f"/cases/{submitted.public_id}/").status_code == 200


def test_roles_for_service_and_holding(tehran):
    person = make_staff(province=tehran, roles=[("expert", "a"), "finance"])
    assert person.roles_for_service("a") == {"expert", "finance"}
    assert person.roles_for_service("b") == {"finance"}
    assert person.role_services("expert") == {"a"} and person.role_services("finance") is None
    assert person.has_role("expert") and not person.has_role("expert", service_code="b")
    assert person in User.objects.holding(["expert"], service_code="a")
    assert person not in User.objects.holding(["expert"], service_code="b")


def test_an_unverified_organization_acts_for_nothing(test_service, tehran):
    ceo = make_user()
    organization = make_organization(owner=ceo, province=tehran, verified=False)
    with pytest.raises(ApplicationError):
        case_create(service=test_service, applicant=ceo, organization=organization)
    verified = make_organization(owner=ceo, province=tehran)
    case = case_create(service=test_service, applicant=ceo, organization=verified)
    colleague = make_user()

    Membership.objects.create(organization=verified, user=colleague, role="employee")
    assert access.applicant_side(case, colleague)
    type(verified).objects.filter(pk=verified.pk).update(claim_status="pending")
    assert not access.applicant_side(case, make_user_fresh(colleague))


def make_user_fresh(user):
    return User.objects.get(pk=user.pk)  # no cached organization ids
