"""`case_abilities` drives the case page and every write: for each registered process, each of its states and
each person who may meet the case, the page shows exactly what the abilities offer, and everything they do not
offer is refused by the engine with nothing recorded."""
import re

import pytest
from django.utils.module_loading import import_string

from khedmat.accounts.roles import OVERSIGHT_ROLES, StaffRole
from khedmat.cases.abilities import PLATFORM_LABELS, case_abilities
from khedmat.cases.models import Case, CaseEvent
from khedmat.cases.process import APPLICANT, PLATFORM_ABILITIES, SYSTEM, Act, Process, Transition, registered
from khedmat.cases.services import case_act, case_transition
from khedmat.cases.tests.process import review_note
from khedmat.catalog.models import Service
from khedmat.core.exceptions import ApplicationError
from khedmat.testing import login, make_staff, make_user

SERVICE_PROCESSES = sorted(p.service_code for p in registered() if p.service_code.startswith(("institute",
                                                                                              "contractor")))
BUTTON = re.compile(r'name="transition" value="([a-z_]+)"')


def _personas(process: Process, province, other_province):
    staff_roles = sorted((process.roles - {APPLICANT, SYSTEM}) | set(OVERSIGHT_ROLES))
    people = {role: make_staff(province=province, roles=[role]) for role in staff_roles}
    people["outsider_expert"] = make_staff(province=other_province, roles=[StaffRole.EXPERT])
    people["other_applicant"] = make_user()
    return people


def _case_in(process: Process, state: str, applicant, province) -> Case:
    return Case.objects.create(
        service=Service.objects.get(code=process.service_code), process_version=process.version, province=province,
        applicant=applicant, state=state, tracking_number=None if state == process.initial else f"T-{state}"[:20],
        data={},
    )


@pytest.mark.parametrize("service_code", SERVICE_PROCESSES)
def test_every_state_and_role_sees_what_it_may_do_and_nothing_else_goes_through(service_code, client, tehran,
                                                                                  isfahan):
    process = next(p for p in registered() if p.service_code == service_code)
    applicant = make_user()
    people = {"applicant": applicant, **_personas(process, tehran, isfahan)}
    actions: tuple[Transition | Act, ...] = (*process.transitions, *process.acts)
    checked = 0
    for state in process.states:
        case = _case_in(process, state.code, applicant, tehran)
        for who, person in people.items():
            case = Case.objects.get(pk=case.pk)
            abilities = case_abilities(case=case, user=person)
            # What the declaration offers this person in this state, and nothing else.
            for action in actions:
                expected = state.code in action.states and bool(abilities.roles & set(action.roles))
                assert abilities.offered(action.name) == expected, (service_code, state.code, who, action.name)
            client.force_login(person) if who in ("applicant", "other_applicant") else login(client, person)
            page = client.get(f"/cases/{case.public_id}/")
            if not (abilities.staff or abilities.applicant):
                assert page.status_code == 404, (service_code, state.code, who)
                assert not abilities.offers, (service_code, state.code, who)
            else:
                assert page.status_code == 200, (service_code, state.code, who)
                shown = set(BUTTON.findall(page.content.decode()))
                offered = {a.name for a in abilities.buttons + abilities.danger_buttons}
                assert offered <= shown, (service_code, state.code, who, offered - shown)
                assert shown <= set(abilities.offers), (service_code, state.code, who, shown - set(abilities.offers))
            # Everything not offered is refused, and the refusal leaves no trace.
            events, version = CaseEvent.objects.filter(case=case).count(), case.version
            for action in actions:
                if abilities.offered(action.name):
                    continue
                with pytest.raises(ApplicationError) as refused:
                    with case_act(case=case, by=person, name=action.name, comment="دلیل"):
                        pytest.fail("the body of a refused act must not run")
                assert refused.value.code in {"wrong_state", "forbidden"}, (service_code, state.code, who, action.name)
                if isinstance(action, Transition) and not action.internal:
                    with pytest.raises(ApplicationError):
                        case_transition(case=case, name=action.name, by=person, comment="دلیل")
                    client.post(f"/cases/{case.public_id}/transition/", {
                        "transition": action.name, "version": case.version, "comment": "دلیل"})
                checked += 1
            case.refresh_from_db()
            assert (CaseEvent.objects.filter(case=case).count(), case.version, case.state) == (events, version,
                                                                                               state.code)
    assert checked > 100  # the loops ran over the whole declaration


def test_the_api_gives_the_same_abilities_as_the_page(client, tehran):
    process = next(p for p in registered() if p.service_code == SERVICE_PROCESSES[0])
    applicant = make_user()
    case = _case_in(process, process.initial, applicant, tehran)
    client.force_login(applicant)
    answer = client.get(f"/api/cases/{case.public_id}/abilities/")
    assert answer.status_code == 200
    assert {row["name"] for row in answer.json()} == set(case_abilities(case=case, user=applicant).offers)
    assert {"edit", "upload", "message"} <= {row["name"] for row in answer.json()}


def test_an_act_is_recorded_on_the_timeline_and_a_failing_body_records_nothing(submitted, expert):
    case = Case.objects.get(pk=submitted.pk)
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(RuntimeError):
        with case_act(case=case, by=expert, name="review_note"):
            raise RuntimeError("the service's own work failed")
    assert CaseEvent.objects.filter(case=case).count() == events
    event = review_note(case=case, text="مدارک کامل است", by=expert)
    assert (event.event_type, event.transition, event.comment) == ("act", "review_note", "مدارک کامل است")
    assert Case.objects.get(pk=case.pk).version == case.version + 1
    assert case_abilities(case=Case.objects.get(pk=case.pk), user=expert).may("review_note")
    with pytest.raises(ApplicationError) as refused:
        review_note(case=case, text="x", by=submitted.applicant)
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize("process", registered(), ids=lambda p: p.service_code)
def test_every_internal_transition_and_act_names_the_function_that_runs_it(process):
    for action in (*[t for t in process.transitions if t.internal], *process.acts):
        assert action.runs, f"{process.service_code}: {action.name} does not name the function that runs it"
        assert callable(import_string(action.runs)), action.runs


def test_a_stale_page_is_refused_before_the_role_is_asked(tehran):
    process = next(p for p in registered() if p.service_code == SERVICE_PROCESSES[0])
    case = _case_in(process, process.initial, make_user(), tehran)
    with pytest.raises(ApplicationError) as refused:
        with case_act(case=case, by=make_user(), name=process.transitions[0].name, expected_version=case.version + 5):
            pass
    assert refused.value.code == "stale"


def test_every_platform_ability_has_a_persian_label():
    assert set(PLATFORM_LABELS) == set(PLATFORM_ABILITIES)
