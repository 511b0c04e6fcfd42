"""Service 4 end to end on a phone: a company applies for contractor grade 4 in building, fills the dossier,
pays through the sandbox bank, submits; the registries answer; the expert returns a deficiency; the company
fixes it; the expert accepts, the approver grants the grade and the certificate is issued; the file goes to
SAJAR; anyone finds the company on the public registry. Screenshots go to var/test-artifacts/."""
from pathlib import Path

import pytest
from django.conf import settings

from khedmat.cases.models import Case
from khedmat.cases.tests.browser.test_case_journey import log_in
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.models import Province
from khedmat.payments import demo_data as fee_demo
from khedmat.services.contractor_qualification.services import referrals_sweep
from khedmat.testing import make_organization, make_staff, make_user
from khedmat.testing_fixtures.cases import PDF
from khedmat.testing_fixtures.contractor_qualification import make_scoring_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "contractor-qualification"


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check(page):
    assert serious_accessibility_violations(page) == []
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => !e.closest('.table-wrap') && (e.getBoundingClientRect().left < -1
        || e.getBoundingClientRect().right > window.innerWidth + 1)).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + (e.getAttribute('href') || '') + ' ' + e.textContent.slice(0, 40))""")  # noqa: E501
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        f"wider than the phone: {wide}")


def add_row(page, case, section, values: dict, selects: dict | None = None):
    page.goto(f"/contractors/{case.public_id}/{section}/")
    for name, value in (selects or {}).items():
        page.select_option(f"#id_{name}", value)
    for name, value in values.items():
        page.fill(f"#id_{name}", value)
    page.click("#add-title ~ form button[type=submit]")
    page.wait_for_url(f"**/contractors/{case.public_id}/{section}/")
    assert page.locator(".messages .success").count() == 1, page.content()


def review(page, verdicts: dict):
    """Every section's verdict in the one review form, saved together: {section: (status, note, guidance)}."""
    form = page.locator("form.verdicts")
    for section, (status, note, guidance) in verdicts.items():
        form.locator(f"#status-{section}-{status}").check()
        if note:
            fieldset = form.locator("fieldset", has=page.locator(f"#status-{section}-{status}"))
            if fieldset.locator("details").get_attribute("open") is None:
                fieldset.locator("details > summary").click()
            page.fill(f"#note-{section}", note)
            page.fill(f"#guidance-{section}", guidance)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_qualification_journey(browser_page, sandbox, registry_simulator, settings):
    settings.REGISTRY_BASE_URL = registry_simulator.url
    settings.KHEDMAT_SAJAR_URL = registry_simulator.url
    settings.OTP_RESEND_SECONDS = 0  # the expert signs in twice within a minute
    fee_demo.load()  # this year's fee table (the demo's copy of the 1399 amounts)
    make_scoring_table()
    tehran = Province.objects.get(code="tehran")
    applicant = make_user(first_name="نرگس", last_name="شریفی", national_id="0020000014")
    company = make_organization(owner=applicant, province=tehran, name="شرکت ساختمانی البرز کوه")
    type(company).objects.filter(pk=company.pk).update(national_id="10320000017", registration_number="384512")
    company.refresh_from_db()  # the registry simulator's record of this company
    expert = make_staff(province=tehran, roles=["expert"], mobile="09120007001")
    approver = make_staff(province=tehran, roles=["unit_head"], mobile="09120007002")
    page = browser_page

    # 1. The company opens an application.
    log_in(page, applicant)
    page.goto("/cases/new/")
    page.check("input[name=service][value=contractor_qualification]")
    page.check(f"input[name=on_behalf][value='{company.pk}']")
    page.click("main button[type=submit]")
    # The declaration is asked on the same page and checked against the jurisdiction rule at once.
    page.check("input[name=case-kind][value=contractor]")
    page.select_option("#id_case-contractor_type", "1")
    page.select_option("#id_case-field_0", "building")
    page.select_option("#id_case-grade_0", "4")
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/*/")
    case = Case.objects.get(organization=company)
    check(page)
    shot(page, "01-draft-task-list")

    # 2. The dossier, section by section (saved as it goes).
    person = {"first_name": "نرگس", "last_name": "شریفی", "national_id": "۰۰۲۰۰۰۰۰۱۴", "study_field": "مهندسی عمران",
              "experience_years": "۱۲"}
    add_row(page, case, "people", person, {"role": "ceo", "degree_level": "master", "scoring_field": "building"})
    add_row(page, case, "people", person, {"role": "board_member", "degree_level": "master",
                                           "scoring_field": "building"})
    add_row(page, case, "people", {"first_name": "علی", "last_name": "کریمی", "national_id": "0030000017",
                                   "study_field": "مهندسی عمران", "experience_years": "6"},
            {"role": "scoring_staff", "degree_level": "bachelor", "scoring_field": "building"})
    check(page)
    shot(page, "02-people")
    add_row(page, case, "experience", {"title": "ساختمان اداری", "employer": "شهرداری تهران",
                                       "amount_rials": "۱۲٬۰۰۰٬۰۰۰٬۰۰۰", "started_on": "۱۴۰۱/۰۱/۱۵",
                                       "finished_on": "1402/01/15"}, {"field": "building"})
    add_row(page, case, "finance", {"fiscal_year": "1402", "turnover_rials": "61750000000",
                                    "tax_return_number": "T-1402"})
    check(page)
    page.goto(f"/cases/{case.public_id}/")
    for code in ("registration_forms", "personnel_documents", "company_registration_documents", "experience_documents",
                 "financial_documents"):
        page.set_input_files(f"#file-{code}", files=[{"name": f"{code}.pdf", "mimeType": "application/pdf",
                                                      "buffer": PDF}])
        page.click(f"#file-{code} ~ button")
        page.wait_for_url(f"**/cases/{case.public_id}/")

    # 3. Submitting before paying is refused with a message; pay through the bank, then submit.
    page.click("#check-answers")
    page.wait_for_url(f"**/cases/{case.public_id}/check/")
    main = page.locator("main").inner_text()
    assert "علی کریمی" in main and "ساختمان اداری" in main  # the dossier's rows, each with a change link
    check(page)
    shot(page, "02b-check-answers")
    # A change link goes to the section's page and its "back" link returns to the check page.
    page.locator("a[href*='/people/?next=']").first.click()
    page.wait_for_url("**/people/?next=*")
    page.click("main a[href$='/check/']")
    page.wait_for_url(f"**/cases/{case.public_id}/check/")
    page.click("#submit-case")
    page.wait_for_url(f"**/cases/{case.public_id}/check/")
    assert "پرداخت" in page.locator(".messages").inner_text()
    page.goto(f"/cases/{case.public_id}/")
    page.click("form[action$='/invoice/'] button")
    page.wait_for_url("**/payments/invoices/*/")
    assert "۴٬۵۰۰٬۰۰۰" in page.content()  # contractor grade 4 in the fee table
    page.click("form[action$='/pay/'] button")
    page.wait_for_url(f"{sandbox.url}/**")
    page.get_by_role("button", name="پرداخت").click()
    page.wait_for_url("**/payments/invoices/*/")
    page.goto(f"/cases/{case.public_id}/check/")
    page.click("#submit-case")
    page.wait_for_url("**/receipt/")
    case.refresh_from_db()
    assert case.state == "under_review" and case.tracking_number
    shot(page, "03-receipt")

    # 4. The registries answered (civil registry, Padak, gazette, tax); the expert sees the results.
    page.context.clear_cookies()
    log_in(page, expert, staff=True)
    page.goto(f"/cases/{case.public_id}/")
    page.click("#inquiries > summary")  # folded under its heading; the expert's own work comes first
    inquiries = page.locator("#inquiries .table-wrap").inner_text()
    assert "اطلاعات هویتی افراد" in inquiries and "روزنامه رسمی" in inquiries and "پاداک" in inquiries
    check(page)
    shot(page, "04-expert-review")

    # 5. The expert returns the financial section with guidance; the clock stops.
    review(page, {"finance": ("deficient", "اظهارنامه سال ۱۴۰۱ وارد نشده است", "اظهارنامه سال ۱۴۰۱ را وارد کنید")})
    page.fill("#deficiency-summary", "لطفاً بخش مالی را کامل کنید")
    page.click("form[action$='/deficiencies/'] button")
    page.wait_for_url(f"**/cases/{case.public_id}/")
    case.refresh_from_db()
    assert case.state == "deficiencies_notified" and not case.sla_running

    # 6. The company fixes it and resubmits.
    page.context.clear_cookies()
    log_in(page, applicant)
    add_row(page, case, "finance", {"fiscal_year": "1401", "turnover_rials": "46200000000",
                                    "tax_return_number": "T-1401"})
    page.goto(f"/cases/{case.public_id}/")
    assert "اظهارنامه سال 1401 را وارد کنید" in page.content() or "اظهارنامه سال ۱۴۰۱ را وارد کنید" in page.content()
    page.locator("form[action$='/resubmit/'] textarea").first.fill("اظهارنامه ۱۴۰۱ افزوده شد")
    page.click("form[action$='/resubmit/'] button")
    page.wait_for_url(f"**/cases/{case.public_id}/")
    case.refresh_from_db()
    assert case.state == "under_review" and case.sla_running

    # 7. The expert judges the degrees, accepts every section and sends the file to the approver.
    page.context.clear_cookies()
    log_in(page, expert, staff=True)
    page.goto(f"/cases/{case.public_id}/")
    for select in page.locator("select[id^=relevance-]").all():
        pk = select.get_attribute("id").split("-")[1]
        if page.locator("#scores").get_attribute("open") is None:
            page.click("#scores > summary")  # the scores are folded under their heading
        page.select_option(f"#relevance-{pk}", "related")
        page.locator("form", has=page.locator(f"#relevance-{pk}")).locator("button").click()
        page.wait_for_url(f"**/cases/{case.public_id}/**")
    review(page, {section: ("accepted", "", "")
                  for section in ("application", "people", "documents", "experience", "finance")})
    assert "پایه قابل احراز" in page.content()
    page.get_by_role("button", name="ارسال برای تأیید").click()
    page.wait_for_url(f"**/cases/{case.public_id}/")
    case.refresh_from_db()
    assert case.state == "awaiting_approval"

    # 8. The approver grants grade 4 and the certificate is issued; the file goes to SAJAR.
    page.context.clear_cookies()
    log_in(page, approver, staff=True)
    page.goto(f"/contractors/{case.public_id}/approve/")
    check(page)
    shot(page, "05-approval")
    page.select_option("#id_grade_building", "4")
    # The degree registry lists the engineer's master's as «مهندسی عمران - سازه» where the dossier says
    # «مهندسی عمران»: the approver sees the mismatch and approves with a recorded reason (issue 17 point 1).
    assert "مغایرت" in page.inner_text("main")
    page.fill("#id_mismatch_reason", "گرایش سازه همان رشته مهندسی عمران است؛ مدرک اصل رؤیت شد.")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/cases/{case.public_id}/")
    case.refresh_from_db()
    assert case.state == "referred_to_pbo", case.state  # the push ran at commit (immediate task backend)
    certificate = case.official_documents.get(document_type__code="grade_certificate")
    assert referrals_sweep()["acknowledged"] == 1
    case.refresh_from_db()
    assert case.state == "registered_in_sajar"
    shot(page, "06-certificate-issued")

    # 9. Anyone finds the company on the public registry, with its field and grade and a valid certificate.
    page.context.clear_cookies()
    page.goto("/registry/")
    page.fill("#id_q", "شركت ساختماني البرز")  # Arabic letters, as people type them
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    results = page.locator("main").inner_text()
    assert "شرکت ساختمانی البرز کوه" in results and "ساختمان" in results and "۴" in results
    assert certificate.number.split("-")[-1].lstrip("0") in results.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    check(page)
    shot(page, "07-public-registry")
