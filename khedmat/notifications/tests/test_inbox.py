import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from khedmat.notifications.context_processors import unread_count
from khedmat.notifications.models import OutboxMessage
from khedmat.notifications.services import notification_enqueue, notify_user
from khedmat.testing import login

pytestmark = [pytest.mark.django_db, pytest.mark.urls("khedmat.notifications.tests.urls")]


def _inapp(user, key, subject="پیام تازه", body="پرونده 1404-123 دریافت شد."):
    return notification_enqueue(channel="inapp", recipient=user, subject=subject, body=body, template="t",
                                 idempotency_key=key)


def test_inbox_requires_login(client):
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_inbox_lists_only_my_messages_newest_first_with_unread_marked(client, applicant, other_applicant):
    _inapp(applicant, "old", subject="پیام قدیمی")
    _inapp(applicant, "new", subject="پیام جدید")
    _inapp(other_applicant, "theirs", subject="پیام دیگری")
    notification_enqueue(channel="sms", recipient=applicant, to=applicant.mobile, body="فقط پیامک",
                         idempotency_key="sms")
    login(client, applicant)
    html = client.get(reverse("inbox:list")).content.decode()
    assert "پیام جدید" in html and "پیام قدیمی" in html
    assert html.index("پیام جدید") < html.index("پیام قدیمی")
    assert "پیام دیگری" not in html and "فقط پیامک" not in html
    assert "۱۴۰۴-۱۲۳" in html  # digits shown in Persian
    assert html.count('class="tag info"') == 2
    assert "<h1>" in html and 'method="post"' in html


def test_marking_one_and_all_read(client, applicant):
    first = _inapp(applicant, "a")
    second = _inapp(applicant, "b")
    login(client, applicant)
    response = client.post(reverse("inbox:mark-read", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("inbox:list")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    html = client.get(reverse("inbox:list")).content.decode()
    assert html.count('class="tag info"') == 1
    client.post(reverse("inbox:mark-all-read"), {"page": "2"})
    assert not OutboxMessage.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    assert 'class="tag info"' not in client.get(reverse("inbox:list")).content.decode()


def test_marking_read_needs_post(client, applicant):
    message = _inapp(applicant, "a")
    login(client, applicant)
    assert client.get(reverse("inbox:mark-read", args=[message.pk])).status_code == 405
    message.refresh_from_db()
    assert message.read_at is None


def test_nobody_marks_someone_elses_message_read(client, applicant, other_applicant):
    message = _inapp(applicant, "a")
    login(client, other_applicant)
    assert client.post(reverse("inbox:mark-read", args=[message.pk])).status_code == 404
    assert client.post(reverse("inbox:mark-read", args=[10**9])).status_code == 404  # and missing alike
    client.post(reverse("inbox:mark-all-read"))
    message.refresh_from_db()
    assert message.read_at is None


def test_inbox_pages(client, applicant):
    for n in range(25):
        _inapp(applicant, f"m{n}", subject=f"پیام {n}")
    login(client, applicant)
    first = client.get(reverse("inbox:list")).content.decode()
    assert "پیام ۲۴" in first and "پیام ۴<" not in first and 'rel="next"' in first
    second = client.get(reverse("inbox:list") + "?page=2").content.decode()
    assert "پیام ۴<" in second and 'rel="prev"' in second


def test_empty_inbox(client, applicant):
    login(client, applicant)
    response = client.get(reverse("inbox:list"))
    assert response.status_code == 200 and "Mark all as read" not in response.content.decode()


def test_unread_count_is_lazy_and_one_query(applicant, other_applicant, django_assert_num_queries):
    notify_user(user=applicant, subject="s", body="b", template="t", idempotency_key="x", channels=("inapp",))
    _inapp(applicant, "y")
    _inapp(other_applicant, "z")
    request = RequestFactory().get("/")
    request.user = applicant
    with django_assert_num_queries(0):
        context = unread_count(request)
    with django_assert_num_queries(1):
        assert int(context["notifications_unread_count"]) == 2
        assert str(context["notifications_unread_count"]) == "2"
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert not unread_count(request)["notifications_unread_count"]


def test_admin_lists_the_outbox_and_retries_failed_messages_only(client, administrator, applicant, settings):
    failed = notification_enqueue(channel="inapp", recipient=applicant, body="x", idempotency_key="f")
    OutboxMessage.objects.filter(pk=failed.pk).update(status="failed", attempts=6)
    sent = notification_enqueue(channel="inapp", recipient=applicant, body="y", idempotency_key="s")
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent", attempts=1)
    login(client, administrator)
    url = reverse("admin:notifications_outboxmessage_changelist")
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:notifications_outboxmessage_change", args=[failed.pk])).status_code == 200
    response = client.post(url, {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == "pending" and sent.status == "sent"


def test_the_admin_action_is_for_administrators_only(client, expert, applicant):
    message = notification_enqueue(channel="inapp", recipient=applicant, body="x", idempotency_key="f")
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed")
    login(client, expert)
    client.post(reverse("admin:notifications_outboxmessage_changelist"),
                {"action": "retry_now", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.status == "failed"


def test_unread_count_renders_in_a_template(applicant):
    _inapp(applicant, "a")
    request = RequestFactory().get("/")
    request.user = applicant
    template = Template("{% if n %}{{ n|fa }}{% endif %}{% if n > 0 %}+{% endif %}{% if n > 9 %}many{% endif %}")
    assert template.render(Context({"n": unread_count(request)["notifications_unread_count"]})).strip() == "۱+"
