"""The engine's test process with a committee step: `under_review` → `awaiting_committee` → decided."""
import dataclasses

from khedmat.cases.process import Clock, CommitteeStep, State, Transition
from khedmat.cases.tests.process import PROCESS as BASE

SECRETARY = "committee_secretary"

PROCESS = dataclasses.replace(
    BASE,
    version=BASE.version + 1,
    states=BASE.states + (
        State("awaiting_committee", "در انتظار کمیته", Clock.ORGANIZATION, actors=(SECRETARY,)),
        State("approved_with_conditions", "تأیید مشروط", Clock.STOPPED),
    ),
    transitions=tuple(
        dataclasses.replace(t, sources=t.sources + ("awaiting_committee",), roles=t.roles + (SECRETARY,))
        if t.name == "return_for_deficiencies" else t
        for t in BASE.transitions
    ) + (
        Transition("refer_to_committee", "ارجاع به کمیته", ("under_review",), "awaiting_committee", ("expert",)),
        Transition("committee_approve", "تأیید کمیته", ("awaiting_committee",), "approved", (SECRETARY,),
                   internal=True, notify_applicant=True),
        Transition("committee_approve_conditions", "تأیید مشروط کمیته", ("awaiting_committee",),
                   "approved_with_conditions", (SECRETARY,), internal=True, notify_applicant=True),
        Transition("committee_reject", "رد کمیته", ("awaiting_committee",), "rejected", (SECRETARY,), internal=True,
                   notify_applicant=True),
    ),
    committee_steps=(
        CommitteeStep("awaiting_committee", "accreditation_committee", decisions=(
            ("approve", "committee_approve"),
            ("approve_with_conditions", "committee_approve_conditions"),
            ("return", "return_for_deficiencies"),
            ("reject", "committee_reject"),
        ), invite_applicant=True),
    ),
)
