"""Guards the inquiries app offers to processes (a guard returns None when a transition may go ahead, or a
message). Here, not in `cases.guards`, because the engine sits below the inquiries app."""
from khedmat.inquiries.services import unresolved_mismatch_guard


def registry_mismatches_resolved(case):
    """Every registry answer that differs from what was declared has a recorded reason (issue 17 point 1)."""
    return unresolved_mismatch_guard(case)
