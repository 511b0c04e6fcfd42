"""Admin audit events carry the province whose log they belong to (or national): the object's, through
its relations, else the acting staff member's."""
import pytest

from khedmat.catalog.models import Service
from khedmat.core.audit import audit_province, audit_record, province_of
from khedmat.core.models import NATIONAL_STREAM
from khedmat.testing import make_organization, make_staff

pytestmark = pytest.mark.django_db


def test_the_province_is_found_through_the_objects_relations(applicant, isfahan, tehran):
    organization = make_organization(owner=applicant, province=isfahan)
    assert province_of(organization) == isfahan
    assert province_of(organization.memberships.get()) == isfahan  # through its organization
    staff = make_staff(province=tehran, roles=["expert"])
    assert province_of(staff) == tehran and province_of(applicant) is None


def test_an_object_of_no_province_takes_the_acting_staff_members_or_is_national(administrator, tehran):
    service = Service.objects.first()
    assert audit_province(administrator, service) == tehran
    by_staff = audit_record(actor=administrator, action="x", instance=service)
    by_nobody = audit_record(actor=None, action="y", instance=service)
    assert (by_staff.province, by_staff.stream) == (tehran, "tehran")
    assert (by_nobody.province, by_nobody.stream) == (None, NATIONAL_STREAM)


def test_the_objects_province_wins_over_the_actors(administrator, isfahan):
    organization = make_organization(owner=administrator, province=isfahan)
    assert audit_record(actor=administrator, action="z", instance=organization).province == isfahan
