"""Service 4 asks the engine who may do what (issue 18): the case panel's flags and the acts follow
`case_abilities` in every state for every role, and a refused act or transition leaves no trace."""
import pytest

from khedmat.accounts.roles import StaffRole
from khedmat.cases import services as case_services
from khedmat.cases.abilities import case_abilities
from khedmat.cases.models import Case, CaseEvent
from khedmat.core.exceptions import ApplicationError
from khedmat.services.contractor_qualification import selectors, services
from khedmat.services.contractor_qualification.constants import QualificationState as S
from khedmat.services.contractor_qualification.models import GradeGrant, Referral, SectionReview
from khedmat.services.contractor_qualification.tests.test_services import _accept_all
from khedmat.testing import make_staff

pytestmark = pytest.mark.django_db

PERSONAS = ("applicant", StaffRole.EXPERT, StaffRole.UNIT_HEAD, StaffRole.HEAD, StaffRole.DEPUTY)


@pytest.fixture
def people(applicant, tehran):
    staff = {role: make_staff(province=tehran, roles=[role]) for role in PERSONAS if role != "applicant"}
    return {"applicant": applicant, **staff}


def _trace(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.version, CaseEvent.objects.filter(case=case).count(),
            SectionReview.objects.filter(case=case).count(), GradeGrant.objects.filter(case=case).count(),
            Referral.objects.filter(case=case).count())


def test_the_panel_follows_the_abilities_in_every_state_for_every_role(under_review, people):
    expected = {  # (state, persona) → (is_expert, is_approver, can_edit); anything unlisted: all False
        (S.DRAFT, "applicant"): (False, False, True),
        (S.DEFICIENCIES_NOTIFIED, "applicant"): (False, False, True),
        (S.UNDER_REVIEW, StaffRole.EXPERT): (True, False, False),
        (S.AWAITING_APPROVAL, StaffRole.UNIT_HEAD): (False, True, False),
    }
    for state in S:
        Case.objects.filter(pk=under_review.pk).update(state=state)
        case = Case.objects.get(pk=under_review.pk)
        for persona, user in people.items():
            abilities = case_abilities(case=case, user=user)
            panel = selectors.case_panel_context(case, user, abilities.staff, abilities)
            flags = (panel["is_expert"], panel["is_approver"], panel["can_edit"])
            assert flags == expected.get((state, persona), (False, False, False)), (state, persona)
            assert panel["has_actions"] == (flags[0] or flags[1])
            for act in ("section_review", "relevance_judge"):
                assert abilities.offered(act) == (state == S.UNDER_REVIEW and persona == StaffRole.EXPERT)


@pytest.mark.parametrize("persona", ["applicant", StaffRole.UNIT_HEAD])
def test_a_refused_section_review_leaves_no_trace(under_review, people, persona):
    before = _trace(under_review)
    with pytest.raises(ApplicationError) as refused:
        services.section_review_set(case=under_review, section="people", status="accepted", note="", guidance="",
                                    by=people[persona])
    assert refused.value.code == "forbidden"
    assert _trace(under_review) == before


def test_a_section_review_is_an_act_on_the_timeline(under_review, people):
    before = _trace(under_review)
    services.section_review_set(case=under_review, section="people", status="accepted", note="", guidance="",
                                by=people[StaffRole.EXPERT])
    after = _trace(under_review)
    assert after[0] == before[0] and after[1] == before[1] + 1 and after[3] == before[3] + 1
    event = CaseEvent.objects.filter(case=under_review).latest("pk")
    assert event.transition == "section_review" and not event.public and event.actor == people[StaffRole.EXPERT]


@pytest.mark.parametrize("persona", [StaffRole.EXPERT, StaffRole.HEAD])
def test_a_refused_approval_leaves_no_trace(under_review, expert, people, persona):
    _accept_all(under_review, expert)
    awaiting = case_services.case_transition(case=under_review, name="send_to_approver", by=expert)
    before = _trace(awaiting)
    with pytest.raises(ApplicationError) as refused:
        services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=people[persona],
                                expected_version=awaiting.version, mismatch_reason="دلیل")
    assert refused.value.code == "forbidden"
    assert _trace(awaiting) == before
