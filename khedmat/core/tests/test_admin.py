"""Every admin page opens in Persian for an administrator, and edits are audited."""
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from khedmat.accounts.models import User
from khedmat.catalog import services
from khedmat.catalog.models import Service, SlaStatement
from khedmat.core.audit import audit_record
from khedmat.core.models import AuditAction, AuditEvent
from khedmat.testing import login, make_staff, next_national_id
from khedmat.workcalendar.models import Closure

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(tehran):
    return make_staff(province=tehran, roles=["administrator"], is_staff=True, is_superuser=True)


def test_every_registered_model_has_working_list_and_add_pages(client, superuser):
    login(client, superuser)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:%s_%s_changelist" % info))
        assert response.status_code == 200, info
        assert 'dir="rtl"' in response.content.decode()
        if model_admin.has_add_permission(response.wsgi_request):
            assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 200, info


def test_closure_entered_in_the_admin_with_a_jalali_date_is_audited(client, administrator, tehran):
    login(client, administrator)
    response = client.post(reverse("admin:workcalendar_closure_add"), {
        "province": tehran.pk, "office": "", "start_date": "۱۴۰۵/۰۹/۲۳", "end_date": "1405/09/23",
        "kind": "pollution", "description": "آلودگي هوا",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    closure = Closure.objects.get()
    assert closure.start_date == dt.date(2026, 12, 14) and closure.description == "آلودگی هوا"
    assert closure.created_by == administrator
    event = AuditEvent.objects.get(action="admin_add", object_type="workcalendar.closure")
    assert event.actor == administrator and event.after["description"] == "آلودگی هوا"


def test_bad_admin_input_is_explained_in_persian_and_saves_nothing(client, administrator, tehran):
    login(client, administrator)
    response = client.post(reverse("admin:workcalendar_closure_add"), {
        "province": tehran.pk, "start_date": "1405/09/25", "end_date": "1405/09/20", "kind": "pollution",
        "description": "x",
    })
    assert response.status_code == 200
    assert "تاریخ پایان" in response.content.decode()
    assert not Closure.objects.exists()


def test_provincial_administrator_cannot_touch_another_provinces_closure(client, administrator, isfahan):
    closure = Closure.objects.create(province=isfahan, start_date=dt.date(2026, 12, 14), end_date=dt.date(2026, 12, 14),
                                     kind="heat", description="تعطیلی ویژه اصفهان")
    login(client, administrator)
    assert client.get(reverse("admin:workcalendar_closure_change", args=[closure.pk])).status_code == 302
    assert closure.description not in client.get(reverse("admin:workcalendar_closure_changelist")).content.decode()


def test_admin_creates_a_staff_member_with_roles_and_province(client, administrator, tehran):
    login(client, administrator)
    national_id = next_national_id()
    response = client.post(reverse("admin:accounts_user_add"), {
        "national_id": national_id, "first_name": "سمیه", "last_name": "نوری", "mobile": "09127776655",
        "province": tehran.pk, "office": "", "is_active": "on", "roles": ["expert", "committee_member"],
        "password": "initial-pass-1404",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(national_id=national_id)
    assert user.role_set == {"expert", "committee_member"} and user.province == tehran
    assert user.check_password("initial-pass-1404")


def test_admin_refuses_a_staff_member_without_province(client, administrator):
    login(client, administrator)
    national_id = next_national_id()
    response = client.post(reverse("admin:accounts_user_add"), {
        "national_id": national_id, "first_name": "a", "last_name": "b", "mobile": "09127776655",
        "province": "", "is_active": "on", "roles": ["expert"], "password": "initial-pass-1404",
    })
    assert response.status_code == 200 and "استان" in response.content.decode()
    assert not User.objects.filter(national_id=national_id).exists()


def test_amendment_published_through_the_admin(client, administrator):
    service = Service.objects.get(code="employee_training")
    draft = services.sla_amendment_draft(service=service, by=administrator)
    login(client, administrator)
    url = reverse("admin:catalog_slastatement_publish", args=[draft.pk])
    bad = client.post(url, {"effective_from": "1405/13/01", "note": "x"})
    assert bad.status_code == 200 and not SlaStatement.objects.get(pk=draft.pk).is_published
    response = client.post(url, {"effective_from": "۱۴۰۶/۰۱/۰۱", "note": "تغییر تقویم آموزشی"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.effective_from == dt.date(2027, 3, 21)
    # Published versions are read-only in the admin.
    change = client.get(reverse("admin:catalog_slastatement_change", args=[draft.pk]))
    assert change.status_code == 200 and 'name="purpose"' not in change.content.decode()


def test_the_tehran_administrator_reads_tehrans_and_the_national_audit_log(client, administrator, tehran, isfahan):
    login(client, administrator)
    response = client.post(reverse("admin:workcalendar_closure_add"), {
        "province": tehran.pk, "office": "", "start_date": "1405/09/23", "end_date": "1405/09/23",
        "kind": "pollution", "description": "تعطیلی تهران",
    })
    assert response.status_code == 302
    isfahan_closure = Closure.objects.create(province=isfahan, start_date=dt.date(2026, 12, 14),
                                             end_date=dt.date(2026, 12, 14), kind="heat", description="اصفهان")
    audit_record(actor=make_staff(province=isfahan, roles=["administrator"], is_staff=True), action="admin_change",
                 instance=isfahan_closure)
    audit_record(actor=None, action="sla_published", instance=Service.objects.first())
    assert AuditEvent.objects.get(object_type="workcalendar.closure", action="admin_add").province == tehran

    page = client.get(reverse("admin:core_auditevent_changelist"))
    assert page.status_code == 200
    listed = {(e.object_type, e.province_id) for e in page.context["cl"].result_list}
    assert listed == {("workcalendar.closure", tehran.pk), ("catalog.service", None)}
    html = page.content.decode()
    assert "ملی" in html and "تهران" in html  # the province column, and the filter
    national_only = client.get(reverse("admin:core_auditevent_changelist"), {"province": "national"})
    assert {e.province_id for e in national_only.context["cl"].result_list} == {None}


def test_the_audit_log_names_acts_and_objects_in_persian(client, superuser):
    """Every action code the code records is an AuditAction with a Persian label; the log shows labels."""
    used = set()
    for path in (Path(settings.BASE_DIR) / "khedmat").rglob("*.py"):
        if "tests" not in path.parts:
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r'\baction="(\w+)"', text)) | set(re.findall(r'else "(admin_\w+)"', text))
    used -= {"store_true", "store_false", "append", "count"}  # argparse's, in management commands
    assert {"admin_add", "admin_change", "document_issued", "sla_terminated"} <= used
    assert used <= set(AuditAction.values), used - set(AuditAction.values)

    audit_record(actor=superuser, action="document_revoked", instance=Service.objects.first())
    login(client, superuser)
    html = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "سند ابطال شد" in html and "document_revoked" not in html.replace('action__exact=document_revoked', "")
    assert ">خدمت<" in html and "catalog.service" not in html.replace("=catalog.service", "")
