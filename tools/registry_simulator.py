"""A local simulator of the national registries Khedmat inquires of, and of the PBO's SAJAR intake that
service 4 refers its files to, so inquiries and referrals run with no outside network.

    python tools/registry_simulator.py --port 8020 [--host 127.0.0.1] [--data tools/registry_data.json]

Standard library only (no Django). The records come from a JSON seed file (tools/registry_data.json by
default) and live in memory; tests add more at run time. JSON in and out, UTF-8.

Registries (the names in brackets are the registry names used by the controls and the seed file; they are
also the adapter codes of khedmat/inquiries/adapters.py):

    GET  /civil-registry/persons/<national_id>          [civil_registry]   ثبت احوال
         -> {"national_id", "first_name", "last_name", "birth_date": "1360-05-12" (Jalali), "alive": true}
    GET  /gazette/companies/<organization_id>           [official_gazette] روزنامه رسمی
         -> {"organization_id", "name", "registration_number", "registered_on",
             "notices": [{"date", "title", "number"}],
             "signatories": [{"national_id", "role": "ceo"|"signatory"|…}],   (signatories: optional)
             "status": "active"|"dissolved"|"liquidating"|"suspended"}     (status: optional, "active")
    GET  /tax/returns/<national_or_organization_id>?year=1402                 [tax_org] امور مالیاتی
         -> {"id", "year", "filed": true, "declared_income": int}
    POST /social-security/insurance  {"national_id", "password"}             [social_security] تامین اجتماعی
         -> {"national_id", "insured": true, "months": int, "employer": "..."}
            401 {"error": "bad_credentials"} when the password is not the applicant's
    GET  /degrees/<national_id>                          [padak] پاداک
         -> {"national_id", "degrees": [{"level", "field", "university", "year"}]}

An unknown record is 404 {"error": "not_found"}; a malformed identifier or year is 400 {"error": "invalid_..."}.

The SAJAR intake (the protocol of khedmat/services/contractor_qualification/sajar.py; its name "sajar" is
for the controls only, it is not an inquiry adapter):

    POST /sajar/referrals  {"message_id", "payload"}        [sajar] ساجار
         -> 201 {"message_id", "receipt"}; the same message id again -> 200 with the first receipt
            400 {"error": "invalid_message_id"} (not 1-64 letters, digits and "-"),
            400 {"error": "invalid_payload"} (no payload.certificate.number or payload.applicant.national_id)
    GET  /sajar/referrals/<message_id>
         -> {"message_id", "status": "received"|"registered", "registration_number": str|null}
            A received referral is "registered" (and gets its number) at the first status request made
            `register_after` seconds or more after it was received (default 0: the first request).

Referrals live in memory only (the seed file has none; /_simulator/seed does not take them).

Test controls (not part of any registry):

    POST /_simulator/control  {"mode": "normal"|"slow"|"fail"|"garbage"|"flaky", "delay": seconds,
                               "registry": optional registry name, "failures": optional count for flaky,
                               "register_after": optional seconds, with "registry": "sajar" only}
        slow      sleep `delay` seconds (default 30), then answer normally
        fail      HTTP 503 {"error": "unavailable"}
        garbage   HTTP 200 with a body the registry does not document: alternately not JSON at all
                  (an HTML error page) and JSON of the wrong shape (the right record with its types changed;
                  SAJAR's answers, all text, come wrapped in {"result": ...} instead). A referral posted
                  in garbage mode is still received: only its answer is lost.
        flaky     the first `failures` (default 2) requests answer 503, then normal again
        Without "registry" the mode applies to every registry (and replaces per-registry modes);
        with it, only that registry's requests are affected. "register_after" (sajar only) sets the
        registration delay above; it stays until set again or reset.
    POST /_simulator/seed     {"registry", "key", "record"}   add or replace one record (tax_org: the record
                              carries its "year"; social_security: its "password")
    POST /_simulator/reset    back to the seed file, every mode normal, no referral, register_after 0,
                              the request log emptied
    GET  /_simulator/health   200 {"status": "ok", "modes": {...}, "records": {...}, "sajar_register_after": s}

One line per request goes to stderr. Request bodies are never logged, and the request log kept for tests
(``state.requests``) redacts every password.
"""
from __future__ import annotations

