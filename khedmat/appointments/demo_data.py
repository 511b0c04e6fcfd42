"""Demo only: one SAMPLE scoring scheme for visit reports, flagged `is_sample` and titled as demo data,
so the report screen can be tried. A real deployment ships no scheme: an administrator enters the
criteria a service's regulation sets, and a process's appointment kind names the scheme by code."""
from khedmat.appointments.models import ScoringCriterion, ScoringScheme

DEMO_LABEL = "نمونه — داده نمایشی"
CRITERIA = [
    ("تطابق نشانی و فضای کار با مدارک", 20),
    ("تجهیزات و امکانات", 30),
    ("نیروی انسانی حاضر", 30),
    ("رعایت نکات ایمنی", 20),
]


def load(stdout=None) -> list[str]:
    scheme, created = ScoringScheme.objects.get_or_create(
        code="sample_field_visit", defaults={"title": f"امتیاز بازدید میدانی ({DEMO_LABEL})", "is_sample": True})
    if created:
        for order, (title, max_score) in enumerate(CRITERIA, start=1):
            ScoringCriterion.objects.create(scheme=scheme, order=order, title=title, max_score=max_score)
    return []
