"""Writes for committees and councils: scheduling, agenda, invitations, attendance, votes, decisions,
minutes and their confirmation, corrections and reminders.

Every function checks who acts (the committee's secretary manages a session; members confirm the
minutes) and refuses with a Persian message, changing nothing, when a rule is not met.
"""

from khedmat.committees.services.administration import member_add, secretary_problem
from khedmat.committees.services.agenda import agenda_add, agenda_remove
from khedmat.committees.services.common import member_for
from khedmat.committees.services.decisions import (
    attendance_record,
    decision_record,
    item_tally,
    quorum_status,
    votes_record,
)
from khedmat.committees.services.invitations import invitations_send, sessions_remind
from khedmat.committees.services.minutes import (
    _present_members,
    decision_correct,
    minutes_confirm,
    minutes_content,
    minutes_issue,
    minutes_withdraw,
)
from khedmat.committees.services.scheduling import session_cancel, session_conflicts, session_schedule

__all__ = [
    "_present_members",
    "agenda_add",
    "agenda_remove",
    "attendance_record",
    "decision_correct",
    "decision_record",
    "invitations_send",
    "item_tally",
    "member_add",
    "member_for",
    "minutes_confirm",
    "minutes_content",
    "minutes_issue",
    "minutes_withdraw",
    "quorum_status",
    "secretary_problem",
    "session_cancel",
    "session_conflicts",
    "session_schedule",
    "sessions_remind",
    "votes_record",
]