import argparse
import copy
import hmac
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_DATA = Path(__file__).resolve().with_name("registry_data.json")
DEFAULT_PORT = 8020
REGISTRIES = ("civil_registry", "official_gazette", "tax_org", "social_security", "padak", "sajar")
ALIASES = {  # the path prefix also names its registry
    "civil-registry": "civil_registry",
    "gazette": "official_gazette",
    "tax": "tax_org",
    "social-security": "social_security",
    "degrees": "padak",
}
MODES = ("normal", "slow", "fail", "garbage", "flaky")
DEFAULT_DELAY = 30.0
DEFAULT_FAILURES = 2
SECRET_KEYS = re.compile(r"pass|secret|token", re.IGNORECASE)
REDACTED = "[redacted]"
NATIONAL_ID = re.compile(r"^\d{10}$")
ORGANIZATION_ID = re.compile(r"^\d{11}$")
YEAR = re.compile(r"^1[34]\d\d$")  # Jalali years 1300-1499
MESSAGE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")  # a UUID in practice

ROUTES = (  # (method, pattern, registry)
    ("GET", re.compile(r"^/civil-registry/persons/([^/]+)$"), "civil_registry"),
    ("GET", re.compile(r"^/gazette/companies/([^/]+)$"), "official_gazette"),
    ("GET", re.compile(r"^/tax/returns/([^/]+)$"), "tax_org"),
    ("POST", re.compile(r"^/social-security/insurance$"), "social_security"),
    ("GET", re.compile(r"^/degrees/([^/]+)$"), "padak"),
    ("POST", re.compile(r"^/sajar/referrals$"), "sajar"),
    ("GET", re.compile(r"^/sajar/referrals/([^/]+)$"), "sajar"),
)

GARBAGE_PAGE = """<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>خطای سامانه</title></head>
<body><h1>سامانه در حال به‌روزرسانی است</h1><p>لطفاً بعداً مراجعه کنید.</p></body></html>
"""


def registry_name(name: object) -> str | None:
    """The canonical registry name for a name or a path alias; None when it is neither."""
    if not isinstance(name, str):
        return None
    name = ALIASES.get(name, name)
    return name if name in REGISTRIES else None


def load_seed(path: Path | str | None) -> dict[str, dict]:
    """The seed file as {registry: {key: record}}; keys starting with "_" (comments) are dropped."""
    data: dict[str, dict] = {name: {} for name in REGISTRIES}
    if path is None:
        return data
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: the seed must be a JSON object")
    for name, records in raw.items():
        if name.startswith("_"):
            continue
        canonical = registry_name(name)
        if canonical is None or not isinstance(records, dict):
            raise ValueError(f"{path}: unknown registry {name!r} or records that are not an object")
        if canonical == "sajar":
            raise ValueError(f"{path}: SAJAR referrals are received at run time, not seeded")
        data[canonical].update({key: value for key, value in records.items() if not key.startswith("_")})
    return data


def redact(params: dict) -> dict:
    """A copy of request parameters with every secret-looking value replaced (for logs and assertions)."""
    return {key: (REDACTED if SECRET_KEYS.search(str(key)) else value) for key, value in params.items()}


def wrong_shape(payload: object) -> object:
    """The same answer with its types changed: booleans and numbers as text, lists wrapped in an object."""
    if isinstance(payload, bool):
        return "true" if payload else "false"
    if isinstance(payload, (int, float)):
        return f"{payload:,}"
    if isinstance(payload, list):
        return {"items": [wrong_shape(item) for item in payload], "count": str(len(payload))}
    if isinstance(payload, dict):
        return {key: wrong_shape(value) for key, value in payload.items()}
    return payload


@dataclass
class Control:
    mode: str = "normal"
    delay: float = DEFAULT_DELAY
    failures_left: int = 0  # flaky: requests still to fail
    garbage_served: int = 0  # garbage: alternates the kind of garbage


