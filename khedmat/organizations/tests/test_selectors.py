import pytest
from django.db import connection

from khedmat.organizations.selectors import organizations_for_staff
from khedmat.testing import make_organization

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU collation is a PostgreSQL feature")
def test_staff_lists_sort_in_persian_order_on_postgresql(expert, applicant, tehran):
    for name in ("تهران ساز", "پارس", "آریا", "ثمین"):
        make_organization(owner=applicant, province=tehran, name=name)
    names = [o.name for o in organizations_for_staff(staff=expert)]
    assert names == ["آریا", "پارس", "تهران ساز", "ثمین"]
