"""Inquiry sources named in the published statements."""
from pathlib import Path

import yaml

from khedmat.inquiries.models import InquirySource

FILE = Path(__file__).resolve().parent / "fixtures" / "sources.yaml"


def load(stdout=None) -> None:
    created = 0
    for entry in yaml.safe_load(FILE.read_text(encoding="utf-8")):
        code = entry.pop("code")
        # Existing sources keep an administrator's edits (address, expected time, sample rate).
        _source, new = InquirySource.objects.get_or_create(code=code, defaults=entry)
        created += new
    if stdout:
        stdout.write(f"  inquiry sources created: {created}")