class SimulatorState:
    def __init__(self, data_path: Path | str | None = DEFAULT_DATA):
        self.data_path = data_path
        self.lock = threading.Lock()
        self.data: dict[str, dict] = {}
        self.controls: dict[str | None, Control] = {}
        self.requests: list[tuple[str, dict]] = []  # (path, params) of registry requests, passwords redacted
        self.register_after = 0.0  # sajar: seconds from receipt to registration
        self.serial = 0  # sajar: last receipt / registration serial given
        self._seed = load_seed(data_path)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.data = copy.deepcopy(self._seed)
            self.controls = {None: Control()}
            self.requests.clear()
            self.register_after = 0.0
            self.serial = 0

    def referral_receive(self, message_id: str, payload: dict) -> tuple[int, dict]:
        """Take a referral (idempotent by message id): 201 the first time, 200 with the same receipt after."""
        with self.lock:
            referral = self.data["sajar"].get(message_id)
            if referral is not None:
                return 200, {"message_id": message_id, "receipt": referral["receipt"]}
            self.serial += 1
            referral = {"receipt": f"SJR-{self.serial:06d}", "status": "received", "received_at": time.monotonic(),
                        "registration_number": None, "payload": copy.deepcopy(payload)}
            self.data["sajar"][message_id] = referral
            return 201, {"message_id": message_id, "receipt": referral["receipt"]}

    def referral_status(self, message_id: str) -> tuple[int, dict]:
        """Where a referral stands; it is registered at the first look `register_after` seconds after receipt."""
        with self.lock:
            referral = self.data["sajar"].get(message_id)
            if referral is None:
                return NOT_FOUND
            due = time.monotonic() - referral["received_at"] >= self.register_after
            if referral["status"] == "received" and due:
                self.serial += 1
                referral["status"], referral["registration_number"] = "registered", f"{1400000000 + self.serial}"
            return 200, {"message_id": message_id, "status": referral["status"],
                         "registration_number": referral["registration_number"]}

    def behaviour(self, registry: str) -> tuple[str, float, int]:
        """What to do with one request to `registry`: (action, delay, garbage count); counts flaky requests."""
        with self.lock:
            control = self.controls.get(registry) or self.controls[None]
            if control.mode == "flaky":
                if control.failures_left > 0:
                    control.failures_left -= 1
                    return "fail", 0.0, 0
                return "normal", 0.0, 0
            if control.mode == "garbage":
                control.garbage_served += 1
                return "garbage", 0.0, control.garbage_served
            return control.mode, control.delay, 0

    def modes(self) -> dict[str, str]:
        with self.lock:
            default = self.controls[None].mode
            return {name: (self.controls.get(name) or self.controls[None]).mode for name in REGISTRIES} | {
                "*": default
            }


class SimulatorServer(ThreadingHTTPServer):
    """The registry simulator. ``SimulatorServer(("127.0.0.1", 0))`` picks a free port (see ``.url``).

    ``log`` receives one line per request (default: written to stderr); ``quiet`` silences it.
    """

    daemon_threads = True

    def __init__(
        self,
        server_address,
        *,
        data_path: Path | str | None = DEFAULT_DATA,
        quiet: bool = False,
        log: Callable[[str], None] | None = None,
    ):
        self.state = SimulatorState(data_path)
        self.quiet = quiet
        self.log = log or (lambda line: sys.stderr.write(line + "\n"))
        self.closing = threading.Event()  # wakes handlers sleeping in slow mode when the server stops
        super().__init__(server_address, SimulatorHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def write_log(self, line: str) -> None:
        if not self.quiet:
            self.log(line)

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):  # the client gave up (e.g. it timed out): not a bug
            self.write_log(f"registry-simulator {client_address[0]} gone: {type(exc).__name__}")
            return
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        self.closing.set()
        super().server_close()


