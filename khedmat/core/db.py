"""Database helpers that differ by engine."""
from django.db import connection
from django.db.models.functions import Collate

# PostgreSQL's C collation sorts پ after ت; ICU's Persian collation sorts as Persian readers expect.
PERSIAN_COLLATION = "fa-IR-x-icu"


def persian_order(field: str):
    """An ORDER BY expression for Persian text: ICU Persian collation on PostgreSQL, as is elsewhere."""
    if connection.vendor == "postgresql":
        return Collate(field, PERSIAN_COLLATION)
    return field
