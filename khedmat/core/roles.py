"""The staff roles: the one declaration of their names (code and Persian label). It lives in `core`, the lowest
layer, so that `core`'s own desk and admin name roles too; the rest of Khedmat imports it as
`khedmat.accounts.roles`, beside the users and role assignments it belongs to."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """Roles of the organization's staff (SERVICES.md §1.2, §2.3, §5.4)."""

    EXPERT = "expert", _("Expert")
    UNIT_HEAD = "unit_head", _("Unit head")
    COMMITTEE_SECRETARY = "committee_secretary", _("Committee secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    DEPUTY = "deputy", _("Deputy")
    HEAD = "head", _("Head of organization")
    FINANCE = "finance", _("Finance")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that oversee a unit's work: they see every case of the unit and may step in.
OVERSIGHT_ROLES = frozenset({StaffRole.UNIT_HEAD, StaffRole.DEPUTY, StaffRole.HEAD})

# Roles that read a case only through a committee they serve on (secretary, member).
READER_SCOPED_ROLES = frozenset({StaffRole.COMMITTEE_SECRETARY, StaffRole.COMMITTEE_MEMBER})
