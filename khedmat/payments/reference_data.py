"""Fee tables published in the statements (only the years the organization published)."""
from pathlib import Path

import yaml

from khedmat.catalog.models import Service
from khedmat.core import jalali
from khedmat.payments.models import FeeSchedule

FILE = Path(__file__).resolve().parent / "fixtures" / "fee_schedules.yaml"


def load(stdout=None) -> None:
    created = 0
    for table in yaml.safe_load(FILE.read_text(encoding="utf-8")):
        service = Service.objects.get(code=table["service"])
        for item in table["items"]:
            _row, new = FeeSchedule.objects.get_or_create(
                service=service, item_code=item["code"], budget_year=table["budget_year"],
                defaults={"item_label": item["label"], "amount_rials": item["amount"],
                          "revenue_row": table["revenue_row"],
                          "valid_from": jalali.parse_jalali_date(table["valid_from"]),
                          "valid_to": jalali.parse_jalali_date(table["valid_to"]), "source": table["source"]},
            )
            created += new
    if stdout:
        stdout.write(f"  fee schedule rows created: {created}")
