"""Official document types."""
from pathlib import Path

import yaml

from khedmat.catalog.models import Service
from khedmat.certificates.models import DocumentType

FILE = Path(__file__).resolve().parent / "fixtures" / "document_types.yaml"


def load(stdout=None) -> None:
    for entry in yaml.safe_load(FILE.read_text(encoding="utf-8")):
        service = Service.objects.filter(code=entry["service"]).first() if entry.get("service") else None
        # Existing rows keep an administrator's edits (validity, template); only new types are added.
        DocumentType.objects.get_or_create(code=entry["code"], defaults={
            "title": entry["title"], "kind": entry["kind"], "service": service, "number_prefix": entry["number_prefix"],
            "template": entry.get("template", "certificates/pdf/certificate.html"),
            "objection_text": entry.get("objection_text", ""),
        })
    if stdout:
        stdout.write(f"  document types: {DocumentType.objects.count()}")
