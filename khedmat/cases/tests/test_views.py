import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from khedmat.cases import services
from khedmat.cases.models import Case, Document, DocumentVersion, EventType
from khedmat.cases.services import UPLOAD_MESSAGES
from khedmat.cases.tracking import tracking_display
from khedmat.catalog.models import SlaCommitment
from khedmat.core.text import to_persian_digits
from khedmat.testing import login, make_organization, make_staff, make_user
from khedmat.testing_fixtures.cases import PDF
from khedmat.workcalendar.selectors import calendar_for

pytestmark = pytest.mark.django_db


def url(case, name=""):
    return f"/cases/{case.public_id}/{name + '/' if name else ''}"


def test_applicant_journey_through_the_pages(client, test_service, applicant, django_capture_on_commit_callbacks):
    login(client, applicant)
    response = client.post("/cases/new/", {"service": test_service.code, "on_behalf": "self"})
    case = Case.objects.get(applicant=applicant)
    assert response["Location"] == url(case)
    client.post(url(case, "edit"), {"version": case.version, "case-subject": "درخواست مجوز", "case-description": ""})
    case.refresh_from_db()
    assert case.data["subject"] == "درخواست مجوز"
    for code in ("id_card", "letter"):
        client.post(url(case, f"documents/{code}/upload"), {"file": _pdf("کارت ملی.pdf")})
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(case, "submit"), {"version": case.version})
    assert response["Location"] == url(case, "receipt")
    html = client.get(url(case, "receipt")).content.decode()
    case.refresh_from_db()
    assert case.tracking_number and "۹-" in html
    dashboard = client.get("/cases/").content.decode()
    assert "در حال بررسی" in dashboard


def _pdf(name="doc.pdf", content=PDF):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200, "برنامهٔ ویندوز"),
        ("run.pdf", b"\x7fELF" + b"\x00" * 200, "برنامهٔ لینوکس"),
        ("photo.jpg", PDF, "extension_mismatch"),
        ("big.pdf", PDF[:-7] + b" " * (10 * 1024 * 1024) + b"\n%%EOF\n", "حداکثر ۱۰ مگابایت"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "any"),
        ("empty.pdf", b"", "django_empty"),
        ("../../etc/passwd.pdf", PDF, None),
    ],
)
def test_upload_rejections_are_explained_and_store_nothing(client, draft, applicant, name, content, reason):

    login(client, applicant)
    response = client.post(url(draft, "documents/id_card/upload"), {"file": _pdf(name, content)}, follow=True)
    html = response.content.decode()
    if reason is None:  # a path trick in the name is harmless: the file is stored under a random name
        version = DocumentVersion.objects.get(document__case=draft)
        assert "/" not in version.original_name and ".." not in version.file.name
        assert version.file.name.startswith("documents/")
        return
    assert not DocumentVersion.objects.filter(document__case=draft).exists()
    assert 'class="messages"' in html and 'class="error"' in html
    if reason == "django_empty":
        assert "خالی" in html
    elif reason in UPLOAD_MESSAGES:
        assert escape(str(UPLOAD_MESSAGES[reason])) in html
    elif reason != "any":
        assert escape(reason) in html


