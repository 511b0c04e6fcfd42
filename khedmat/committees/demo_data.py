"""Demo only: the three collective bodies of Tehran (SERVICES.md §1.2) with demo members and two
meeting rooms, so a secretary can schedule sessions. Real committees are entered by an administrator."""
from django.utils import timezone

from khedmat.accounts.models import RoleAssignment, User
from khedmat.accounts.roles import StaffRole
from khedmat.committees.models import Committee, CommitteeMember, Room
from khedmat.core.models import Province
from khedmat.core.validators import national_id_complete

PASSWORD = "khedmat-demo-1404"
# Two more members for the demo committees (first nine digits of the national ID, names, mobile).
EXTRA_MEMBERS = [("001000010", "بهرام", "نوری", "09120000010"), ("001000011", "لیلا", "صادقی", "09120000011")]

# kind, name, [(nine digits, role, voting, title)]
COMMITTEES = [
    ("accreditation_committee", "کمیته اعتبارسنجی مراکز و موسسات آموزشی", [
        ("001000004", "secretary", False, "کارشناس واحد اعتبارسنجی"),
        ("001000003", "chair", True, "مدیر مرکز آموزش و پژوهش"),
        ("001000005", "member", True, "عضو هیئت علمی"),
        ("001000010", "member", True, "نماینده دستگاه‌های اجرایی"),
        ("001000011", "member", True, "کارشناس آموزش"),
    ]),
    ("training_committee", "کمیته آموزشی", [
        ("001000004", "secretary", False, "کارشناس مرکز آموزش"),
        ("001000003", "chair", True, "مدیر مرکز آموزش و پژوهش"),
        ("001000005", "member", True, "عضو هیئت علمی"),
        ("001000011", "member", True, "کارشناس آموزش"),
    ]),
    ("steering_council", "شورای راهبری توسعه مدیریت استان تهران", [
        ("001000004", "secretary", False, "دبیر شورا"),
        ("001000007", "chair", True, "رئیس سازمان"),
        ("001000006", "member", True, "معاون توسعه مدیریت و سرمایه انسانی"),
        ("001000010", "member", True, "نماینده دستگاه‌های اجرایی"),
    ]),
]


def load(stdout=None) -> list[str]:
    tehran = Province.objects.get(code="tehran")
    lines = []
    for nine, first, last, mobile in EXTRA_MEMBERS:
        national_id = national_id_complete(nine)
        if not User.objects.filter(national_id=national_id).exists():
            user = User.objects.create_user(national_id, PASSWORD, first_name=first, last_name=last, mobile=mobile,
                                            mobile_verified_at=timezone.now(), province=tehran)
            RoleAssignment.objects.get_or_create(user=user, role=StaffRole.COMMITTEE_MEMBER)
        lines.append(f"{national_id} / {PASSWORD}   {first} {last} (عضو کمیته — تهران)")
    for kind, name, members in COMMITTEES:
        committee, _created = Committee.objects.get_or_create(province=tehran, kind=kind, defaults={"name": name})
        for nine, role, voting, title in members:
            user = User.objects.get(national_id=national_id_complete(nine))
            CommitteeMember.objects.get_or_create(committee=committee, user=user,
                                                  defaults={"role": role, "voting": voting, "title": title})
    for name, address in [("اتاق جلسات طبقه سوم", "ساختمان مرکزی، طبقه سوم"), ("سالن شورا", "ساختمان مرکزی، طبقه اول")]:
        Room.objects.get_or_create(province=tehran, name=name, defaults={"address": address, "capacity": 20})
    return lines
