"""Pages of service 4: the dossier sections on the case page, the expert's review, the approver's grades."""
from khedmat.cases.access import actor_roles
from khedmat.services.contractor_qualification import selectors


def case_panel_context(case, user, staff_view) -> dict:
    roles = actor_roles(case, user)
    return {
        "sections": selectors.dossier_sections(case),
        "scoring": selectors.case_scoring(case) if staff_view else None,
        "is_expert": "expert" in roles and case.state == "under_review",
        "is_approver": "unit_head" in roles and case.state == "awaiting_approval",
    }
