import pytest
from django.urls import reverse

from khedmat.accounts.models import RoleAssignment, User
from khedmat.testing import login, next_national_id

pytestmark = pytest.mark.django_db


def test_admin_gives_a_role_in_one_service_only(client, administrator, tehran):
    login(client, administrator)
    national_id = next_national_id()
    response = client.post(reverse("admin:accounts_user_add"), {
        "national_id": national_id, "first_name": "سمیه", "last_name": "نوری", "mobile": "09127776655",
        "province": tehran.pk, "office": "", "is_active": "on", "roles": ["finance"],
        "service_roles": ["expert@contractor_qualification"], "password": "initial-pass-1404",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(national_id=national_id)
    assert set(RoleAssignment.objects.filter(user=user).values_list("role", "service_code")) == {
        ("finance", ""), ("expert", "contractor_qualification")}
    assert user.roles_for_service("institute_accreditation") == {"finance"}
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'value="expert@contractor_qualification"' in page and "checked" in page
