"""Each helper the services share has one home in the platform (issue 18): these checks fail when a copy comes
back, so services still to come reuse the helper instead of copying it. (The `duplicates` tool that finds copied
blocks is not available in CI; these pin the homes it led to.)"""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the khedmat package


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("pattern", "home"), [
    (r"^\s*(from|import) openpyxl", "core/excel.py"),                  # the RTL Excel sheet
    (r"^\s*def _?add_months\(", "core/jalali.py"),                       # Jalali months arithmetic
    (r"calendar_for\(province=self\.province_id", "workcalendar/selectors.py"),  # a report's calendars
    (r"DocumentType\.objects\.get\(", "certificates/selectors.py"),     # the lookup before document_issue
    (r"def day\(self, working_days_ago", "cases/demo.py"),             # the demo timeline
    (r"Demo user .* is missing", "accounts/demo_data.py"),              # a demo person
    (r"Membership\.objects\.get_or_create\(", "organizations/demo_data.py"),  # a demo organization
    (r"str\(row\.get\(\"grade\"", "services/contractor_qualification/rules.py"),  # service 4: requested grades
])
def test_a_shared_helper_lives_in_one_module(pattern, home):
    regex = re.compile(pattern, re.MULTILINE)
    assert [name for name, text in _sources() if regex.search(text)] == [home]


TEMPLATES = ROOT.parent / "templates"


@pytest.mark.parametrize(("needle", "home"), [
    ('class="docmeta"', "certificates/pdf/base.html"),                 # every PDF's number and date
    ('aria-labelledby="rounds-caption"', "includes/rounds_table.html"),  # a report's deficiency rounds
])
def test_a_shared_template_block_lives_in_one_template(needle, home):
    found = [path.relative_to(TEMPLATES).as_posix() for path in sorted(TEMPLATES.rglob("*.html"))
             if needle in path.read_text(encoding="utf-8")]
    assert found == [home]