ACTIVE_PDF = (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\nendobj\n"
              b"2 0 obj\n<< /S /J#61vaScript /JS (app.launchURL('http://evil.example/')) >>\nendobj\n"
              b"% <iframe src='http://evil.example/'></iframe>\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def test_a_file_with_active_content_changes_nothing_and_says_what_was_found(client, draft, applicant):

    login(client, applicant)
    client.post(url(draft, "documents/id_card/upload"), {"file": _pdf("کارت ملی.pdf")})
    document = Document.objects.get(case=draft)
    draft.refresh_from_db()
    before = (draft.version, list(draft.events.values_list("pk", flat=True)), document.current_id)
    response = client.post(url(draft, "documents/id_card/upload"), {"file": _pdf("نامه.pdf", ACTIVE_PDF)}, follow=True)
    html = response.content.decode()
    assert 'class="error"' in html and "محتوای فعال" in html
    for found in ("/OpenAction", "/JavaScript", "/JS", "&lt;iframe", "جاوااسکریپت"):
        assert found in html, found
    assert escape("The file") not in html
    document.refresh_from_db()
    draft.refresh_from_db()
    assert (draft.version, list(draft.events.values_list("pk", flat=True)), document.current_id) == before
    assert DocumentVersion.objects.filter(document__case=draft).count() == 1


def test_a_document_is_downloadable_only_by_those_who_see_the_case(client, submitted, applicant, other_applicant,
                                                                   expert, isfahan):
    version = DocumentVersion.objects.filter(document__case=submitted).first()
    path = url(submitted, f"documents/versions/{version.pk}")
    login(client, applicant)
    response = client.get(path)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.logout()
    login(client, expert)
    assert client.get(path).status_code == 200
    for stranger in (other_applicant, make_staff(province=isfahan, roles=["expert"])):
        client.logout()
        login(client, stranger)
        assert client.get(path).status_code == 404


def test_staff_queue_shows_province_cases_for_the_role_with_sla(client, submitted, expert, unit_head):
    login(client, expert)
    html = client.get("/staff/cases/queue/").content.decode()
    assert submitted.applicant.get_full_name() in html and "۵" in html
    client.logout()
    login(client, unit_head)
    html = client.get("/staff/cases/queue/").content.decode()
    assert submitted.applicant.get_full_name() not in html
    assert submitted.applicant.get_full_name() in client.get("/staff/cases/queue/", {"scope": "all"}).content.decode()


@pytest.mark.parametrize("query", ["كريمي", "کریمی", "KEY", "NID", "ORG"])
def test_search_matches_letter_and_digit_variants(client, test_service, expert, tehran, query, upload,
                                                  django_capture_on_commit_callbacks):
    person = make_user(first_name="علی", last_name="کریمی")
    organization = make_organization(owner=person, province=tehran, name="شرکت نمونه")
    case = services.case_create(service=test_service, applicant=person, organization=organization)
    case = services.case_data_update(case=case, data={"subject": "x"}, title="x", by=person,
                                     expected_version=case.version)
    upload(case, "id_card", person)
    upload(case, "letter", person)
    case.refresh_from_db()
    case = services.case_submit(case=case, by=person, expected_version=case.version)
    fa = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    q = {"KEY": case.tracking_number.translate(fa), "NID": organization.national_id.translate(fa),
         "ORG": "شركت نمونه"}.get(query, query)
    login(client, expert)
    html = client.get("/staff/cases/queue/", {"q": q}).content.decode()
    assert "علی کریمی" in html


def test_queue_filters_by_sla_status(client, submitted, expert):


    number = tracking_display(submitted.tracking_number)
    login(client, expert)
    assert number in client.get("/staff/cases/queue/", {"sla": "on_track"}).content.decode()
    assert number not in client.get("/staff/cases/queue/", {"sla": "breached"}).content.decode()
    case = Case.objects.get(pk=submitted.pk)
    with time_machine.travel(case.sla_deadline + dt.timedelta(hours=1), tick=False):
        login(client, expert)  # the session of "now" has expired by then
        breached = client.get("/staff/cases/queue/", {"sla": "breached"}).content.decode()
        on_track = client.get("/staff/cases/queue/", {"sla": "on_track"}).content.decode()
    assert number in breached and number not in on_track


def test_bad_queue_filters_do_not_break_the_page(client, expert):
    login(client, expert)
    response = client.get("/staff/cases/queue/",
                          {"date_from": "1404/13/50", "sla": "nonsense", "sort": "x", "page": "abc"})
    assert response.status_code == 200


def test_a_bad_date_in_the_queue_filter_shows_a_persian_error_and_keeps_the_other_filters(client, submitted, expert):
    """Issue 17 point 9: ?date_from=abc is not ignored silently."""
    login(client, expert)
    html = client.get("/staff/cases/queue/", {"date_from": "abc", "q": "ناموجود"}).content.decode()
    assert "error-summary" in html and "یک تاریخ شمسی مانند" in html
    assert 'aria-invalid="true"' in html or "has-error" in html
    assert submitted.applicant.get_full_name() not in html  # the search still filters


def test_transition_from_the_page_and_a_stale_second_click(client, submitted, expert):
    login(client, expert)
    version = submitted.version
    response = client.post(url(submitted, "transition"), {"version": version, "transition": "recommend", "comment": ""},
                           follow=True)
    assert Case.objects.get(pk=submitted.pk).state == "awaiting_approval"
    response = client.post(url(submitted, "transition"), {"version": version, "transition": "reject", "comment": "x"},
                           follow=True)
    assert "کس دیگری" in response.content.decode() or "تغییر" in response.content.decode()
    assert Case.objects.get(pk=submitted.pk).state == "awaiting_approval"


def test_deficiency_notice_page_and_applicant_answer(client, submitted, expert, applicant,
                                                     django_capture_on_commit_callbacks):
    login(client, expert)
    form = {"version": submitted.version, "summary": "لطفاً اصلاح کنید", "form-TOTAL_FORMS": "4",
            "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "30",
            "form-0-document_code": "letter", "form-0-text": "نامه امضا ندارد",
            "form-0-guidance": "نامه امضاشده بارگذاری شود"}
    bad = client.post(url(submitted, "deficiency"), {**form, "form-1-text": "بدون راهنما"})
    assert bad.status_code == 200 and Case.objects.get(pk=submitted.pk).state == "under_review"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(submitted, "deficiency"), form)
    assert Case.objects.get(pk=submitted.pk).state == "deficiencies_notified"
    again = client.post(url(submitted, "deficiency"), form).content.decode()  # issue 17 point 9: a double post
    assert "پیش‌تر برای متقاضی فرستاده شده" in again and submitted.deficiency_notices.count() == 1
    client.logout()
    login(client, applicant)
    page = client.get(url(submitted)).content.decode()
    assert "نامه امضا ندارد" in page and "نامه امضاشده بارگذاری شود" in page
    case = Case.objects.get(pk=submitted.pk)
    item = case.deficiency_notices.get().items.get()
    client.post(url(case, "resubmit"), {"version": case.version, f"answer-{item.pk}": "ارسال شد"})
    assert Case.objects.get(pk=submitted.pk).state == "under_review"


