"""Adapters for the national registries Khedmat inquires of (SERVICES.md §5.8), and comparison helpers.

Framework-light: the adapter classes take their configuration as constructor arguments and never import
Django. tools/registry_simulator.py speaks the same protocol (one JSON endpoint per registry).

Outcome rules — each :meth:`RegistryAdapter.query` returns an :class:`Answer` or raises exactly one of:

* :class:`SourceUnavailable` — timeout, connection error, 5xx, 408/429, or the registry refusing Khedmat's
  own access: nothing was learned about the subject; try again later.
* :class:`MalformedAnswer` — the registry answered, but not in the documented form (not JSON, missing keys,
  wrong types, a record about someone else, an unexpected status): never crash, never guess.
* :class:`NotFound` — the registry answered that it has no such record (a real answer; ``raw`` keeps it).
* :class:`BadCredentials` — social security refused the applicant's password.

All four carry ``raw`` (the exact response text, when there was one) and ``status`` (the HTTP status).
Invalid subjects (a parameter the registry is not asked about, a missing one, a national ID with a wrong
check digit, a year that is not a Jalali year, an empty password) raise :class:`InvalidSubject` (a
:class:`ValueError`) before anything is sent. Each adapter declares its parameters (``parameters``,
``optional_parameters``); :meth:`RegistryAdapter.subject_problem` checks a subject without building an
adapter, so an inquiry can be refused when it is asked for. The messages here are English, for logs;
the inquiries services turn the outcome (and ``InvalidSubject.reason``) into Persian for pages.
Each adapter also names its result keys (``result_labels``: English msgids marked for the Persian
catalogue; the inquiries app translates them), so a page never shows ``declared_income`` or ``record``.

The social-security password is sent once in the request body and kept nowhere: not in the adapter, the
:class:`Answer`, exception messages, logs or exception chains; if a registry ever echoes it, it is
redacted from ``raw`` too.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

import requests

from khedmat.core.jalali import InvalidJalaliDate, from_jalali
from khedmat.core.text import digits_only, search_key, to_ascii_digits
from khedmat.core.validators import InvalidIdentifier, parse_national_id, parse_organization_id

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
MAX_ANSWER_BYTES = 2 * 1024 * 1024
REDACTED = "[redacted]"
JALALI_DATE = re.compile(r"^(1[2-4]\d\d)-(\d\d)-(\d\d)$")
RETRYABLE_STATUSES = frozenset({408, 425, 429})
ACCESS_REFUSED_STATUSES = frozenset({401, 403})


def gettext_noop(message: str) -> str:
    """Marks a label for the catalogue (makemessages reads this name); translated where it is shown."""
    return message


# -- outcomes ----------------------------------------------------------------------------------------------------


class InquiryError(Exception):
    """Base of the adapter outcomes other than an answer. ``raw``: the response text ("" when none)."""

    def __init__(self, message: str, *, raw: str = "", status: int | None = None):
        super().__init__(message)
        self.raw = raw
        self.status = status


class SourceUnavailable(InquiryError):
    """Timeout, connection error, 5xx: nothing was learned; try again later."""


class MalformedAnswer(InquiryError):
    """The registry answered, but not in the documented shape."""


class NotFound(InquiryError):
    """The registry has no such record (a real answer)."""


class BadCredentials(InquiryError):
    """Social security refused the applicant's password."""


class InvalidSubject(ValueError):
    """The subject cannot be asked about; nothing was sent.

    ``reason``: ``unsupported`` (parameters the registry is not asked about, in ``fields``), ``missing``
    (required parameters absent, in ``fields``), or the parameter whose value is invalid (``national_id``,
    ``organization_id``, ``id``, ``year``, ``password``)."""

    def __init__(self, message: str, *, reason: str, fields: tuple[str, ...] = ()):
        super().__init__(message)
        self.reason = reason
        self.fields = tuple(fields)


@dataclasses.dataclass(frozen=True)
class Answer:
    data: dict  # the documented fields only, as the registry gave them (not normalised)
    raw: str  # the exact response text, for the record


# -- shape checks ------------------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_jalali_date(value: object) -> bool:
    match = JALALI_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return False
    try:
        from_jalali(*(int(part) for part in match.groups()))
    except (InvalidJalaliDate, ValueError):
        return False
    return True


