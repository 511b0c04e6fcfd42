"""Quorum and decision rules as pure functions (no ORM): what the minutes say follows from these."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

ABSTAIN = "abstain"


def quorum_required(*, voting_members: int, quorum: int | None) -> int:
    """Voting members who must be present: the committee's own figure, else more than half."""
    if quorum:
        return quorum
    return voting_members // 2 + 1


def quorum_met(*, voting_present: int, voting_members: int, quorum: int | None) -> bool:
    return voting_members > 0 and voting_present >= quorum_required(voting_members=voting_members, quorum=quorum)


@dataclass(frozen=True)
class Tally:
    outcome: str | None  # None: the votes do not give a decision (the item rolls over)
    counts: dict[str, int] = field(default_factory=dict)
    needed: int = 0
    by_casting_vote: bool = False
    reason: str = ""  # "tie", "short", "no_votes", "missing_votes" when outcome is None

    def as_json(self, *, voting_present: int) -> dict:
        return {"counts": self.counts, "needed": self.needed, "voting_present": voting_present,
                "casting": self.by_casting_vote}


def votes_needed(*, rule: str, voting_present: int) -> int:
    if rule == "unanimity":
        return voting_present
    if rule == "two_thirds":
        return -(-2 * voting_present // 3)  # ceiling of 2n/3
    return voting_present // 2 + 1


def tally(*, votes: dict[int, str], voting_present: int, rule: str, chair_vote: str | None = None,
          casting_vote: bool = False) -> Tally:
    """The outcome of one item. `votes` maps each present voting member to a choice (abstentions
    included); every present voting member must have voted. An abstention counts as present but for
    no outcome, so it weighs against every outcome (the usual reading of "majority of those present").
    An even split of everyone present between two outcomes under the majority rule is decided by
    the chair's vote when the committee allows it."""
    counts = Counter(choice for choice in votes.values() if choice != ABSTAIN)
    summary = dict(sorted(counts.items()))
    needed = votes_needed(rule=rule, voting_present=voting_present)
    if len(votes) < voting_present:
        return Tally(None, summary, needed, reason="missing_votes")
    if not counts:
        return Tally(None, summary, needed, reason="no_votes")
    ranked = counts.most_common()
    top_choice, top = ranked[0]
    tied = [choice for choice, n in ranked if n == top]
    if len(tied) == 1 and top >= needed:
        return Tally(top_choice, summary, needed)
    if len(tied) > 1:
        # The classic casting vote: everyone present split evenly between two sides.
        if rule == "majority" and casting_vote and chair_vote in tied and len(tied) == 2 and top * 2 == voting_present:
            return Tally(chair_vote, summary, needed, by_casting_vote=True)
        return Tally(None, summary, needed, reason="tie")
    return Tally(None, summary, needed, reason="short")