def test_process_diagram_page(client, test_service, expert):
    login(client, expert)
    html = client.get(f"/staff/cases/processes/{test_service.code}/").content.decode()
    assert "<svg" in html and "در حال بررسی" in html
    assert "خدمت آزمایشی" in html and test_service.code not in html.replace(f"/processes/{test_service.code}/", "")
    listing = client.get("/staff/cases/processes/").content.decode()
    assert ">خدمت آزمایشی</a>" in listing and f">{test_service.code}<" not in listing
    assert client.get("/staff/cases/processes/nope/").status_code == 404


def test_notes_stay_internal(client, submitted, expert, applicant):
    login(client, expert)
    client.post(url(submitted, "note"), {"text": "سابقه متقاضی بررسی شود"})
    client.post(url(submitted, "message"), {"text": "مدارک رسید"})
    assert "سابقه متقاضی" in client.get(url(submitted)).content.decode()
    client.logout()
    login(client, applicant)
    html = client.get(url(submitted)).content.decode()
    assert "سابقه متقاضی" not in html and "مدارک رسید" in html
    assert submitted.events.filter(event_type=EventType.NOTE).count() == 1


@pytest.mark.parametrize("assignee", ["99999999999999999999999999", "abc", "-1", ""])
def test_assigning_to_an_id_that_cannot_exist_is_a_persian_refusal(client, submitted, unit_head, assignee):
    login(client, unit_head)
    response = client.post(url(submitted, "assign"), {"assignee": assignee, "version": submitted.version}, follow=True)
    assert response.status_code == 200 and "یکی از کارکنان را انتخاب کنید" in response.content.decode()
    assert Case.objects.get(pk=submitted.pk).assigned_to_id is None


@pytest.mark.parametrize("version", ["99999999999999999999999999", "0"])
def test_a_transition_with_a_version_out_of_range_is_refused_not_a_500(client, submitted, expert, version):
    login(client, expert)
    response = client.post(url(submitted, "transition"), {"version": version, "transition": "recommend", "comment": ""},
                           follow=True)
    assert response.status_code == 200 and Case.objects.get(pk=submitted.pk).state == submitted.state


def test_a_document_version_id_out_of_range_is_not_found(client, submitted, applicant):
    login(client, applicant)
    assert client.get(f"/cases/{submitted.public_id}/documents/versions/99999999999999999999999999/").status_code == 404


