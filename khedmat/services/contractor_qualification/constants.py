"""The names of service 4 that cannot drift: its code, its states, the staff roles it gives work to and the
dossier's section codes. Every other module of the app names a state or a role through this module (a test
scans the app for string literals equal to a state code or a staff role)."""
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from khedmat.accounts.roles import StaffRole

SERVICE_CODE = "contractor_qualification"


class QualificationState(StrEnum):
    """The states of the process (workflow.py declares what each one means)."""

    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    DEFICIENCIES_NOTIFIED = "deficiencies_notified"
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    CERTIFICATE_ISSUED = "certificate_issued"
    REFERRED_TO_PBO = "referred_to_pbo"
    REGISTERED_IN_SAJAR = "registered_in_sajar"
    REJECTED = "rejected"


class DossierSection(StrEnum):
    """The sections of the dossier's task list (and of the expert's review)."""

    APPLICATION = "application"
    PEOPLE = "people"
    DOCUMENTS = "documents"
    EXPERIENCE = "experience"
    FINANCE = "finance"  # the tax returns (group ه); not the staff role of the same word


EXPERT = StaffRole.EXPERT
APPROVER = StaffRole.UNIT_HEAD  # A13: the approver's role is a unit head until the organization names it
# Who oversees the hand-off to SAJAR in a province (the referral pages).
REFERRAL_ROLES = (StaffRole.UNIT_HEAD, StaffRole.HEAD, StaffRole.DEPUTY)
# Who reads the service report of the province.
REPORT_ROLES = (StaffRole.UNIT_HEAD, StaffRole.HEAD, StaffRole.DEPUTY, StaffRole.EXPERT)
# Who lands on the service report after login.
REPORT_LANDS = (StaffRole.DEPUTY, StaffRole.HEAD)
# Staff who may record a disciplinary violation against a company of their province.
VIOLATION_ROLES = (StaffRole.EXPERT, StaffRole.UNIT_HEAD, StaffRole.HEAD)

# How Padak writes degree levels; the applicant's declared level is compared in these words.
PADAK_LEVELS = {"diploma": "دیپلم", "associate": "کاردانی", "bachelor": "کارشناسی", "master": "کارشناسی ارشد",
                "doctorate": "دکتری"}

# What the approver is told for each refusal of `rules.grant_errors` (by its code), on the page and by the service.
GRANT_MESSAGES = {
    "reason_required": _("Write the reason for a lower grade or a refusal."),
    "not_handled": _("This province grants only the grades it handles."),
    "better_than_requested": _("The granted grade cannot be higher than the grade requested."),
    "none_granted": _("Grant at least one field, or reject the application."),
    "departs_from_scoring": _("The grade granted departs from the grade the scoring tables support: write the reason."),
}
