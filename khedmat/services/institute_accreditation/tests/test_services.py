"""The binder's receipt [۱۳] (issue 17 point 12): only a binder case has one; it records the delegate, his
introduction letter and what he handed in, and prints a numbered receipt for him."""
import datetime as dt

import pytest

from khedmat.cases.models import Case
from khedmat.certificates.models import OfficialDocument
from khedmat.certificates.rendering import document_pdf
from khedmat.certificates.tests.test_pdf import pdftotext
from khedmat.core.exceptions import ApplicationError
from khedmat.services.institute_accreditation import services
from khedmat.services.institute_accreditation.models import Accreditation, SecretariatSequence
from khedmat.testing import login

pytestmark = pytest.mark.django_db

LETTER_DATE = dt.date(2026, 3, 30)  # 1405-01-10


def _receive(case, expert, **overrides):
    kwargs = {"case": case, "note": "", "by": expert, "delegate_name": "رضا مرادی",
              "delegate_national_id": "0010000021", "letter_number": "۱۲۳/م", "letter_date": LETTER_DATE,
              "items": ["form_1", "form_2"]}
    kwargs.update(overrides)
    return services.binder_receive(**kwargs)


def test_an_online_case_has_no_binder_receipt(journey, expert):
    case = journey("filed", channel="online")
    with pytest.raises(ApplicationError) as refused:
        _receive(case, expert)
    assert refused.value.code == "not_binder" and "زونکن" in refused.value.message
    assert not Accreditation.objects.filter(case=case, binder_received_at__isnull=False).exists()


def test_the_page_refuses_a_binder_receipt_on_an_online_case_in_persian(client, journey, expert):
    case = journey("filed", channel="online")
    login(client, expert)
    page = client.post(f"/accreditation/{case.public_id}/binder/", {
        "delegate_name": "رضا مرادی", "delegate_national_id": "0010000021", "letter_number": "1",
        "letter_date": "1405/01/10", "items": ["form_1"]}, follow=True).content.decode()
    assert "زونکنی ندارد" in page
    assert not Accreditation.objects.filter(case=case, binder_received_at__isnull=False).exists()


def test_a_bad_national_id_or_a_missing_letter_is_refused(journey, expert):
    case = journey("filed", channel="binder")
    with pytest.raises(ApplicationError) as refused:
        _receive(case, expert, delegate_national_id="0010000022")
    assert refused.value.code == "delegate_national_id"
    with pytest.raises(ApplicationError) as refused:
        _receive(case, expert, letter_number="")
    assert refused.value.code == "letter"
    with pytest.raises(ApplicationError) as refused:
        _receive(case, expert, items=[])
    assert refused.value.code == "no_items"


def test_the_form_checks_the_national_id_checksum(client, journey, expert):
    case = journey("filed", channel="binder")
    login(client, expert)
    page = client.post(f"/accreditation/{case.public_id}/binder/", {
        "delegate_name": "رضا مرادی", "delegate_national_id": "0010000022", "letter_number": "1",
        "letter_date": "1405/01/10", "items": ["form_1"]}, follow=True).content.decode()
    assert "کد ملی" in page
    assert not Accreditation.objects.filter(case=case, binder_received_at__isnull=False).exists()


def test_the_receipt_records_the_delegate_and_prints_a_letter(client, journey, expert, tmp_path):
    case = journey("filed", channel="binder")
    login(client, expert)
    response = client.post(f"/accreditation/{case.public_id}/binder/", {
        "delegate_name": "رضا مرادی", "delegate_national_id": "۰۰۱۰۰۰۰۰۲۱", "letter_number": "۱۲۳",
        "letter_date": "1405/01/10", "items": ["form_1", "form_2"], "note": "زونکن ۴۰ برگ"})
    assert response.status_code == 302
    a = Accreditation.objects.get(case=case)
    assert (a.delegate_name, a.delegate_national_id, a.delegate_letter_number) == ("رضا مرادی", "0010000021", "123")
    assert a.delegate_letter_date == LETTER_DATE and a.binder_items == ["form_1", "form_2"]
    receipt = a.binder_receipt
    assert receipt.document_type.code == "binder_receipt" and receipt.holder_name == "رضا مرادی"
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert 'id="binder-receipt"' in page and "رسید" in page and "۱۲۳" in page and "رضا مرادی" in page
    text = pdftotext(document_pdf(receipt), tmp_path, layout=False)
    flat = "".join(ch for ch in text if ch not in "\u202a\u202b\u202c\u200f\u200e").replace(" ", "")
    for expected in ("رسیدتحویلزونکن", "رضامرادی", "فرمشماره۱", "فرمشماره۲", "زونکن۴۰برگ"):
        assert expected in flat, expected
    with pytest.raises(ApplicationError):
        _receive(case, expert)  # once only


# -- a refused step leaves no trace (issue 18: every step is one `case_act`) ------------------------------------

def _trace(case):
    fresh = Case.objects.get(pk=case.pk)
    accreditation = Accreditation.objects.filter(case=case).first()
    return {"state": fresh.state, "version": fresh.version, "events": fresh.events.count(),
            "documents": OfficialDocument.objects.filter(case=case).count(),
            "accreditation": accreditation and (accreditation.binder_received_at, accreditation.binder_receipt_id,
                                                accreditation.secretariat_number, accreditation.registered_at),
            "sequences": list(SecretariatSequence.objects.values_list("year", "last"))}


def test_a_binder_receipt_refused_to_someone_without_the_role_leaves_no_trace(journey, head, ceo):
    """An act (record-only): the unit head and the applicant are not the expert who receives the binder."""
    case = journey("filed", channel="binder")
    before = _trace(case)
    for person in (head, ceo):
        with pytest.raises(ApplicationError) as refused:
            _receive(case, person)
        assert refused.value.code == "forbidden"
        assert _trace(case) == before


def test_a_registration_refused_to_someone_without_the_role_leaves_no_trace(journey, head, ceo, expert):
    """An internal transition: no event, no secretariat number taken, no version moved."""
    case = journey("filed", channel="binder")
    before = _trace(case)
    for person in (head, ceo):
        with pytest.raises(ApplicationError) as refused:
            services.register(case=case, by=person)
        assert refused.value.code == "forbidden"
        assert _trace(case) == before
    services.register(case=case, by=expert)
    assert _trace(case)["state"] == "document_review"


def test_a_step_that_fails_inside_the_act_leaves_no_trace(journey, expert):
    """The act was allowed, but the service refused what was asked (the introduction letter is dated in the future):
    nothing is written, not even the timeline's record of the act."""
    case = journey("filed", channel="binder")
    before = _trace(case)
    with pytest.raises(ApplicationError) as refused:
        _receive(case, expert, letter_date=dt.date.today() + dt.timedelta(days=30))
    assert refused.value.code == "letter_date"
    assert _trace(case) == before


def test_the_binder_receipt_is_an_act_on_the_timeline(journey, expert):
    case = journey("filed", channel="binder")
    before = _trace(case)
    _receive(case, expert)
    event = case.events.order_by("-id").first()
    assert (event.event_type, event.transition, event.actor) == ("act", "binder_receive", expert)
    after = _trace(case)
    assert after["version"] == before["version"] + 1 and after["state"] == "filed"
