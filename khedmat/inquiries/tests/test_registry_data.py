"""Issue 17 point 2: the registry simulator's seed (tools/registry_data.json) knows every person and company the
demo inquires about, under the names the demo declares — except exactly one deliberate mismatch."""
from khedmat.accounts import demo_data as accounts_demo
from khedmat.core.validators import (
    national_id_complete,
    organization_id_complete,
    parse_national_id,
    parse_organization_id,
)
from khedmat.inquiries import adapters
from khedmat.inquiries.tests.simulator import load_simulator_module
from khedmat.organizations import demo_data as organizations_demo
from khedmat.organizations.models import OrganizationKind
from khedmat.services.contractor_qualification import demo_data as contractor_demo
from khedmat.services.contractor_qualification.constants import PADAK_LEVELS
from khedmat.services.institute_accreditation import demo_data as institute_demo

DELIBERATE = [("civil_registry", "0071020012", "last_name")]  # «بهروز نادری» of demo case 02, «نادرپور» in the registry


def _seed() -> dict:
    module = load_simulator_module()
    return module.load_seed(module.DEFAULT_DATA)


def _demo_inquiries():
    """(registry, key, declared) of every inquiry the demo's service-4 cases send (as selectors.case_inquiries builds
    them), plus the identity of every other demo person and organization."""
    for nine, first, last, *_rest in accounts_demo.PEOPLE:
        yield "civil_registry", national_id_complete(nine), {"first_name": first, "last_name": last}
    # Service 2 sends no automatic inquiry; its institutes are in the gazette. (Their CEOs' national IDs are the
    # seed's older test people 0030000017…, whom the adapter and view tests use as they are.)
    for ten, name, _number, _ceo in institute_demo.INSTITUTES:
        yield "official_gazette", organization_id_complete(ten), {"name": name}
    for ten, kind, name, *_rest in organizations_demo.ORGANIZATIONS:
        if kind != OrganizationKind.AGENCY:  # an executive agency is not a registered company
            yield "official_gazette", organization_id_complete(ten), {"name": name}
    for ten, name, number, _member in contractor_demo.COMPANIES:
        yield "official_gazette", organization_id_complete(ten), {"name": name, "registration_number": number}
    for scenario in contractor_demo.SCENARIOS:
        for number, person in enumerate(scenario.people, start=1):
            national_id = person.national_id or national_id_complete(f"0071{scenario.key}{number:03d}")
            yield "civil_registry", national_id, {"first_name": person.first_name, "last_name": person.last_name}
            if person.degree_level != "diploma":
                yield "padak", national_id, {"level": PADAK_LEVELS[person.degree_level], "field": person.study_field}


COMPARE = {"civil_registry": adapters.compare_person, "official_gazette": adapters.compare_company,
           "padak": adapters.compare_degree}


def test_the_simulator_knows_every_demo_person_and_company_with_exactly_the_intended_mismatch():
    seed = _seed()
    unknown, mismatches = [], []
    for registry, key, declared in _demo_inquiries():
        record = seed[registry].get(key)
        if record is None:
            unknown.append((registry, key))
            continue
        for mismatch in COMPARE[registry](declared, record):
            mismatches.append((registry, key, mismatch["field"]))
    assert unknown == []
    assert sorted(set(mismatches)) == DELIBERATE


def test_every_seeded_identifier_is_valid_and_every_record_answers_in_the_documented_shape():
    seed = _seed()
    for key, record in seed["civil_registry"].items():
        assert parse_national_id(key) == key
        assert adapters._checked({"national_id": key, **record}, adapters.CivilRegistryAdapter.SCHEMA, key, "")
    for key, record in seed["official_gazette"].items():
        assert parse_organization_id(key) == key
        assert adapters._checked({"organization_id": key, **record}, adapters.GazetteAdapter.SCHEMA, key, "")