class SimulatorHandler(BaseHTTPRequestHandler):
    server: SimulatorServer
    server_version = "KhedmatRegistrySimulator/1.0"

    # -- plumbing ----------------------------------------------------------------------------------------------

    def log_request(self, code="-", size="-"):  # replaced by the single line written in _dispatch
        pass

    def log_message(self, format, *args):  # errors of the HTTP layer itself (bad request lines)
        self.server.write_log(f"registry-simulator {self.address_string()} {format % args}")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.status = status
        self._log_line()  # before the body goes out: once a client has its answer, the line is there
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _log_line(self) -> None:
        if self.logged:
            return
        self.logged = True
        elapsed = (time.monotonic() - self.began) * 1000
        parts = urlsplit(self.path)  # the query carries ids and years only; bodies are never logged
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        self.server.write_log(
            f"registry-simulator {self.address_string()} [{self.log_date_time_string()}] "
            f'"{self.command} {target}" {self.status} {elapsed:.0f}ms registry={self.registry} mode={self.action}'
        )

    def _json(self, payload: object, status: int = 200) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _error(self, status: int, error: str) -> None:
        self._json({"error": error}, status)

    def _read_json(self) -> dict | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        self.began = time.monotonic()
        self.status: int | str = "-"  # stays "-" when the connection is closed without an answer
        self.registry, self.action, self.logged = "-", "-", False
        try:
            self._route(method)
        finally:
            self._log_line()

    # -- routing -----------------------------------------------------------------------------------------------

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/_simulator/"):
            return self._simulator(method, path)
        for route_method, pattern, registry in ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            if method != route_method:
                return self._error(405, "method_not_allowed")
            self.registry = registry
            return self._registry(registry, unquote(match.group(1)) if match.groups() else "", parts.query)
        return self._error(404, "no_such_endpoint")

    def _registry(self, registry: str, key: str, query: str) -> None:
        params = {name: values[-1] for name, values in parse_qs(query).items()}
        body: dict | None = None
        if self.command == "POST":
            body = self._read_json()
            if body is None:
                return self._error(400, "body_is_not_a_json_object")
            params.update(body)
        state = self.server.state
        with state.lock:
            state.requests.append((urlsplit(self.path).path, redact(params)))
        action, delay, garbage_count = state.behaviour(registry)
        self.action = action
        if action == "slow":
            if self.server.closing.wait(delay):
                self.close_connection = True  # the server is stopping: no answer at all
                return None
        elif action == "fail":
            return self._error(503, "unavailable")
        status, payload = self._answer(registry, key, params)
        if action == "garbage":
            if garbage_count % 2 == 1:
                return self._send(200, GARBAGE_PAGE.encode(), "text/html; charset=utf-8")
            if status not in (200, 201):
                return self._json({"status": "OK", "result": None})
            # SAJAR's answers are all text, which wrong_shape leaves alone: nest them instead.
            return self._json({"result": payload} if registry == "sajar" else wrong_shape(payload))
        return self._json(payload, status)

    # -- the registries ----------------------------------------------------------------------------------------

    def _answer(self, registry: str, key: str, params: dict) -> tuple[int, dict]:
        records = self.server.state.data[registry]
        if registry == "civil_registry":
            if not NATIONAL_ID.match(key):
                return 400, {"error": "invalid_national_id"}
            record = records.get(key)
            return (200, {"national_id": key, **without_secrets(record)}) if record is not None else NOT_FOUND
        if registry == "official_gazette":
            if not ORGANIZATION_ID.match(key):
                return 400, {"error": "invalid_organization_id"}
            record = records.get(key)
            return (200, {"organization_id": key, **without_secrets(record)}) if record is not None else NOT_FOUND
        if registry == "tax_org":
            if not (NATIONAL_ID.match(key) or ORGANIZATION_ID.match(key)):
                return 400, {"error": "invalid_id"}
            year = str(params.get("year") or "")
            if not YEAR.match(year):
                return 400, {"error": "invalid_year"}
            record = (records.get(key) or {}).get(year)
            if record is None:
                return NOT_FOUND
            return 200, {"id": key, "year": int(year), **without_secrets(record)}
        if registry == "social_security":
            national_id, password = params.get("national_id"), params.get("password")
            if not isinstance(national_id, str) or not NATIONAL_ID.match(national_id):
                return 400, {"error": "invalid_national_id"}
            record = records.get(national_id)
            if record is None:
                return NOT_FOUND
            expected = str(record.get("password") or "")
            if not isinstance(password, str) or not expected or not hmac.compare_digest(
                password.encode(), expected.encode()
            ):
                return 401, {"error": "bad_credentials"}
            return 200, {"national_id": national_id, **without_secrets(record)}
        if registry == "padak":
            if not NATIONAL_ID.match(key):
                return 400, {"error": "invalid_national_id"}
            record = records.get(key)
            return (200, {"national_id": key, **without_secrets(record)}) if record is not None else NOT_FOUND
        if registry == "sajar":
            return self._sajar(key, params)
        raise AssertionError(registry)  # pragma: no cover - ROUTES names only the registries above

    def _sajar(self, key: str, params: dict) -> tuple[int, dict]:
        state = self.server.state
        if self.command == "GET":
            return state.referral_status(key) if MESSAGE_ID.match(key) else NOT_FOUND
        message_id, payload = params.get("message_id"), params.get("payload")
        if not isinstance(message_id, str) or not MESSAGE_ID.match(message_id):
            return 400, {"error": "invalid_message_id"}
        if not referral_payload_valid(payload):
            return 400, {"error": "invalid_payload"}
        return state.referral_receive(message_id, payload)

    # -- test controls -----------------------------------------------------------------------------------------

    def _simulator(self, method: str, path: str) -> None:
        state = self.server.state
        if method == "GET" and path == "/_simulator/health":
            with state.lock:
                records = {name: len(items) for name, items in state.data.items()}
            return self._json({"status": "ok", "modes": state.modes(), "records": records,
                               "sajar_register_after": state.register_after})
        if method != "POST" or path not in ("/_simulator/control", "/_simulator/seed", "/_simulator/reset"):
            return self._error(404, "no_such_endpoint")
        body = self._read_json()
        if body is None:
            return self._error(400, "body_is_not_a_json_object")
        if path == "/_simulator/reset":
            state.reset()
            return self._json({"status": "ok"})
        if path == "/_simulator/control":
            return self._control(body)
        return self._seed(body)

    def _control(self, body: dict) -> None:
        mode = body.get("mode", "normal")
        delay = body.get("delay", DEFAULT_DELAY)
        failures = body.get("failures", DEFAULT_FAILURES)
        registry = body.get("registry")
        register_after = body.get("register_after")
        if mode not in MODES:
            return self._json({"error": f"mode must be one of {', '.join(MODES)}"}, 400)
        if delay is None:
            delay = DEFAULT_DELAY
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
            return self._json({"error": "delay must be a non-negative number of seconds"}, 400)
        if not isinstance(failures, int) or isinstance(failures, bool) or failures < 0:
            return self._json({"error": "failures must be a non-negative integer"}, 400)
        if registry is not None and registry_name(registry) is None:
            return self._json({"error": f"registry must be one of {', '.join(REGISTRIES)}"}, 400)
        if register_after is not None:
            if registry_name(registry) != "sajar":
                return self._json({"error": "register_after applies to the sajar registry only"}, 400)
            if not isinstance(register_after, (int, float)) or isinstance(register_after, bool) or register_after < 0:
                return self._json({"error": "register_after must be a non-negative number of seconds"}, 400)
        control = Control(mode=mode, delay=float(delay), failures_left=failures if mode == "flaky" else 0)
        with self.server.state.lock:
            if registry is None:
                self.server.state.controls = {None: control}
            else:
                self.server.state.controls[registry_name(registry)] = control
            if register_after is not None:
                self.server.state.register_after = float(register_after)
            answer = {"mode": mode, "delay": float(delay), "registry": registry_name(registry)}
            if registry_name(registry) == "sajar":
                answer["register_after"] = self.server.state.register_after
        return self._json(answer)

    def _seed(self, body: dict) -> None:
        registry, key, record = registry_name(body.get("registry")), body.get("key"), body.get("record")
        if registry is None:
            return self._json({"error": f"registry must be one of {', '.join(REGISTRIES)}"}, 400)
        if registry == "sajar":
            return self._json({"error": "referrals are received through POST /sajar/referrals, not seeded"}, 400)
        if not isinstance(key, str) or not key or not isinstance(record, dict):
            return self._json({"error": "key must be a non-empty string and record an object"}, 400)
        state = self.server.state
        with state.lock:
            if registry == "tax_org":
                year = str(record.get("year") or "")
                if not YEAR.match(year):
                    return self._json({"error": "a tax_org record needs its Jalali year"}, 400)
                fields = {name: value for name, value in record.items() if name != "year"}
                state.data[registry].setdefault(key, {})[year] = fields
            else:
                state.data[registry][key] = dict(record)
        return self._json({"status": "ok", "registry": registry, "key": key})


NOT_FOUND = (404, {"error": "not_found"})


def referral_payload_valid(payload: object) -> bool:
    """The least SAJAR needs to file a referral: the certificate's number and the holder's national ID."""
    if not isinstance(payload, dict):
        return False
    certificate, applicant = payload.get("certificate"), payload.get("applicant")
    return (isinstance(certificate, dict) and isinstance(certificate.get("number"),
                                                         str) and bool(certificate["number"].strip())
            and isinstance(applicant, dict) and isinstance(applicant.get("national_id"), str)
            and bool(applicant["national_id"].strip()))


def without_secrets(record: dict) -> dict:
    """A stored record as the registry shows it: the applicant's password is never part of an answer."""
    return {key: value for key, value in record.items() if not SECRET_KEYS.search(str(key))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local simulator of the national registries Khedmat inquires of.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="seed file (JSON)")
    args = parser.parse_args(argv)
    server = SimulatorServer((args.host, args.port), data_path=args.data)
    counts = ", ".join(f"{name} {len(items)}" for name, items in server.state.data.items())
    sys.stderr.write(f"registry-simulator listening on {server.url} (records: {counts})\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
