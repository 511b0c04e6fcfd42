"""Demo only: this year's fee table for service 4, copied from the 1399 amounts and labelled as such,
so that the demo can pay a fee. In a real deployment an administrator enters each budget law's table."""
from django.utils import timezone

from khedmat.core import jalali
from khedmat.payments.models import FeeSchedule

DEMO_SOURCE = "داده نمایشی — مبالغ جدول ۱۳۹۹؛ جدول امسال را مدیر سامانه وارد می‌کند"


def load(stdout=None) -> list[str]:
    year = jalali.to_jalali(timezone.localdate()).year
    first, last = jalali.jalali_year_bounds(year)
    for row in FeeSchedule.objects.filter(service__code="contractor_qualification", budget_year=1399):
        FeeSchedule.objects.get_or_create(
            service=row.service, item_code=row.item_code, budget_year=year,
            defaults={"item_label": row.item_label, "amount_rials": row.amount_rials, "revenue_row": row.revenue_row,
                      "valid_from": first, "valid_to": last, "source": DEMO_SOURCE},
        )
    return []
