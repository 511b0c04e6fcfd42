"""Set Persian translations in the catalogue: python tools/po_set.py 'msgid=msgstr' … (clears fuzzy)."""
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def main(pairs: list[str]) -> int:
    catalogue = polib.pofile(str(PO), wrapwidth=79)
    wanted = dict(pair.split("=", 1) for pair in pairs)
    for entry in catalogue:
        if entry.msgid in wanted:
            entry.msgstr = wanted.pop(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    catalogue.save()
    for msgid in wanted:
        print(f"not in the catalogue: {msgid}", file=sys.stderr)
    return 1 if wanted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
