"""Demo people: one staff member per role in Tehran, one in Isfahan, and an applicant.

Roles are held per service where the work is per service (docs/adr/0011-per-service-roles.md): the expert
and the unit head work in services 2 and 4, the committee secretary and member in service 2, the Isfahan
expert in service 4; the administrator, deputy, head and finance hold their roles for every service."""
from django.utils import timezone

from khedmat.accounts.models import RoleAssignment, User
from khedmat.accounts.roles import StaffRole
from khedmat.core.models import Office, Province
from khedmat.core.validators import national_id_complete

DEMO_PASSWORD = "khedmat-demo-1404"

# Service (process) codes, written out: accounts imports no service app.
SERVICE_2 = "institute_accreditation"
SERVICE_4 = "contractor_qualification"

# (first nine digits of the national ID, first name, last name, mobile, roles, province code); a role is
# a (role, service code) pair, "" for every service.
PEOPLE = [
    ("001000001", "مریم", "احمدی", "09120000001", [(StaffRole.ADMINISTRATOR, "")], "tehran"),
    ("001000002", "علی", "رضایی", "09120000002", [(StaffRole.EXPERT, SERVICE_2), (StaffRole.EXPERT, SERVICE_4)],
     "tehran"),
    ("001000003", "زهرا", "کریمی", "09120000003", [(StaffRole.UNIT_HEAD, SERVICE_2), (StaffRole.UNIT_HEAD, SERVICE_4)],
     "tehran"),
    ("001000004", "حسین", "محمدی", "09120000004", [(StaffRole.COMMITTEE_SECRETARY, SERVICE_2)], "tehran"),
    ("001000005", "فاطمه", "حسینی", "09120000005", [(StaffRole.COMMITTEE_MEMBER, SERVICE_2)], "tehran"),
    ("001000006", "رضا", "موسوی", "09120000006", [(StaffRole.DEPUTY, "")], "tehran"),
    ("001000007", "نعمت اله", "ترکی", "09120000007", [(StaffRole.HEAD, "")], "tehran"),
    ("001000008", "سارا", "جعفری", "09120000008", [(StaffRole.FINANCE, "")], "tehran"),
    ("001000009", "مهدی", "اصفهانی", "09130000009", [(StaffRole.EXPERT, SERVICE_4)], "isfahan"),
    ("002000001", "نرگس", "شریفی", "09121111111", [], None),
    ("002000002", "امیر", "کاظمی", "09122222222", [], None),
]


def demo_user(nine: str) -> User:
    """The demo person whose national ID starts with these nine digits (loaded by `load` below, first)."""
    user = User.objects.filter(national_id=national_id_complete(nine)).first()
    if user is None:
        raise RuntimeError(f"Demo user {national_id_complete(nine)} is missing: load accounts/demo_data.py first.")
    return user


def load(stdout=None) -> list[str]:
    lines = []
    for nine, first, last, mobile, roles, province_code in PEOPLE:
        national_id = national_id_complete(nine)
        province = Province.objects.get(code=province_code) if province_code else None
        office = Office.objects.filter(province=province, is_headquarters=True).first() if province else None
        user = User.objects.filter(national_id=national_id).first()
        if user is None:
            user = User.objects.create_user(
                national_id, DEMO_PASSWORD, first_name=first, last_name=last, mobile=mobile,
                mobile_verified_at=timezone.now(), province=province, office=office,
                is_staff=any(role == StaffRole.ADMINISTRATOR for role, _service in roles),
            )
        for role, service_code in roles:
            RoleAssignment.objects.get_or_create(user=user, role=role, service_code=service_code)
        label = "، ".join(dict.fromkeys(str(StaffRole(r).label) for r, _s in roles)) or "متقاضی"
        where = f" — {province.name}" if province else ""
        lines.append(f"{national_id} / {DEMO_PASSWORD}   {first} {last} ({label}{where})")
    lines.append("Staff log in with a second step: the SMS code appears in this console and at /dev/outbox/.")
    return lines
