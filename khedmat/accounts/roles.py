"""The staff roles (declared in `core.roles`, the lowest layer, so `core` can name them too)."""
from khedmat.core.roles import OVERSIGHT_ROLES, READER_SCOPED_ROLES, StaffRole

__all__ = ["OVERSIGHT_ROLES", "READER_SCOPED_ROLES", "StaffRole"]
