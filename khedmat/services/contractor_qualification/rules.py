"""Pure rules of service 4 (SERVICES.md §5.3, §5.9). No ORM: plain values in, plain values out."""
from __future__ import annotations

from dataclasses import dataclass

CONTRACTOR = "contractor"
CONSULTANT = "consultant"
# Which requests this province handles (regulation 48013, L241; regulation 20637 by delegation, L242).
HANDLED_GRADES = {CONTRACTOR: {3, 4, 5}, CONSULTANT: {3}}


@dataclass(frozen=True)
class Jurisdiction:
    handled: bool
    authority: str  # "" when handled here; else "pbo" (national) or "registration_province"


def jurisdiction(*, kind: str, contractor_type: int | None, grades: list[int], registered_in_province: bool) -> Jurisdiction:
    """Whether the province's MPO handles the request, and who does if not.

    Type-1 contractors of grades 3, 4, 5 and consultants of grade 3, registered in the province, are
    handled here; a company registered elsewhere goes to its own province; anything else to the PBO.
    """
    if not grades or kind not in HANDLED_GRADES:
        return Jurisdiction(False, "pbo")
    if kind == CONTRACTOR and contractor_type != 1:
        return Jurisdiction(False, "pbo")
    if not set(grades) <= HANDLED_GRADES[kind]:
        return Jurisdiction(False, "pbo")
    if not registered_in_province:
        return Jurisdiction(False, "registration_province")
    return Jurisdiction(True, "")


def fee_items(*, kind: str, grades: list[int]) -> list[str]:
    """One fee per certificate, at the highest grade requested (1 is the highest; A12, configurable)."""
    if not grades:
        return []
    return [f"{kind}_grade_{min(grades)}"]