def test_a_document_download_is_not_stored_by_the_browser_or_a_proxy(client, draft, applicant, upload):
    version = upload(draft, "id_card", applicant)
    login(client, applicant)
    response = client.get(url(draft, f"documents/versions/{version.pk}"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_overdue_case_says_how_many_working_days_late_it_is(client, submitted, expert):
    """Not «۳۱ از ۱۰ روز کاری»: «۶ روز کاری از موعد گذشته», counted on the province's working-day calendar."""


    case = Case.objects.get(pk=submitted.pk)
    calendar = calendar_for(province=case.province_id, office=case.office_id)
    later = calendar.add_working_days(case.sla_deadline, 6) + dt.timedelta(hours=10)
    late = calendar.count_working_days(case.sla_deadline, later)
    with time_machine.travel(later, tick=False):
        login(client, expert)
        html = client.get("/staff/cases/queue/").content.decode()
    assert late == 6 or late == 7
    # Whether the day of `later` itself counts depends on the hour the case was filed (Tehran midnight
    # shifts it by one): the page says one of the two, in working days, never «… از ۱۰».
    assert any(f"{to_persian_digits(str(n))} روز کاری از موعد گذشته" in html for n in (late, late + 1)), html
    assert f"از {to_persian_digits(str(case.sla_target_days))} روز کاری" not in html


def test_queue_filters_fold_into_one_line(client, submitted, expert):
    login(client, expert)
    html = client.get("/staff/cases/queue/").content.decode()
    assert '<details class="more-filters">' in html  # folded when no filter is in use
    assert 'name="q"' in html.split('class="filter-line"', 1)[1].split("<details", 1)[0]
    assert 'name="sla"' in html.split("<details", 1)[1]
    html = client.get("/staff/cases/queue/", {"sla": "breached", "sort": "deadline"}).content.decode()
    assert '<details class="more-filters" open>' in html  # a filter in use shows itself
    assert "(۱ فیلتر فعال)" in html  # the default sort does not count


def test_reject_asks_for_a_reason_then_a_confirmation_and_stands_apart(client, submitted, expert):
    """Issue 16 point 10: "reject" is not beside the way forward, and it is never one click."""
    login(client, expert)
    page = client.get(url(submitted, "")).content.decode()
    actions = page[page.index('id="actions"'):]
    assert actions.index('value="recommend"') < actions.index('class="danger-zone"') < actions.index('value="reject"')
    # Without a reason: refused, nothing changes.
    response = client.post(url(submitted, "transition"),
                           {"version": submitted.version, "transition": "reject", "comment": ""}, follow=True)
    assert "دلیل" in response.content.decode() and Case.objects.get(pk=submitted.pk).state == submitted.state
    # With a reason: a confirmation page, still nothing changes.
    response = client.post(url(submitted, "transition"), {"version": submitted.version, "transition": "reject",
                                                         "comment": "مدارک جعلی است"})
    body = response.content.decode()
    assert response.status_code == 200 and 'name="confirmed" value="yes"' in body and "مدارک جعلی است" in body
    assert "csrfmiddlewaretoken" in body and f'name="version" value="{submitted.version}"' in body
    assert Case.objects.get(pk=submitted.pk).state == submitted.state
    # The second, explicit submit rejects.
    client.post(url(submitted, "transition"), {"version": submitted.version, "transition": "reject",
                                               "comment": "مدارک جعلی است", "confirmed": "yes"})
    assert Case.objects.get(pk=submitted.pk).state == "rejected"
    assert client.get(url(submitted, "transition")).status_code == 405  # POST only


def test_check_your_answers_lists_everything_and_change_links_come_back(client, ready_draft, applicant,
                                                                         django_capture_on_commit_callbacks):
    """Issue 16 point 11: the GOV.UK "check your answers" page, with the submit button, before submission."""
    case = ready_draft
    login(client, applicant)
    detail = client.get(url(case)).content.decode()
    assert f'href="{url(case, "check")}"' in detail and f'action="{url(case, "submit")}"' not in detail
    page = client.get(url(case, "check")).content.decode()
    assert "موضوع" in page and "درخواست آزمایشی" in page  # the answer
    assert "تصویر کارت ملی" in page and "doc.pdf" in page  # the document and its file
    change = f'{url(case)}?next=%2Fcases%2F{case.public_id}%2Fcheck%2F#form-title'
    assert change in page and f'action="{url(case, "submit")}"' in page
    # The change link opens the case page with the way back; saving there returns to the check page.
    detail = client.get(f"{url(case)}?next={url(case, 'check')}").content.decode()
    assert f'name="next" value="{url(case, "check")}"' in detail
    response = client.post(url(case, "edit"), {"version": case.version, "case-subject": "موضوع تازه",
                                               "next": url(case, "check")})
    assert response["Location"] == url(case, "check")
    assert "موضوع تازه" in client.get(url(case, "check")).content.decode()
    case.refresh_from_db()
    # Another site is never a way back.
    for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(url(case, "edit"), {"version": case.version, "case-subject": "موضوع تازه", "next": evil})
        assert response["Location"] == url(case), evil
        case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(case, "submit"), {"version": case.version})
    assert response["Location"] == url(case, "receipt")
    assert client.get(url(case, "check"))["Location"] == url(case)  # nothing to check once submitted


def test_check_page_shows_what_is_missing_and_a_refused_submit_comes_back_to_it(client, draft, applicant):
    login(client, applicant)
    page = client.get(url(draft, "check")).content.decode()
    assert "پاسخ داده نشده" in page and "بارگذاری نشده" in page
    response = client.post(url(draft, "submit"), {"version": draft.version})
    assert response["Location"] == url(draft, "check")


def test_only_the_applicant_checks_the_answers(client, ready_draft, other_applicant):
    login(client, other_applicant)
    assert client.get(url(ready_draft, "check")).status_code == 404


def test_the_dashboard_shows_the_cases_of_whom_one_acts_for(client, test_service, applicant, tehran):
    """Issue 17 point 8: switching the organization changes `/cases/`, not only the banner, and says so."""
    organization = make_organization(owner=applicant, province=tehran, name="شرکت نمونه سازان")
    colleague = make_user()
    personal = Case.objects.create(service=test_service, process_version=1, province=tehran, applicant=applicant,
                                   state="under_review", tracking_number="T88000001")
    for_company = Case.objects.create(service=test_service, process_version=1, province=tehran, applicant=colleague,
                                      organization=organization, state="under_review", tracking_number="T88000002")
    login(client, applicant)
    own = client.get("/cases/").content.decode()
    assert str(personal.public_id) in own and str(for_company.public_id) not in own
    assert "پرونده‌های شخصی شما" in own
    client.post(reverse("organizations:act-as"), {"organization": organization.pk})
    acting = client.get("/cases/").content.decode()
    assert str(for_company.public_id) in acting and str(personal.public_id) not in acting
    assert "پرونده‌های شرکت نمونه سازان، سازمانی که از طرف آن اقدام می‌کنید" in acting
    client.post(reverse("organizations:act-as"), {"organization": ""})
    assert str(personal.public_id) in client.get("/cases/").content.decode()


NOTE = "این هدف زمانی را خود سازمان تعیین کرده و قابل تغییر است؛ تعهدی از توافقنامه سطح خدمت منتشرشده نیست."


def test_a_target_the_statement_does_not_set_is_not_shown_as_a_legal_deadline(
        client, ready_draft, applicant, django_capture_on_commit_callbacks):
    """Issue 17 point 13: the receipt and the case page say an assumed target is the organization's own."""
    case = ready_draft
    login(client, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(case, "submit"), {"version": case.version})
    case.refresh_from_db()
    receipt = client.get(url(case, "receipt")).content.decode()
    assert "مهلت پاسخ" in receipt and NOTE not in receipt  # a target of the statement is a commitment
    commitment = SlaCommitment.objects.get(statement=case.sla_statement, code="decision_time")
    commitment.target_assumed = True
    commitment.save()  # as the admin saves it: pages kept as reference data (core/refcache.py) see it at once
    receipt = client.get(url(case, "receipt")).content.decode()
    assert "مهلت پاسخ" not in receipt and "هدف زمانی سازمان" in receipt and NOTE in receipt
    assert "۵ روز کاری" in receipt
    assert NOTE in client.get(url(case)).content.decode()  # the case page, through cases/_sla.html
    assert NOTE in client.get("/cases/").content.decode()  # the dashboard's rows too
