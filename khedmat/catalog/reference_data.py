"""The five services and their SLA statements, transcribed from the published statements."""
from pathlib import Path

import yaml

from khedmat.catalog.services import service_catalog_load

FILE = Path(__file__).resolve().parent / "fixtures" / "sla_statements.yaml"


def load(stdout=None) -> None:
    if not FILE.exists():
        raise FileNotFoundError(FILE)
    services = service_catalog_load(data=yaml.safe_load(FILE.read_text(encoding="utf-8")))
    if stdout:
        stdout.write(f"  services: {len(services)}")
