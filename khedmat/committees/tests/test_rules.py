import pytest

from khedmat.committees.rules import quorum_met, quorum_required, tally, votes_needed


@pytest.mark.parametrize(("members", "quorum", "required"),
                         [(4, None, 3), (5, None, 3), (7, None, 4), (7, 5, 5), (1, None, 1)])
def test_quorum_is_more_than_half_unless_the_committee_sets_it(members, quorum, required):
    assert quorum_required(voting_members=members, quorum=quorum) == required


def test_no_quorum_without_voting_members():
    assert not quorum_met(voting_present=0, voting_members=0, quorum=None)
    assert quorum_met(voting_present=3, voting_members=4, quorum=None)
    assert not quorum_met(voting_present=2, voting_members=4, quorum=None)


@pytest.mark.parametrize(("rule", "present", "needed"), [
    ("majority", 4, 3), ("majority", 5, 3), ("two_thirds", 3, 2), ("two_thirds", 4, 3), ("two_thirds", 6, 4),
    ("unanimity", 5, 5)])
def test_votes_needed(rule, present, needed):
    assert votes_needed(rule=rule, voting_present=present) == needed


def test_majority_decides():
    result = tally(votes={1: "approve", 2: "approve", 3: "reject"}, voting_present=3, rule="majority")
    assert result.outcome == "approve" and result.counts == {"approve": 2, "reject": 1}


def test_abstentions_count_against_every_outcome():
    result = tally(votes={1: "approve", 2: "abstain", 3: "abstain"}, voting_present=3, rule="majority")
    assert result.outcome is None and result.reason == "short"


def test_two_thirds_rule_needs_more_than_a_majority():
    votes = {1: "approve", 2: "approve", 3: "approve", 4: "reject", 5: "reject"}
    assert tally(votes=votes, voting_present=5, rule="majority").outcome == "approve"
    assert tally(votes=votes, voting_present=5, rule="two_thirds").outcome is None


def test_unanimity_needs_everyone_present():
    assert tally(votes={1: "approve", 2: "approve"}, voting_present=2, rule="unanimity").outcome == "approve"
    assert tally(votes={1: "approve", 2: "abstain"}, voting_present=2, rule="unanimity").outcome is None


def test_a_tie_gives_no_decision_without_a_casting_vote():
    votes = {1: "approve", 2: "approve", 3: "reject", 4: "reject"}
    result = tally(votes=votes, voting_present=4, rule="majority", chair_vote="reject", casting_vote=False)
    assert result.outcome is None and result.reason == "tie"


def test_the_chair_breaks_an_even_split():
    votes = {1: "approve", 2: "approve", 3: "reject", 4: "reject"}
    result = tally(votes=votes, voting_present=4, rule="majority", chair_vote="reject", casting_vote=True)
    assert result.outcome == "reject" and result.by_casting_vote


def test_the_casting_vote_does_not_apply_to_a_split_with_abstentions_or_other_rules():
    votes = {1: "approve", 2: "reject", 3: "abstain", 4: "abstain"}
    assert tally(votes=votes, voting_present=4, rule="majority", chair_vote="approve",
                 casting_vote=True).outcome is None
    even = {1: "approve", 2: "approve", 3: "reject", 4: "reject"}
    assert tally(votes=even, voting_present=4, rule="two_thirds", chair_vote="approve",
                 casting_vote=True).outcome is None


def test_every_member_present_must_vote():
    result = tally(votes={1: "approve", 2: "approve"}, voting_present=3, rule="majority")
    assert result.outcome is None and result.reason == "missing_votes"


def test_all_abstain():
    assert tally(votes={1: "abstain", 2: "abstain"}, voting_present=2, rule="majority").reason == "no_votes"
