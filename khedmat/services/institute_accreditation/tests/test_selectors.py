"""The service's panel on the case page (`selectors.case_panel`) offers, in every state and to every role, exactly
the forms the process declares for them (`cases.abilities`): the page cannot show what the service would refuse."""
import pytest

from khedmat.cases.abilities import case_abilities
from khedmat.cases.models import Case
from khedmat.services.institute_accreditation.constants import AccreditationState
from khedmat.services.institute_accreditation.selectors import case_panel

pytestmark = pytest.mark.django_db

FLAGS = ("initial_review", "binder_form", "can_register", "incomplete_form", "can_introduce_ceo", "licence_form",
         "supervision_form", "violation_form", "act_form", "can_suspend", "can_reinstate", "can_revoke")
HOLDER = {"supervision_form", "violation_form"}
# (state, person) → the panel's flags that are on; every other pair: none.
EXPECTED = {
    ("filed", "expert"): {"initial_review", "binder_form", "can_register", "incomplete_form"},
    ("visited", "expert"): {"can_introduce_ceo"},
    ("committee_approved", "head"): {"licence_form"},
    ("active", "expert"): HOLDER,
    ("suspended", "expert"): HOLDER,
    ("active", "head"): HOLDER | {"act_form", "can_suspend", "can_revoke"},
    ("suspended", "head"): HOLDER | {"act_form", "can_reinstate", "can_revoke"},
}


def test_the_panel_offers_what_the_process_declares_in_every_state_to_every_role(journey, expert, head, ceo,
                                                                                 accreditation_committee):
    people = {"expert": expert, "head": head, "ceo": ceo,
              "secretary": accreditation_committee.members.get(role="secretary").user}
    case = journey("filed", channel="binder")
    for state in AccreditationState:
        Case.objects.filter(pk=case.pk).update(state=state)
        for who, person in people.items():
            fresh = Case.objects.get(pk=case.pk)
            abilities = case_abilities(case=fresh, user=person)
            panel = case_panel(fresh, person, abilities.staff, abilities)
            shown = {flag for flag in FLAGS if panel.get(flag)}
            assert shown == EXPECTED.get((state, who), set()), (state, who)
            assert panel["has_actions"] == bool(shown - HOLDER - {"act_form", "can_suspend", "can_reinstate",
                                                                   "can_revoke"}), (state, who)
