"""The names of service 2 that cannot drift: its code, its states and the staff roles it uses.

Every other module of the app names a state or a role through these (the app's test
`test_constants.py` fails on a string literal for one); the process declaration is in `workflow.py`.
"""
from enum import StrEnum

from khedmat.accounts.roles import StaffRole

SERVICE_CODE = "institute_accreditation"


class AccreditationState(StrEnum):
    """The states of an accreditation case (their meaning: `workflow.py`)."""

    DRAFT = "draft"
    FILED = "filed"
    RETURNED_INCOMPLETE = "returned_incomplete"
    DOCUMENT_REVIEW = "document_review"
    DEFICIENCIES_NOTIFIED = "deficiencies_notified"
    VISIT_SCHEDULED = "visit_scheduled"
    VISITED = "visited"
    CEO_CHECKS_PENDING = "ceo_checks_pending"
    AWAITING_COMMITTEE = "awaiting_committee"
    COMMITTEE_APPROVED = "committee_approved"
    LICENCE_ISSUED = "licence_issued"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"


# A licence is in force in these states (the public list, `licensed_domains`).
LICENSED_STATES = (AccreditationState.ACTIVE,)
# The institute holds a licence, in force or suspended: supervised, and it may expire or be replaced.
LICENCE_HELD_STATES = (AccreditationState.ACTIVE, AccreditationState.SUSPENDED)
# The supervision history is shown to the applicant once the institute has held a licence.
SUPERVISED_STATES = LICENCE_HELD_STATES + (AccreditationState.REVOKED, AccreditationState.EXPIRED)

# The staff roles of the service are `accounts.roles.StaffRole`'s, used by name (no other spelling): the expert
# handles the file; the unit head (StaffRole.UNIT_HEAD, not StaffRole.HEAD, the head of organization) issues,
# suspends and revokes licences (A13 as in service 4); the committee's secretary records the committee's decisions.

# The photos of the premises the field visit needs [۱۷] (checklist document codes).
PHOTOS = ("photos_training", "photos_admin")
# Each of the CEO's certificates [۱۹]: the uploaded document, or the answer to a written inquiry to its issuer.
CEO_CERTIFICATES = (("ceo_no_criminal_record", "criminal_record"), ("ceo_no_addiction", "addiction_test"))
# Who reads the service report: the unit head answers for the service; the head of the organization and the
# deputy oversee it.
REPORT_ROLES = (StaffRole.UNIT_HEAD, StaffRole.DEPUTY, StaffRole.HEAD)
