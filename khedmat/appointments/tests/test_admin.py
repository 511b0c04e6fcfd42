import pytest

from khedmat.appointments import demo_data
from khedmat.appointments.models import ScoringCriterion, ScoringScheme
from khedmat.core.models import AuditEvent
from khedmat.testing import login

pytestmark = pytest.mark.django_db


def test_an_administrator_maintains_a_scheme_and_every_row_is_audited(client, administrator):
    login(client, administrator)
    assert client.get("/admin/appointments/scoringscheme/add/").status_code == 200
    response = client.post("/admin/appointments/scoringscheme/add/", {
        "code": "site_visit", "title": "امتیاز بازدید", "is_active": "on",
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-order": "1", "criteria-0-title": "فضای کار", "criteria-0-max_score": "10", "criteria-0-weight": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    scheme = ScoringScheme.objects.get(code="site_visit")
    criterion = ScoringCriterion.objects.get(scheme=scheme)
    assert AuditEvent.objects.filter(object_type="appointments.scoringscheme", object_id=str(scheme.pk)).exists()
    assert AuditEvent.objects.filter(object_type="appointments.scoringcriterion", object_id=str(criterion.pk),
                                     action="admin_add").exists()


def test_a_criterion_needs_a_positive_maximum(client, administrator):
    login(client, administrator)
    response = client.post("/admin/appointments/scoringscheme/add/", {
        "code": "bad", "title": "بد", "is_active": "on",
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-order": "1", "criteria-0-title": "x", "criteria-0-max_score": "0", "criteria-0-weight": "",
    })
    assert response.status_code == 200 and not ScoringScheme.objects.filter(code="bad").exists()


def test_no_scheme_ships_in_the_reference_data_and_the_demo_one_is_a_sample(db):
    assert not ScoringScheme.objects.exists()  # the session loaded the reference data
    demo_data.load()
    demo_data.load()
    scheme = ScoringScheme.objects.get()
    assert scheme.is_sample and "نمونه" in scheme.title and scheme.criteria.count() == 4


def test_appointments_and_reports_are_read_only_in_the_admin(client, administrator, proposed):
    login(client, administrator)
    assert client.get("/admin/appointments/appointment/").status_code == 200
    assert client.get("/admin/appointments/appointment/add/").status_code == 403
    assert client.get(f"/admin/appointments/appointment/{proposed.pk}/change/").status_code == 200
