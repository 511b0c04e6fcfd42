"""A desk per role: each demo staff member sees only pages they may open, every one answers 200, and
after login each lands on their own work (core/desk.py)."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from khedmat.accounts import demo_data as accounts
from khedmat.accounts.demo_data import DEMO_PASSWORD
from khedmat.accounts.models import User
from khedmat.committees import demo_data as committees
from khedmat.core.desk import all_links, desk_links, landing_url, page_admits
from khedmat.core.validators import national_id_complete
from khedmat.testing import PASSWORD, last_code_sent_to, login

# Demo staff (accounts/demo_data.py), by the first nine digits of the national ID.
DEMO_STAFF = {
    "administrator": "001000001",
    "expert": "001000002",
    "unit_head": "001000003",
    "committee_secretary": "001000004",
    "committee_member": "001000005",
    "deputy": "001000006",
    "head": "001000007",
    "finance": "001000008",
    "isfahan_expert": "001000009",
}

LANDING = {
    "administrator": "core:staff-home",
    "expert": "staff-cases:queue",
    "unit_head": "staff-cases:queue",
    "committee_secretary": "committees:mine",
    "committee_member": "committees:mine",
    "deputy": "cq-report:report",
    "head": "cq-report:report",
    "finance": "finance:list",
    "isfahan_expert": "staff-cases:queue",
}


@pytest.fixture
def demo_staff(db):
    accounts.load()
    committees.load()
    return {name: User.objects.get(national_id=national_id_complete(nine)) for name, nine in DEMO_STAFF.items()}


def desk_hrefs(html: str) -> list[str]:
    desk = html.split('<ul class="cards desk">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)"', desk)


@pytest.mark.parametrize("who", list(DEMO_STAFF))
def test_every_link_on_a_roles_desk_answers_200(demo_staff, who):
    user = demo_staff[who]
    client = Client()
    login(client, user)
    page = client.get("/staff/")
    assert page.status_code == 200
    hrefs = desk_hrefs(page.content.decode())
    assert hrefs == [link.url for link in desk_links(user)]
    assert len(hrefs) == len(set(hrefs)) and hrefs
    for href in hrefs:
        assert client.get(href).status_code == 200, (who, href)


@pytest.mark.parametrize("who", list(DEMO_STAFF))
def test_every_declared_link_the_desk_hides_is_one_its_page_refuses_or_not_the_roles_work(demo_staff, who):
    """Each declared link is either on the desk (and opens) or hidden; a hidden link whose page would
    refuse the person is hidden because of that very rule."""
    user = demo_staff[who]
    client = Client()
    login(client, user)
    shown = {link.url_name for link in desk_links(user)}
    for link in all_links():
        if link.url_name in shown:
            continue
        if not page_admits(user, link.url_name):
            assert client.get(link.url).status_code in (302, 403, 404), (who, link.url_name)


def test_the_expert_no_longer_sees_pages_that_refuse_them(demo_staff):
    names = {link.url_name for link in desk_links(demo_staff["expert"])}
    assert "cq-referrals:list" not in names and "ia-report:report" not in names
    assert {"staff-cases:queue", "cq-report:report", "inquiries:overview"} <= names
    assert not {"finance:list", "admin:index"} & names


def test_finance_sees_its_pages_and_not_the_queue(demo_staff):
    names = {link.url_name for link in desk_links(demo_staff["finance"])}
    assert {"finance:list", "finance:reconciliation", "finance:refused-callbacks"} <= names
    assert "staff-cases:queue" not in names and "committees:mine" not in names


def test_the_committee_link_only_for_members(demo_staff):
    assert "committees:mine" in {link.url_name for link in desk_links(demo_staff["committee_secretary"])}
    assert "committees:mine" not in {link.url_name for link in desk_links(demo_staff["expert"])}


@pytest.mark.parametrize("who", list(DEMO_STAFF))
def test_each_role_lands_on_its_own_work_after_login(demo_staff, who, django_capture_on_commit_callbacks):
    user = demo_staff[who]
    assert landing_url(user) == reverse(LANDING[who])
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/", {"national_id": user.national_id, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"].endswith("/login/verify/")
    response = client.post("/accounts/login/verify/", {"code": last_code_sent_to(user.mobile)})
    assert response.status_code == 302
    assert response["Location"] == reverse(LANDING[who])
    assert client.get(response["Location"]).status_code == 200


def test_an_applicant_still_lands_on_the_account_and_a_next_wins(demo_staff, applicant,
                                                                 django_capture_on_commit_callbacks):
    response = Client().post("/accounts/login/", {"national_id": applicant.national_id, "password": PASSWORD})
    assert response["Location"] == "/accounts/"
    client = Client()
    user = demo_staff["finance"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/?next=/staff/calendar/", {"national_id": user.national_id,
                                                               "password": DEMO_PASSWORD, "next": "/staff/calendar/"})
    response = client.post("/accounts/login/verify/", {"code": last_code_sent_to(user.mobile)})
    assert response["Location"] == "/staff/calendar/"


def test_a_non_staff_person_gets_no_desk(applicant):
    client = Client()
    login(client, applicant)
    assert client.get("/staff/").status_code == 404
    assert desk_links(applicant) == [] and landing_url(applicant) is None


@pytest.mark.parametrize("who", list(DEMO_STAFF))
def test_the_header_menu_shows_the_work_queue_only_where_the_desk_does(client, demo_staff, who):
    user = demo_staff[who]
    login(client, user)
    html = client.get("/staff/").content.decode()
    header = html.split("</header>", 1)[0]
    shown = 'href="/staff/cases/queue/"' in header
    assert shown == ("staff-cases:queue" in {link.url_name for link in desk_links(user)}), who
