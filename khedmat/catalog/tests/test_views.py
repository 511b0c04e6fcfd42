import datetime as dt
import re
from html import unescape
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from khedmat.catalog import selectors, services
from khedmat.catalog.models import Service, SlaCommitment, SlaStatement
from khedmat.core import jalali
from khedmat.testing import persian_number_problems

pytestmark = pytest.mark.django_db


def test_catalog_lists_the_five_services_in_persian(client):
    response = client.get("/services/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    for service in Service.objects.all():
        assert service.title in html


def test_service_page_shows_every_part_of_the_statement(client):
    response = client.get("/services/contractor_qualification/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("نعمت اله ترکی", "۱۰٬۵۰۰٬۰۰۰", "الف", "۱۳۸۱", "ضوابط و مقررات قانونی خدمت",
                 "سامانه ساجات در حال تکمیل"):
        assert text in html, text
    statement = response.context["statement"]
    assert statement.introduction[:40] in html
    assert statement.validity_text[:30] in html


def test_unknown_service_is_a_persian_404(client):
    response = client.get("/services/nope/")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()


def test_page_shows_version_in_force_and_history(client, administrator):
    service = Service.objects.get(code="institute_accreditation")
    draft = services.sla_amendment_draft(service=service, by=administrator)
    draft.purpose = "هدف اصلاح‌شده"
    draft.save()
    assert "هدف اصلاح‌شده" not in client.get(f"/services/{service.code}/").content.decode()
    assert client.get(f"/services/{service.code}/versions/2/").status_code == 404  # drafts are not public
    services.sla_amendment_publish(draft=draft, effective_from=dt.date(2025, 3, 21), note="اصلاح هدف", by=administrator)
    html = client.get(f"/services/{service.code}/").content.decode()
    assert "هدف اصلاح‌شده" in html and "اصلاح هدف" in html
    old = client.get(f"/services/{service.code}/versions/1/")
    assert old.status_code == 200 and old.context["statement"].version == 1


def test_every_public_service_page_shows_numbers_in_persian(client):
    """The SLA tables printed «۱E+۱ روز کاری», «۱E+۱–۲۵», «۱E+۲ درصد» (Decimal.normalize)."""
    assert SlaCommitment.objects.filter(target__isnull=False).exists()
    pages = ["/services/"] + [f"/services/{s.code}/" for s in Service.objects.all()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "E+" not in html, url
        assert persian_number_problems(html) == [], url
    html = client.get("/services/contractor_qualification/").content.decode()
    assert "۱۰–" in html or "۱۰ " in html


def test_a_termination_shows_its_notice_date_beside_the_end_date(client, administrator):
    """The public page showed the end date of a terminated agreement but not when notice was given."""
    service = Service.objects.get(code="contractor_qualification")
    statement = selectors.statement_in_force(service=service)
    today = timezone.localdate()
    services.sla_statement_terminate(
        statement=statement, notice_date=today - dt.timedelta(days=3), terminated_at=today + dt.timedelta(days=60),
        by=administrator,
    )
    end, notice = (jalali.format_date(d, "long") for d in (today + dt.timedelta(days=60), today - dt.timedelta(days=3)))
    html = client.get(f"/services/{service.code}/").content.decode()
    assert f"پایان توافق: {end}." in html and f"اعلام قبلی خاتمه در {notice} داده شده است." in html
    # Once ended, the page says so, with both dates.
    statement.refresh_from_db()
    statement.terminated_at = today
    statement.save(update_fields=["terminated_at"])
    html = client.get(f"/services/{service.code}/").content.decode()
    assert f"پایان توافق: {jalali.format_date(today, 'long')}." in html
    assert f"اعلام قبلی خاتمه در {notice} داده شده است." in html


def test_a_reference_without_subject_shows_it_as_written(client):
    html = client.get("/services/contractor_qualification/").content.decode()
    assert "بخشنامه ۱۳۰۴۳۹ مورخ ۲۴/۶/۹۴ و دستورالعمل های بعدی ابلاغ شده" in html


def _page_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def test_service_4_page_prints_the_consultant_regulation_number_as_published(client):
    """The page printed «۲۰۶۳۷/۲۰۶۳۷/۲۸۴۳۷» (seed line 242); the number is ۲۰۶۳۷/ت۲۸۴۳۷هـ (line 259)."""
    html = client.get("/services/contractor_qualification/").content.decode()
    text = _page_text(html)
    assert "۲۰۶۳۷/۲۰۶۳۷" not in text and "20637" not in text
    assert "آیین نامه شماره ۲۰۶۳۷/ت۲۸۴۳۷ه مورخ" in text  # the responsibility paragraph
    assert "پیمانکاران به شماره ۴۸۰۱۳/ت ۲۳۲۵۱ ه مورخ" in text  # spaced as published (seed lines 241, 257)
    # Every mixed reference is one run in the HTML itself, never split or forced left to right.
    for number in ("۲۰۶۳۷/ت۲۸۴۳۷ه", "۴۸۰۱۳/ت۲۳۲۵۱ه"):
        assert html.count(number) >= 1 and f'dir="ltr">{number}' not in html, number
    refs = {r.number for r in client.get("/services/contractor_qualification/").context["legal_references"]}
    assert {"20637/ت28437ه", "48013/ت23251ه"} <= refs


def test_the_garbled_regulation_number_is_corrected_in_stored_statements():
    migration = import_module("khedmat.catalog.migrations.0004_consultant_regulation_number")
    statement = SlaStatement.objects.get(service__code="contractor_qualification", version=1)
    SlaStatement.objects.filter(pk=statement.pk).update(
        responsibility=statement.responsibility.replace("20637/ت28437ه", "20637/20637/28437"))
    migration.correct(apps, None)
    statement.refresh_from_db()
    assert "20637/20637" not in statement.responsibility
    assert "آیین نامه شماره 20637/ت28437ه مورخ" in statement.responsibility


def test_the_public_page_says_an_assumed_target_is_the_organizations_own(client):
    """Issue 17 point 13: service 2's 10 working days are not in the seed (A9)."""
    assert SlaCommitment.objects.get(statement__service__code="institute_accreditation", statement__version=1,
                                     code="end_to_end_time").target_assumed
    assert not SlaCommitment.objects.filter(statement__service__code="contractor_qualification",
                                            target_assumed=True).exists()
    page = client.get("/services/institute_accreditation/").content.decode()
    assert "این هدف زمانی را خود سازمان تعیین کرده و قابل تغییر است" in page
    assert "این هدف زمانی را خود سازمان" not in client.get("/services/contractor_qualification/").content.decode()
