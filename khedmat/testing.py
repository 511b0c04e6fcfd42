"""Test helpers shared by every app's tests (personas, logins, reading codes from the outbox)."""
import itertools
import re

from django.utils import timezone

from khedmat.core.text import to_ascii_digits
from khedmat.core.validators import national_id_complete, organization_id_complete

PASSWORD = "a-long-test-password-1404"
_serial = itertools.count(1)


def next_national_id() -> str:
    return national_id_complete(f"{7:01d}{next(_serial):08d}")


def next_organization_id() -> str:
    return organization_id_complete(f"10{next(_serial):08d}")


def make_user(**fields):
    from khedmat.accounts.models import User

    n = next(_serial)
    defaults = {
        "first_name": "کاربر",
        "last_name": f"آزمایشی {n}",
        "mobile": f"0912{n:07d}",
        "mobile_verified_at": timezone.now(),
    }
    defaults.update(fields)
    national_id = defaults.pop("national_id", None) or next_national_id()
    return User.objects.create_user(national_id, PASSWORD, **defaults)


def make_staff(*, province, roles, **fields):
    from khedmat.accounts.models import RoleAssignment

    user = make_user(province=province, **fields)
    for role in roles:  # a role (every service) or a (role, service code) pair
        role, service_code = (role, "") if isinstance(role, str) else role
        RoleAssignment.objects.create(user=user, role=role, service_code=service_code)
    return user


def make_organization(*, owner, province, kind="company", role="ceo", name="شرکت آزمایشی", verified=True):
    """An organization `owner` acts for; its claim verified unless `verified=False` (docs/adr/0012)."""
    from khedmat.organizations.models import Membership, Organization

    organization = Organization.objects.create(
        kind=kind, national_id=next_organization_id(), name=name, province=province, created_by=owner,
        claim_status="verified" if verified else "pending", claim_method="staff" if verified else "",
    )
    Membership.objects.create(organization=organization, user=owner, role=role, added_by=owner)
    return organization


def login(client, user):
    """Sign `user` in on the test client, as if the staff second factor had been passed."""
    from khedmat.accounts.middleware import SECOND_FACTOR_SESSION_KEY

    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = True
    session.save()
    return client


def last_code_sent_to(mobile: str) -> str:
    """The one-time code in the latest SMS to `mobile` (Persian digits turned into ASCII)."""
    from khedmat.notifications.models import SentMessage

    message = SentMessage.objects.filter(to=mobile).order_by("-id").first()
    assert message is not None, f"no SMS was sent to {mobile}"
    match = re.search(r"(\d{4,8})", to_ascii_digits(message.body))
    assert match, f"no code in {message.body!r}"
    return match.group(1)


def persian_number_problems(html: str) -> list[str]:
    """The text nodes of a Persian page that show a number wrong: scientific notation («1E+1»),
    ASCII digits, or «.»/«,» between Persian digits instead of «٫»/«٬».

    Not Persian text, so not read: attributes, <script>, <style>, <textarea>, <pre>, <code>, <kbd>,
    <samp>; machine strings shown left to right (an element with dir="ltr" other than the <bdi>
    that isolates a Persian number: keys, message ids); what a person typed or uploaded, shown in a
    <bdi> without dir (file names); URLs and e-mail addresses."""
    from html.parser import HTMLParser

    from khedmat.core.numbers import _MACHINE

    wrong = re.compile(r"\d[eE][+-]\d|[0-9]|[۰-۹][.,][۰-۹]")
    always = {"script", "style", "textarea", "pre", "code", "kbd", "samp"}
    void = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "track"}
    problems: list[str] = []

    class Scanner(HTMLParser):
        stack: list[tuple[str, bool]] = []

        def handle_starttag(self, tag, attrs):
            if tag in void:
                return
            attrs = dict(attrs)
            machine = (tag in always or (attrs.get("dir") == "ltr" and tag != "bdi")
                       or (tag == "bdi" and "dir" not in attrs))
            self.stack.append((tag, machine))

        def handle_endtag(self, tag):
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break

        def handle_data(self, data):
            if not data.strip() or any(machine for _tag, machine in self.stack):
                return
            if wrong.search(_MACHINE.sub("", data)):
                problems.append(data.strip()[:120])

    Scanner(convert_charrefs=True).feed(html)
    return problems


def page_queries(client, url: str, *, status: int = 200) -> list[str]:
    """The SQL a GET of `url` runs (the page must answer `status`): what a query budget counts (docs/testing.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return [query["sql"] for query in queries.captured_queries]


def assert_query_budget(client, url: str, budget: int, *, more=None, status: int = 200) -> int:
    """A GET of `url` runs at most `budget` queries, and, when `more()` is given (it seeds more rows of what the
    page lists), the same number again after it: the count does not grow with the rows (no query per row).
    Counted on a warm process: a first GET fills what a worker caches once (calendars, reference rows)."""
    page_queries(client, url, status=status)
    first = page_queries(client, url, status=status)
    assert len(first) <= budget, f"{url}: {len(first)} queries, budget {budget}:\n" + "\n".join(first)
    if more is not None:
        more()
        again = page_queries(client, url, status=status)
        assert len(again) == len(first), (f"{url}: {len(first)} queries, then {len(again)} with more rows:\n"
                                          + "\n".join(again))
    return len(first)
