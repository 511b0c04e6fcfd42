import threading

import pytest
from django.db import connection

from khedmat.core.exceptions import ApplicationError
from khedmat.organizations import services
from khedmat.organizations.models import Membership, Organization
from khedmat.testing import make_user, next_organization_id

pytestmark = pytest.mark.django_db


def register(by, tehran, **kwargs):
    data = {"kind": "company", "national_id": next_organization_id(), "name": "شرکت نمونه", "province": tehran,
            "role": "ceo"}
    data.update(kwargs)
    return services.organization_register(by=by, **data)


def test_registering_makes_the_person_act_for_the_organization(applicant, tehran):
    organization = register(applicant, tehran)
    membership = Membership.objects.get(organization=organization, user=applicant)
    assert membership.role == "ceo" and membership.can_manage


def test_an_organization_registers_only_once(applicant, other_applicant, tehran):
    organization = register(applicant, tehran)
    with pytest.raises(ApplicationError) as error:
        register(other_applicant, tehran, national_id=organization.national_id)
    assert error.value.code == "organization_exists"
    assert not Membership.objects.filter(user=other_applicant).exists()


def test_only_a_ceo_or_representative_may_register(applicant, tehran):
    with pytest.raises(ApplicationError):
        register(applicant, tehran, role="employee")
    assert not Organization.objects.filter(created_by=applicant).exists()


def test_several_people_act_for_one_organization_with_different_roles(company, applicant, other_applicant):
    services.membership_add(organization=company, by=applicant, national_id=other_applicant.national_id,
                            role="employee")
    roles = dict(Membership.objects.filter(organization=company).values_list("user_id", "role"))
    assert roles == {applicant.pk: "ceo", other_applicant.pk: "employee"}


def test_an_employee_cannot_add_people(company, applicant, other_applicant):
    services.membership_add(organization=company, by=applicant, national_id=other_applicant.national_id,
                            role="employee")
    third = make_user()
    with pytest.raises(ApplicationError) as error:
        services.membership_add(organization=company, by=other_applicant, national_id=third.national_id, role="ceo")
    assert error.value.code == "not_manager"


def test_adding_needs_an_existing_account_and_no_duplicates(company, applicant):
    with pytest.raises(ApplicationError) as error:
        services.membership_add(organization=company, by=applicant, national_id="0010000011", role="employee")
    assert error.value.code == "no_account"
    with pytest.raises(ApplicationError) as error:
        services.membership_add(organization=company, by=applicant, national_id=applicant.national_id, role="employee")
    assert error.value.code == "already_member"


def test_the_last_manager_cannot_be_removed(company, applicant):
    membership = Membership.objects.get(organization=company, user=applicant)
    with pytest.raises(ApplicationError) as error:
        services.membership_remove(organization=company, by=applicant, membership_id=membership.pk)
    assert error.value.code == "last_manager"
    assert Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_people_claiming_a_rejected_organization_at_once_leave_one_claimant(tehran, expert):
    squatter = make_user()
    organization = services.organization_register(by=squatter, kind="company", national_id=next_organization_id(),
                                                  name="شرکت مورد ادعا", province=tehran, role="ceo")
    services.claim_reject(organization=organization, by=expert, note="امضاکننده نیست")
    people = [make_user() for _ in range(20)]
    barrier = threading.Barrier(20)
    results = []

    def claim(person):
        try:
            barrier.wait(timeout=10)
            services.organization_register(by=person, kind="company", national_id=organization.national_id,
                                           name="شرکت مورد ادعا", province=tehran, role="ceo")
            results.append("claimed")
        except ApplicationError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["claimed"] + ["organization_exists"] * 19
    organization.refresh_from_db()
    assert organization.claim_status == "pending"
    assert Membership.objects.filter(organization=organization).count() == 1
    assert Organization.objects.filter(national_id=organization.national_id).count() == 1
