"""Demo organizations: a contractor company, a training institute and an executive agency."""
from khedmat.accounts.demo_data import demo_user
from khedmat.accounts.models import User
from khedmat.core.models import Province
from khedmat.core.validators import organization_id_complete
from khedmat.organizations.models import (
    ClaimMethod,
    ClaimStatus,
    MemberRole,
    Membership,
    Organization,
    OrganizationKind,
)

ORGANIZATIONS = [
    ("1032000001", OrganizationKind.COMPANY, "شرکت ساختمانی البرز کوه", "tehran", "002000001", MemberRole.CEO),
    ("1032000002", OrganizationKind.INSTITUTE, "موسسه آموزشی آینده سازان", "tehran", "002000002", MemberRole.CEO),
    ("1400120003", OrganizationKind.AGENCY, "اداره کل راه و شهرسازی استان تهران", "tehran", "002000002",
     MemberRole.REPRESENTATIVE),
    ("1032000004", OrganizationKind.COMPANY, "شرکت مهندسین مشاور زاینده رود", "isfahan", "002000001",
     MemberRole.REPRESENTATIVE),
]


def demo_organization(*, ten: str, kind: str, name: str, province: Province, member: User, role: str,
                      registration_number: str = "") -> Organization:
    """A demo organization (the first ten digits of its national ID) with `member` in `role`; made once. The
    demo's organizations are known: their claims stand (a new registration is checked)."""
    organization, _created = Organization.objects.get_or_create(
        national_id=organization_id_complete(ten),
        defaults={"kind": kind, "name": name, "registration_number": registration_number, "province": province,
                  "created_by": member, "claim_status": ClaimStatus.VERIFIED, "claim_method": ClaimMethod.STAFF},
    )
    Membership.objects.get_or_create(organization=organization, user=member,
                                     defaults={"role": role, "added_by": member})
    return organization


def load(stdout=None) -> list[str]:
    for ten, kind, name, province_code, person_nine, role in ORGANIZATIONS:
        demo_organization(ten=ten, kind=kind, name=name, province=Province.objects.get(code=province_code),
                          member=demo_user(person_nine), role=role)
    return []
