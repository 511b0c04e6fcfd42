"""Twenty people (or one person's twenty tabs) asking for a case's invoice at the same moment (issue 15, point 3)."""
import threading

import pytest
from django.db import connection
from django.test import Client

from khedmat.cases import services as case_services
from khedmat.payments import services
from khedmat.payments.models import Invoice, InvoiceStatus
from khedmat.testing import login

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def _in_parallel(work):
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=20)
            results.append(work(i))
        except Exception as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not errors, errors
    return results


def test_twenty_parallel_invoice_posts_make_one_open_invoice(paid_case, applicant):
    url = f"/payments/cases/{paid_case.public_id}/invoice/"
    clients = [login(Client(), applicant) for _ in range(THREADS)]
    responses = _in_parallel(lambda i: clients[i].post(url))
    assert [r.status_code for r in responses] == [302] * THREADS
    open_invoices = Invoice.objects.filter(case=paid_case, status=InvoiceStatus.OPEN)
    assert open_invoices.count() == 1 and Invoice.objects.filter(case=paid_case).count() == 1
    invoice = open_invoices.get()
    assert {r["Location"] for r in responses} == {f"/payments/invoices/{invoice.public_id}/"}


def test_twenty_parallel_invoices_of_different_cases_get_unique_numbers(paid_service, applicant):
    cases = [case_services.case_data_update(case=c, data={"subject": "x"}, title="x", by=applicant,
                                            expected_version=c.version)
             for c in (case_services.case_create(service=paid_service, applicant=applicant) for _ in range(THREADS))]
    invoices = _in_parallel(lambda i: services.invoice_for_case(case=cases[i]))
    numbers = [invoice.number for invoice in invoices]
    assert len(set(numbers)) == THREADS
    sequence = sorted(int(number.split("-")[1]) for number in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + THREADS))  # from the counter: no gaps, no repeats
