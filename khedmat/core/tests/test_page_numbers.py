"""Every page of the demo, as every demo person sees it, shows numbers in Persian: no «1E+1», no
ASCII digits in the text, «٫» and «٬» between Persian digits (issue 16, point 2). The pages are found
by following links from each person's home page, so a new page is covered once something links it."""
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command

from khedmat.accounts.models import RoleAssignment, User
from khedmat.testing import login, persian_number_problems

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/logout", "/static/", "/media/", "/dev/", "/healthz")
SKIP_SUFFIXES = (".pdf", ".xlsx", ".csv", ".json", ".svg", ".png", "/pdf/", "/download/")
PAGES_PER_PERSON = 120


def _links(html: str) -> list[str]:
    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                href = dict(attrs).get("href") or ""
                if href.startswith("/") and not href.startswith("//"):
                    found.append(urldefrag(href)[0])

    Links(convert_charrefs=True).feed(html)
    return found


def _walk(client, start="/"):
    seen, shown, problems = set(), set(), {}
    queue = deque([start, "/accounts/", "/notifications/", "/services/"])
    while queue and len(seen) < PAGES_PER_PERSON:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIP_PREFIXES) or path.endswith(SKIP_SUFFIXES) or "download" in path:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        shown.add(path)
        found = persian_number_problems(html)
        if found:
            problems[url] = found
        queue.extend(link for link in _links(html) if link not in seen)
    return shown, problems


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.VAR_DIR = tmp_path  # the demo's SMS log and logins, not make run's var/
    call_command("load_demo_data", stdout=open("/dev/null", "w"))


def test_every_demo_page_shows_numbers_in_persian(client, demo):
    people = {}
    for assignment in RoleAssignment.objects.select_related("user").order_by("pk"):
        people.setdefault(assignment.role, assignment.user)
    applicant = User.objects.filter(cases__isnull=False).distinct().order_by("pk").first()
    assert applicant is not None and len(people) >= 5
    everyone = [None, applicant, *people.values()]
    walked, problems = set(), {}
    for person in everyone:
        client.logout()
        if person is not None:
            login(client, person)
        seen, found = _walk(client)
        walked |= seen
        for url, texts in found.items():
            problems.setdefault(url, texts)
    assert len(walked) > 100, sorted(walked)
    # The pages of the issue are among them: the public SLA tables, both service reports, the inbox.
    for page in ("/services/contractor_qualification/", "/staff/contractors/report/", "/staff/accreditation/report/",
                 "/notifications/"):
        assert page in walked, sorted(walked)
    assert problems == {}
