"""Reference data owned by core: provinces and offices."""
from pathlib import Path

import yaml

from khedmat.core.models import Office, Province

FILE = Path(__file__).resolve().parent / "fixtures" / "provinces.yaml"


def load(stdout=None) -> None:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    for order, entry in enumerate(data["provinces"], start=1):
        Province.objects.update_or_create(
            code=entry["code"],
            defaults={"name": entry["name"], "ordering": order, "is_active": bool(entry.get("active"))},
        )
    for entry in data["offices"]:
        Office.objects.update_or_create(
            province=Province.objects.get(code=entry["province"]),
            code=entry["code"],
            defaults={"name": entry["name"], "is_headquarters": bool(entry.get("headquarters"))},
        )
    if stdout:
        stdout.write(f"  provinces: {Province.objects.count()}, offices: {Office.objects.count()}")
