import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest

from khedmat.notifications.models import SentMessage
from khedmat.notifications.services import REDACTED, sms_send

pytestmark = pytest.mark.django_db


class _Provider(BaseHTTPRequestHandler):
    """A local stand-in speaking the Kavenegar REST protocol."""

    answer_status = 200
    requests: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).requests.append((self.path, parse_qs(body)))
        status = type(self).answer_status
        payload = {"return": {"status": status, "message": "تایید شد" if status == 200 else "خطا"},
                   "entries": [{"messageid": 8792343, "status": 1}]}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Provider.requests = []
    _Provider.answer_status = 200
    settings.SMS_BACKEND = "khedmat.notifications.sms.KavenegarSmsBackend"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.SMS_HTTP_API_KEY = "test-key"
    settings.SMS_HTTP_SENDER = "10004346"
    yield _Provider
    server.shutdown()


def test_console_backend_prints_and_keeps_the_message(capsys):
    message = sms_send(to="09121234567", text="کد شما: ۱۲۳۴۵۶", sensitive=True)
    assert "کد شما" in capsys.readouterr().out
    assert message.status == SentMessage.Status.SENT and message.body == "کد شما: ۱۲۳۴۵۶"


def test_sensitive_bodies_are_redacted_without_the_development_outbox(settings):
    settings.DEV_OUTBOX_ENABLED = False
    message = sms_send(to="09121234567", text="کد شما: ۱۲۳۴۵۶", sensitive=True)
    assert message.body == REDACTED


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.SMS_BACKEND = "khedmat.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    sms_send(to="09121234567", text="سلام")
    line = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8").strip())
    assert line["to"] == "09121234567" and line["text"] == "سلام"


def test_http_provider_receives_the_message(provider):
    message = sms_send(to="09121234567", text="کد ورود: ۴۴۴۴۴۴")
    path, form = provider.requests[0]
    assert path == "/v1/test-key/sms/send.json"
    assert form["receptor"] == ["09121234567"] and form["message"] == ["کد ورود: ۴۴۴۴۴۴"]
    assert form["sender"] == ["10004346"]
    assert message.status == SentMessage.Status.SENT and message.provider_reference == "8792343"


def test_http_provider_refusal_is_recorded_not_raised(provider):
    provider.answer_status = 418
    message = sms_send(to="09121234567", text="x")
    assert message.status == SentMessage.Status.FAILED and "418" in message.error


def test_unreachable_provider_is_recorded_not_raised(settings):
    settings.SMS_BACKEND = "khedmat.notifications.sms.KavenegarSmsBackend"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/v1"
    settings.SMS_HTTP_API_KEY = "k"
    settings.SMS_HTTP_TIMEOUT = 2
    message = sms_send(to="09121234567", text="x")
    assert message.status == SentMessage.Status.FAILED and "unreachable" in message.error


def test_development_outbox_page(client, settings):
    sms_send(to="09121234567", text="کد ثبت‌نام: ۱۱۱۲۲۲")
    assert "۱۱۱۲۲۲" in client.get("/dev/outbox/").content.decode()
    settings.DEV_OUTBOX_ENABLED = False
    assert client.get("/dev/outbox/").status_code == 404


@pytest.mark.parametrize("meta", [
    {"REMOTE_ADDR": "192.168.1.20"},
    {"REMOTE_ADDR": "10.0.0.5"},
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.168.1.20"},  # a proxy on this machine
    {"REMOTE_ADDR": "::1", "HTTP_FORWARDED": "for=192.168.1.20"},
    {"REMOTE_ADDR": ""},
])
def test_development_outbox_answers_only_loopback_clients(client, meta):
    sms_send(to="09121234567", text="کد ثبت‌نام: ۱۱۱۲۲۲")
    response = client.get("/dev/outbox/", **meta)
    assert response.status_code == 404 and "۱۱۱۲۲۲" not in response.content.decode()
    # Nor is it linked from the layout for that client.
    assert "/dev/outbox/" not in client.get("/", **meta).content.decode()


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1"])
def test_development_outbox_says_what_it_is_to_a_loopback_client(client, address):
    sms_send(to="09121234567", text="کد ثبت‌نام: ۱۱۱۲۲۲")
    html = client.get("/dev/outbox/", REMOTE_ADDR=address).content.decode()
    assert "۱۱۱۲۲۲" in html
    assert "صندوق خروجی توسعه" in html and "واقعاً" in html
    assert "/dev/outbox/" in client.get("/", REMOTE_ADDR=address).content.decode()
