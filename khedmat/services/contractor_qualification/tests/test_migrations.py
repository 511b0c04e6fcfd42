"""The data step of migration 0006 (issue 17 point 5): a natural person listed as a company officer
becomes «شخص متقاضی»."""
import importlib

import pytest
from django.apps import apps

from khedmat.cases import services as case_services
from khedmat.services.contractor_qualification.models import CompanyPerson

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "khedmat.services.contractor_qualification.migrations.0006_companyperson_role_applicant")


def test_a_natural_person_listed_as_chief_executive_becomes_the_applicant_himself(contractor_service, applicant,
                                                                                 company_draft):
    natural = case_services.case_create(service=contractor_service, applicant=applicant)
    fields = {"first_name": "نرگس", "last_name": "شریفی", "degree_level": "master", "study_field": "عمران",
              "experience_years": 12}
    CompanyPerson.objects.create(case=natural, role="ceo", national_id=applicant.national_id, **fields)
    CompanyPerson.objects.create(case=natural, role="board_member", national_id=applicant.national_id, **fields)
    CompanyPerson.objects.create(case=natural, role="scoring_staff", national_id="0030000017", **fields)
    CompanyPerson.objects.create(case=company_draft, role="ceo", national_id=applicant.national_id, **fields)
    migration.natural_applicants_list_themselves(apps, None)
    roles = CompanyPerson.objects.filter(case=natural).values_list("role", flat=True)
    assert sorted(roles) == ["applicant", "scoring_staff"]
    assert CompanyPerson.objects.get(case=company_draft).role == "ceo"  # a company's CEO stays