#: kind -> (test, description)
_KINDS: dict[str, tuple[Callable[[object], bool], str]] = {
    "text": (lambda v: isinstance(v, str) and bool(v.strip()), "a non-empty string"),
    "text?": (lambda v: isinstance(v, str), "a string"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "count": (lambda v: _is_int(v) and v >= 0, "a non-negative integer"),
    "year": (lambda v: _is_int(v) and 1200 <= v <= 1499, "a Jalali year"),
    "jdate": (_is_jalali_date, "a Jalali date YYYY-MM-DD"),
    "list": (lambda v: isinstance(v, list), "a list"),
}


def _checked(obj: object, schema: Mapping[str, str], where: str, raw: str) -> dict:
    """``obj`` reduced to the keys of ``schema``, each of its kind; MalformedAnswer otherwise."""
    if not isinstance(obj, dict):
        raise MalformedAnswer(f"{where}: not a JSON object", raw=raw)
    result = {}
    for key, kind in schema.items():
        if key not in obj:
            raise MalformedAnswer(f"{where}: no {key!r}", raw=raw)
        test, description = _KINDS[kind]
        if not test(obj[key]):
            raise MalformedAnswer(f"{where}: {key!r} is not {description}", raw=raw)
        result[key] = obj[key]
    return result


def _same_id(where: str, key: str, answered: object, asked: str, raw: str) -> None:
    if answered != asked:
        raise MalformedAnswer(f"{where}: the answer is about another {key}", raw=raw)


def _national_id(value: object, *, reason: str = "national_id") -> str:
    try:
        return parse_national_id(str(value))
    except InvalidIdentifier as exc:
        raise InvalidSubject(f"not a valid national ID ({exc.reason})", reason=reason, fields=(reason,)) from None


def _organization_id(value: object, *, reason: str = "organization_id") -> str:
    try:
        return parse_organization_id(str(value))
    except InvalidIdentifier as exc:
        raise InvalidSubject(f"not a valid organization ID ({exc.reason})", reason=reason, fields=(reason,)) from None


def _jalali_year(value: object) -> int:
    text = to_ascii_digits(str(value)).strip() if not isinstance(value, bool) else ""
    if not re.fullmatch(r"1[34]\d\d", text):
        raise InvalidSubject("year must be a Jalali year such as 1402", reason="year", fields=("year",))
    return int(text)


# -- adapters ----------------------------------------------------------------------------------------------------


class RegistryAdapter:
    """One registry. ``query(**subject)`` asks about one subject; see the module docstring for outcomes."""

    code: ClassVar[str] = ""
    #: what :meth:`query` is asked with: the required parameters, and those it may also take
    parameters: ClassVar[tuple[str, ...]] = ()
    optional_parameters: ClassVar[tuple[str, ...]] = ()
    #: a 401 from this registry is about the applicant's own password (social security), not Khedmat's access
    applicant_credentials: ClassVar[bool] = False
    #: what each key of the answer (and of the comparison's mismatches) is called on pages
    result_labels: ClassVar[dict[str, str]] = {"record": gettext_noop("record at the source")}
    #: what coded values of the answer are called on pages: {key: {value: label}}
    value_labels: ClassVar[dict[str, dict[str, str]]] = {}

    def __init__(self, *, base_url: str, timeout: float = DEFAULT_TIMEOUT, session=None):
        if not base_url:
            raise ValueError("base_url is required")
        if not timeout or float(timeout) <= 0:
            raise ValueError("timeout must be a positive number of seconds")
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        # anything with requests' .request(method, url, **kwargs); the module itself opens one connection per call
        self._http = session if session is not None else requests

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"

    def query(self, **subject) -> Answer:
        raise NotImplementedError

    @classmethod
    def subject_problem(cls, subject: Mapping) -> InvalidSubject | None:
        """Why ``subject`` cannot be asked about (unknown or missing parameters), or None."""
        unsupported = tuple(sorted(set(subject) - set(cls.parameters) - set(cls.optional_parameters)))
        if unsupported:
            return InvalidSubject(f"{cls.code} is not asked about {', '.join(unsupported)}", reason="unsupported",
                                  fields=unsupported)
        missing = tuple(name for name in cls.parameters if subject.get(name) in (None, ""))
        if missing:
            return InvalidSubject(f"{cls.code} needs {', '.join(missing)}", reason="missing", fields=missing)
        return None

    def ask(self, subject: Mapping) -> Answer:
        """:meth:`query` with ``subject``, after checking its parameters (InvalidSubject, nothing sent)."""
        problem = self.subject_problem(subject)
        if problem is not None:
            raise problem
        return self.query(**subject)

    # -- transport ---------------------------------------------------------------------------------------------

    def _call(self, method: str, path: str, route: str, *, params=None, json_body=None,
              secret: str = "") -> tuple[Any, str]:
        """Send one request; returns (parsed JSON, raw text) of a 2xx answer, or raises an outcome.

        ``route`` names the endpoint in logs and messages without the subject's identifiers; ``secret`` is
        redacted from whatever text is kept. No exception raised here chains to a requests exception (which
        would keep the request, and its body, alive)."""
        failure = ""
        status, body = 0, b""
        deadline = time.monotonic() + 2 * self.timeout
        try:
            response = self._http.request(
                method,
                f"{self.base_url}{path}",
                params=params,
                json=json_body,
                timeout=(self.timeout, self.timeout),
                headers={"Accept": "application/json", "User-Agent": "Khedmat-Inquiries/1.0"},
                allow_redirects=False,
                stream=True,
            )
            try:
                status = response.status_code
                chunks, size = [], 0
                for chunk in response.iter_content(16384):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        failure = "too_large"
                        break
                    if time.monotonic() > deadline:
                        failure = "too_slow"
                        break
                body = b"".join(chunks)
            finally:
                response.close()
        except requests.Timeout:
            failure = "timeout"
        except requests.RequestException as exc:
            failure = type(exc).__name__
        del json_body, params
        where = f"{self.code} {route}"
        if failure == "too_large":
            raise MalformedAnswer(f"{where}: answer larger than {MAX_ANSWER_BYTES} bytes", status=status)
        if failure:
            log.warning("registry %s: %s", where, failure)
            reason = "no answer in time" if failure in ("timeout", "too_slow") else failure
            raise SourceUnavailable(f"{where}: {reason}")

        try:
            text: str | None = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        decoded = body.decode("utf-8", "replace") if text is None else text
        raw = _redacted(decoded, secret)
        if raw != decoded:
            log.error("registry %s echoed the applicant's password; it is redacted from the record", where)

        if status >= 500 or status in RETRYABLE_STATUSES:
            log.warning("registry %s: HTTP %s", where, status)
            raise SourceUnavailable(f"{where}: HTTP {status}", raw=raw, status=status)
        if status in ACCESS_REFUSED_STATUSES and not (status == 401 and self.applicant_credentials):
            log.error("registry %s refused Khedmat's access: HTTP %s", where, status)
            raise SourceUnavailable(f"{where}: HTTP {status}, access refused", raw=raw, status=status)
        if text is None:
            raise MalformedAnswer(f"{where}: HTTP {status}, answer is not UTF-8", raw=raw, status=status)
        parsed = _parse_json(text)
        if status == 404:
            if isinstance(parsed, dict) and parsed.get("error") == "not_found":
                raise NotFound(f"{where}: no such record", raw=raw, status=status)
            raise MalformedAnswer(f"{where}: HTTP 404 without the registry's not_found answer", raw=raw, status=status)
        if status == 401:  # only for applicant_credentials
            if isinstance(parsed, dict) and parsed.get("error") == "bad_credentials":
                raise BadCredentials(f"{where}: the password was not accepted", raw=raw, status=status)
            raise MalformedAnswer(f"{where}: HTTP 401 without the bad_credentials answer", raw=raw, status=status)
        if not 200 <= status < 300:
            log.warning("registry %s: unexpected HTTP %s", where, status)
            raise MalformedAnswer(f"{where}: unexpected HTTP {status}", raw=raw, status=status)
        if parsed is _NOT_JSON:
            raise MalformedAnswer(f"{where}: answer is not JSON", raw=raw, status=status)
        return parsed, raw


def _redacted(text: str, secret: str) -> str:
    """``text`` without ``secret``, as written or as JSON escapes it."""
    if not secret:
        return text
    for form in {secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}:
        text = text.replace(form, REDACTED)
    return text


_NOT_JSON = object()


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _parse_json(raw: str) -> Any:
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return _NOT_JSON


class CivilRegistryAdapter(RegistryAdapter):
    """سازمان ثبت احوال: identity of a person."""

    code = "civil_registry"
    parameters = ("national_id",)
    SCHEMA = {"national_id": "text", "first_name": "text", "last_name": "text", "birth_date": "jdate", "alive": "bool"}
    result_labels = {**RegistryAdapter.result_labels, "national_id": gettext_noop("national ID"),
                     "first_name": gettext_noop("first name"), "last_name": gettext_noop("last name"),
                     "birth_date": gettext_noop("date of birth"), "alive": gettext_noop("alive"),
                     "full_name": gettext_noop("full name")}

    def query(self, *, national_id: str) -> Answer:
        national_id = _national_id(national_id)
        route = "GET /civil-registry/persons/{national_id}"
        parsed, raw = self._call("GET", f"/civil-registry/persons/{quote(national_id)}", route)
        data = _checked(parsed, self.SCHEMA, f"{self.code} {route}", raw)
        _same_id(self.code, "national_id", data["national_id"], national_id, raw)
        return Answer(data=data, raw=raw)


class GazetteAdapter(RegistryAdapter):
    """روزنامه رسمی: registration and notices of a company."""

    code = "official_gazette"
    parameters = ("organization_id",)
    SCHEMA = {"organization_id": "text", "name": "text", "registration_number": "text", "registered_on": "jdate",
              "notices": "list"}
    NOTICE = {"date": "jdate", "title": "text", "number": "text"}
    # The authorised signatories (صاحبان امضای مجاز) as last published: optional in the answer (older
    # records have none); role "ceo" for the managing director, any other text for other signatories.
    SIGNATORY = {"national_id": "text", "role": "text"}
    # The registration status (وضعیت ثبتی): optional in the answer (older records have none, read as
    # "active"); anything else ("dissolved", "liquidating", "suspended"…) is a mismatch.
    STATUSES = ("active", "dissolved", "liquidating", "suspended")
    value_labels = {"status": {"active": gettext_noop("registered, active"), "dissolved": gettext_noop("dissolved"),
                               "liquidating": gettext_noop("in liquidation"), "suspended": gettext_noop("suspended")}}
    result_labels = {**RegistryAdapter.result_labels, "organization_id": gettext_noop("organization national ID"),
                     "name": gettext_noop("registered name"),
                     "registration_number": gettext_noop("registration number"),
                     "registered_on": gettext_noop("registered on"), "notices": gettext_noop("notices in the gazette"),
                     "date": gettext_noop("date"), "title": gettext_noop("title"), "number": gettext_noop("number"),
                     "signatories": gettext_noop("authorised signatories"), "national_id": gettext_noop("national ID"),
                     "role": gettext_noop("role"), "status": gettext_noop("registration status")}

    def query(self, *, organization_id: str) -> Answer:
        organization_id = _organization_id(organization_id)
        route = "GET /gazette/companies/{organization_id}"
        parsed, raw = self._call("GET", f"/gazette/companies/{quote(organization_id)}", route)
        where = f"{self.code} {route}"
        data = _checked(parsed, self.SCHEMA, where, raw)
        _same_id(self.code, "organization_id", data["organization_id"], organization_id, raw)
        data["notices"] = [_checked(notice, self.NOTICE, f"{where} notice", raw) for notice in data["notices"]]
        signatories = parsed.get("signatories", [])
        if not isinstance(signatories, list):
            raise MalformedAnswer(f"{where}: 'signatories' is not a list", raw=raw)
        data["signatories"] = [_checked(item, self.SIGNATORY, f"{where} signatory", raw) for item in signatories]
        status = parsed.get("status", "active")
        if status not in self.STATUSES:
            raise MalformedAnswer(f"{where}: 'status' is not one of {', '.join(self.STATUSES)}", raw=raw)
        data["status"] = status
        return Answer(data=data, raw=raw)


class TaxAdapter(RegistryAdapter):
    """سازمان امور مالیاتی: the tax return of a person (national ID) or a company (organization ID) for a year."""

    code = "tax_org"
    parameters = ("id", "year")
    SCHEMA = {"id": "text", "year": "year", "filed": "bool"}
    result_labels = {**RegistryAdapter.result_labels, "id": gettext_noop("national ID or organization national ID"),
                     "year": gettext_noop("tax year"), "filed": gettext_noop("tax return filed"),
                     "declared_income": gettext_noop("declared income")}

    def query(self, *, id: str, year: int | str) -> Answer:  # `id`: the documented subject key
        digits = digits_only(str(id))
        subject = _organization_id(digits, reason="id") if len(digits) == 11 else _national_id(digits, reason="id")
        year = _jalali_year(year)
        route = "GET /tax/returns/{id}"
        parsed, raw = self._call("GET", f"/tax/returns/{quote(subject)}", route, params={"year": year})
        where = f"{self.code} {route}"
        data = _checked(parsed, self.SCHEMA, where, raw)
        _same_id(self.code, "id", data["id"], subject, raw)
        if data["year"] != year:
            raise MalformedAnswer(f"{where}: the answer is about another year", raw=raw)
        if "declared_income" not in parsed:
            raise MalformedAnswer(f"{where}: no 'declared_income'", raw=raw)
        income = parsed["declared_income"]
        # a return that was not filed declares nothing: null is the honest value there, and only there
        if not ((_is_int(income) and income >= 0) or (income is None and not data["filed"])):
            raise MalformedAnswer(f"{where}: 'declared_income' is not a non-negative integer", raw=raw)
        data["declared_income"] = income
        return Answer(data=data, raw=raw)


class SocialSecurityAdapter(RegistryAdapter):
    """تامین اجتماعی: insurance record, with the applicant's own password (sent once, never kept)."""

    code = "social_security"
    parameters = ("national_id", "password")
    applicant_credentials = True
    SCHEMA = {"national_id": "text", "insured": "bool", "months": "count", "employer": "text?"}
    result_labels = {**RegistryAdapter.result_labels, "national_id": gettext_noop("national ID"),
                     "insured": gettext_noop("insured"), "months": gettext_noop("months of insurance"),
                     "employer": gettext_noop("employer")}

    def query(self, *, national_id: str, password: str) -> Answer:
        national_id = _national_id(national_id)
        if not isinstance(password, str) or not password:
            raise InvalidSubject("the applicant's password is required", reason="password", fields=("password",))
        route = "POST /social-security/insurance"
        parsed, raw = self._call(
            "POST", "/social-security/insurance", route,
            json_body={"national_id": national_id, "password": password}, secret=password,
        )
        del password
        data = _checked(parsed, self.SCHEMA, f"{self.code} {route}", raw)
        _same_id(self.code, "national_id", data["national_id"], national_id, raw)
        return Answer(data=data, raw=raw)


class DegreeAdapter(RegistryAdapter):
    """پاداک: the degrees of a person."""

    code = "padak"
    parameters = ("national_id",)
    SCHEMA = {"national_id": "text", "degrees": "list"}
    DEGREE = {"level": "text", "field": "text", "university": "text", "year": "year"}
    result_labels = {**RegistryAdapter.result_labels, "national_id": gettext_noop("national ID"),
                     "degrees": gettext_noop("degrees"), "degree": gettext_noop("degree"),
                     "level": gettext_noop("level"), "field": gettext_noop("field of study"),
                     "university": gettext_noop("university"), "year": gettext_noop("year of graduation")}

    def query(self, *, national_id: str) -> Answer:
        national_id = _national_id(national_id)
        route = "GET /degrees/{national_id}"
        parsed, raw = self._call("GET", f"/degrees/{quote(national_id)}", route)
        where = f"{self.code} {route}"
        data = _checked(parsed, self.SCHEMA, where, raw)
        _same_id(self.code, "national_id", data["national_id"], national_id, raw)
        data["degrees"] = [_checked(degree, self.DEGREE, f"{where} degree", raw) for degree in data["degrees"]]
        return Answer(data=data, raw=raw)


ADAPTERS: dict[str, type[RegistryAdapter]] = {
    "civil_registry": CivilRegistryAdapter,
    "official_gazette": GazetteAdapter,
    "tax_org": TaxAdapter,
    "social_security": SocialSecurityAdapter,
    "padak": DegreeAdapter,
}


def get_adapter(code: str, *, base_url: str, timeout: float = DEFAULT_TIMEOUT, session=None) -> RegistryAdapter:
    """The adapter for an inquiry source's ``adapter`` code; ValueError for a code with no adapter."""
    try:
        adapter_class = ADAPTERS[code]
    except KeyError:
        raise ValueError(f"no registry adapter {code!r} (known: {', '.join(ADAPTERS)})") from None
    return adapter_class(base_url=base_url, timeout=timeout, session=session)


# -- comparison of what was declared with what the registry says -------------------------------------------------

# Arabic vowel marks (harakat, superscript alef): never part of how a name is registered.
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")


def name_key(value: object) -> str:
    """The key under which two spellings of one name compare equal: Arabic/Persian ی and ک, digits,
    vowel marks, and ZWNJ / space / no space ("حسین‌زاده", "حسین زاده", "حسینزاده") do not matter."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", _DIACRITICS.sub("", search_key(str(value))))


def _declared(declared: Mapping, key: str) -> bool:
    value = declared.get(key)
    return value is not None and str(value).strip() != ""


def _mismatch(field: str, declared: object, registry: object) -> dict:
    return {"field": field, "declared": declared, "registry": registry}


def _date_key(value: object) -> tuple[int, ...] | str:
    parts = re.split(r"[-/.]", to_ascii_digits(str(value or "")).strip())
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        return tuple(int(part) for part in parts)
    return name_key(value)


def compare_person(declared: Mapping, registry: Mapping) -> list[dict]:
    """Mismatches between a declared person and the civil registry's record: first and last name
    (normalised), the full name when only that was declared ("full_name", e.g. a staff inquiry's label),
    birth date when declared, and whether the person is alive (declared: alive unless said; a deceased
    person is always a mismatch)."""
    mismatches = []
    if _declared(declared, "full_name") and not (_declared(declared, "first_name") or _declared(declared, "last_name")):
        registered = f"{registry.get('first_name') or ''} {registry.get('last_name') or ''}".strip()
        if name_key(declared["full_name"]) != name_key(registered):
            mismatches.append(_mismatch("full_name", declared["full_name"], registered))
    for field in ("first_name", "last_name"):
        if _declared(declared, field) and name_key(declared[field]) != name_key(registry.get(field)):
            mismatches.append(_mismatch(field, declared[field], registry.get(field)))
    if _declared(declared, "birth_date") and _date_key(declared["birth_date"]) != _date_key(registry.get("birth_date")):
        mismatches.append(_mismatch("birth_date", declared["birth_date"], registry.get("birth_date")))
    if registry.get("alive") is not True:
        mismatches.append(_mismatch("alive", True, registry.get("alive")))
    return mismatches


def compare_company(declared: Mapping, registry: Mapping) -> list[dict]:
    """Mismatches between a declared company and the Official Gazette's record: name (normalised),
    registration number (digits in any script), and the registration status (anything but active, e.g.
    dissolved, is always a mismatch)."""
    mismatches = []
    status = registry.get("status", "active")
    if status != "active":
        mismatches.append(_mismatch("status", "active", status))
    if _declared(declared, "name") and name_key(declared["name"]) != name_key(registry.get("name")):
        mismatches.append(_mismatch("name", declared["name"], registry.get("name")))
    if _declared(declared, "registration_number"):
        mine, theirs = str(declared["registration_number"]), str(registry.get("registration_number") or "")
        if (digits_only(mine) or name_key(mine)) != (digits_only(theirs) or name_key(theirs)):
            mismatches.append(_mismatch("registration_number", declared["registration_number"],
                                        registry.get("registration_number")))
    return mismatches


def _degree_label(degree: Mapping) -> str:
    return " — ".join(str(degree.get(key) or "") for key in ("level", "field"))


def compare_degree(declared: Mapping, registry: Mapping) -> list[dict]:
    """The declared degree (level and field; university and year when declared) must be among Padak's
    degrees of the person. One mismatch names what differs; [] when a registry degree matches."""
    degrees = [d for d in (registry.get("degrees") or []) if isinstance(d, Mapping)]
    candidates = degrees
    for key in ("level", "field"):
        if _declared(declared, key):
            candidates = [d for d in candidates if name_key(d.get(key)) == name_key(declared[key])]
    if not candidates:
        return [_mismatch("degree", _degree_label(declared), "، ".join(_degree_label(d) for d in degrees))]
    if _declared(declared, "university"):
        same = [d for d in candidates if name_key(d.get("university")) == name_key(declared["university"])]
        if not same:
            return [_mismatch("university", declared["university"],
                              "، ".join(str(d.get("university")) for d in candidates))]
        candidates = same
    if _declared(declared, "year"):
        wanted = digits_only(str(declared["year"]))
        if all(digits_only(str(d.get("year"))) != wanted for d in candidates):
            return [_mismatch("year", declared["year"], "، ".join(str(d.get("year")) for d in candidates))]
    return []


def compare_tax_return(declared: Mapping, registry: Mapping) -> list[dict]:
    """A return must have been filed, and the turnover the applicant declared must equal the tax return's."""
    mismatches = []
    if registry.get("filed") is not True:
        mismatches.append(_mismatch("filed", True, registry.get("filed")))
    if _declared(declared, "declared_income") and registry.get("filed") is True:
        if int(declared["declared_income"]) != registry.get("declared_income"):
            mismatches.append(_mismatch("declared_income", declared["declared_income"],
                                        registry.get("declared_income")))
    return mismatches
