from pathlib import Path

import yaml

from khedmat.services.contractor_qualification.models import ContractingField

FILE = Path(__file__).resolve().parent / "fixtures" / "fields.yaml"


def load(stdout=None) -> None:
    for order, entry in enumerate(yaml.safe_load(FILE.read_text(encoding="utf-8")), start=1):
        ContractingField.objects.get_or_create(code=entry["code"], defaults={"name": entry["name"], "ordering": order})
    if stdout:
        stdout.write(f"  fields of work: {ContractingField.objects.count()}")
