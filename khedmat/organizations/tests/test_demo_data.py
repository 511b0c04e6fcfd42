"""The demo organization every demo loader makes (organizations, services 2 and 4): one home."""
import pytest

from khedmat.accounts.demo_data import demo_user
from khedmat.organizations.demo_data import demo_organization
from khedmat.organizations.models import ClaimStatus, MemberRole, Membership, Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def test_a_demo_organization_is_made_once_with_its_member_and_a_standing_claim(tehran, applicant):
    nine = applicant.national_id[:9]
    kwargs = {"ten": "1032000999", "kind": OrganizationKind.COMPANY, "name": "شرکت نمایشی", "province": tehran,
              "member": demo_user(nine), "role": MemberRole.REPRESENTATIVE, "registration_number": "۱۲۳۴"}
    first, again = demo_organization(**kwargs), demo_organization(**kwargs)
    assert first == again and Organization.objects.filter(pk=first.pk).count() == 1
    assert (first.claim_status, first.registration_number, first.province) == (ClaimStatus.VERIFIED, "1234", tehran)
    assert Membership.objects.get(organization=first).role == MemberRole.REPRESENTATIVE


def test_a_missing_demo_person_says_which_loader_comes_first(db):
    with pytest.raises(RuntimeError, match="accounts/demo_data.py"):
        demo_user("009999999")
