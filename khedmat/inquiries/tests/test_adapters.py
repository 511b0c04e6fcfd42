"""The registry adapters against the registry simulator (a real HTTP server in a thread), and the comparison
helpers. No database; every test is bounded to TEST_SECONDS."""
from __future__ import annotations

import inspect
import json
import logging
import re
import signal
import socket
import time

import pytest
import requests

from khedmat.core.validators import parse_national_id, parse_organization_id
from khedmat.inquiries import adapters
from khedmat.inquiries.adapters import (
    ADAPTERS,
    Answer,
    BadCredentials,
    CivilRegistryAdapter,
    DegreeAdapter,
    GazetteAdapter,
    InvalidSubject,
    MalformedAnswer,
    NotFound,
    SocialSecurityAdapter,
    SourceUnavailable,
    TaxAdapter,
    compare_company,
    compare_degree,
    compare_person,
    get_adapter,
    name_key,
)
from khedmat.inquiries.tests.simulator import (  # noqa: F401  (registry_simulator is a fixture)
    ALBORZ_KOOH,
    AMIR,
    NARGES,
    PASSWORDS,
    load_simulator_module,
    registry_simulator,
)

TEST_SECONDS = 5
KARIMI = "0030000017"  # registered with Arabic ي/ك
DECEASED = "0030000051"  # حسن طاهری
NOT_INSURED = "0030000084"  # لیلا اکبری
ZAYANDEH_ROUD = "10320000040"  # no tax return filed for 1403
UNKNOWN_PERSON = "0030000114"  # valid check digit, in no registry
UNKNOWN_COMPANY = "10865432209"

# (adapter code, subject of a seeded record, subject of no record)
SUBJECTS = [
    ("civil_registry", {"national_id": NARGES}, {"national_id": UNKNOWN_PERSON}),
    ("official_gazette", {"organization_id": ALBORZ_KOOH}, {"organization_id": UNKNOWN_COMPANY}),
    ("tax_org", {"id": ALBORZ_KOOH, "year": 1402}, {"id": ALBORZ_KOOH, "year": 1399}),
    ("social_security", {"national_id": NARGES, "password": PASSWORDS[NARGES]},
     {"national_id": UNKNOWN_PERSON, "password": "whatever-1"}),
    ("padak", {"national_id": AMIR}, {"national_id": UNKNOWN_PERSON}),
]
CODES = [code for code, _found, _missing in SUBJECTS]


@pytest.fixture(autouse=True)
def _bounded_in_time():
    """Fail any test (simulator start and stop included) that runs longer than TEST_SECONDS."""
    if not hasattr(signal, "setitimer"):  # pragma: no cover - not on POSIX
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"the test ran longer than {TEST_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, TEST_SECONDS)
    began = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - began <= TEST_SECONDS


def adapter(simulator, code: str, timeout: float = 2):
    return get_adapter(code, base_url=simulator.url, timeout=timeout)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- each registry, happy path -----------------------------------------------------------------------------------


def test_civil_registry_answers_the_person_with_the_exact_raw_text(registry_simulator):  # noqa: F811
    answer = adapter(registry_simulator, "civil_registry").query(national_id=NARGES)
    assert isinstance(answer, Answer)
    assert answer.data == {"national_id": NARGES, "first_name": "نرگس", "last_name": "شریفی",
                           "birth_date": "1362-03-18", "alive": True}
    assert json.loads(answer.raw) == answer.data
    assert "نرگس" in answer.raw  # the text as sent (UTF-8, not \\u escapes)
    assert registry_simulator.requests == [(f"/civil-registry/persons/{NARGES}", {})]


def test_civil_registry_accepts_persian_digits_and_reports_the_deceased(registry_simulator):  # noqa: F811
    registry = adapter(registry_simulator, "civil_registry")
    assert registry.query(national_id="۰۰۲۰۰۰۰۰۲۲").data["last_name"] == "کاظمی"
    assert registry.query(national_id=DECEASED).data["alive"] is False


def test_gazette_answers_the_company_and_its_notices(registry_simulator):  # noqa: F811
    answer = adapter(registry_simulator, "official_gazette").query(organization_id=ALBORZ_KOOH)
    assert answer.data["name"] == "شرکت ساختمانی البرز کوه"
    assert answer.data["registration_number"] == "384512"
    assert answer.data["registered_on"] == "1388-04-15"
    assert [notice["number"] for notice in answer.data["notices"]] == ["18745", "22031", "22812"]
    assert set(answer.data["notices"][0]) == {"date", "title", "number"}
    assert answer.data["signatories"] == [{"national_id": "0020000014", "role": "ceo"}]


def test_gazette_signatories_are_optional_and_checked(registry_simulator):  # noqa: F811
    registry_simulator.seed("official_gazette", UNKNOWN_COMPANY, {
        "name": "شرکت", "registration_number": "1", "registered_on": "1400-01-01", "notices": []})
    assert adapter(registry_simulator,
                   "official_gazette").query(organization_id=UNKNOWN_COMPANY).data["signatories"] == []
    registry_simulator.seed("official_gazette", UNKNOWN_COMPANY, {
        "name": "شرکت", "registration_number": "1", "registered_on": "1400-01-01", "notices": [],
        "signatories": [{"national_id": 12}]})
    with pytest.raises(MalformedAnswer):
        adapter(registry_simulator, "official_gazette").query(organization_id=UNKNOWN_COMPANY)


@pytest.mark.parametrize("year", [1400, 1401, 1402, 1403])
def test_tax_returns_of_the_demo_company_for_1400_to_1403(registry_simulator, year):  # noqa: F811
    answer = adapter(registry_simulator, "tax_org").query(id=ALBORZ_KOOH, year=year)
    assert answer.data["id"] == ALBORZ_KOOH and answer.data["year"] == year and answer.data["filed"] is True
    assert isinstance(answer.data["declared_income"], int) and answer.data["declared_income"] > 0
    assert registry_simulator.requests == [(f"/tax/returns/{ALBORZ_KOOH}", {"year": str(year)})]


def test_tax_return_of_a_person_and_a_return_not_filed(registry_simulator):  # noqa: F811
    tax = adapter(registry_simulator, "tax_org")
    assert tax.query(id=NARGES, year="۱۴۰۲").data == {"id": NARGES, "year": 1402, "filed": True,
                                                      "declared_income": 2_410_000_000}
    not_filed = tax.query(id=ZAYANDEH_ROUD, year=1403).data
    assert not_filed["filed"] is False and not_filed["declared_income"] is None


def test_social_security_answers_with_the_applicants_password(registry_simulator):  # noqa: F811
    registry = adapter(registry_simulator, "social_security")
    answer = registry.query(national_id=NARGES, password=PASSWORDS[NARGES])
    assert answer.data == {"national_id": NARGES, "insured": True, "months": 96, "employer": "شرکت ساختمانی البرز کوه"}
    assert registry.query(national_id=NOT_INSURED, password="akbari-80").data == {
        "national_id": NOT_INSURED, "insured": False, "months": 0, "employer": ""}


def test_degrees_of_a_person(registry_simulator):  # noqa: F811
    answer = adapter(registry_simulator, "padak").query(national_id=NARGES)
    assert answer.data["degrees"] == [
        {"level": "کارشناسی", "field": "مهندسی عمران", "university": "دانشگاه تهران", "year": 1385},
        {"level": "کارشناسی ارشد", "field": "مهندسی عمران - سازه", "university": "دانشگاه صنعتی شریف", "year": 1388},
    ]


# -- outcomes other than an answer, for every registry -----------------------------------------------------------


@pytest.mark.parametrize("code, found, missing", SUBJECTS, ids=CODES)
def test_no_record_is_not_found_with_the_raw_answer(registry_simulator, code, found, missing):  # noqa: F811
    with pytest.raises(NotFound) as caught:
        adapter(registry_simulator, code).query(**missing)
    assert json.loads(caught.value.raw) == {"error": "not_found"}
    assert caught.value.status == 404


@pytest.mark.parametrize("code, found, missing", SUBJECTS, ids=CODES)
def test_garbage_is_malformed_never_a_crash(registry_simulator, code, found, missing):  # noqa: F811
    registry_simulator.control("garbage")
    registry = adapter(registry_simulator, code)
    with pytest.raises(MalformedAnswer) as not_json:  # first an HTML page with status 200
        registry.query(**found)
    assert "<html" in not_json.value.raw
    with pytest.raises(MalformedAnswer) as wrong_shape:  # then the right record with its types changed
        registry.query(**found)
    assert isinstance(json.loads(wrong_shape.value.raw), dict)
    with pytest.raises(MalformedAnswer):  # and for a subject with no record: 200 with a shape of its own
        registry.query(**missing)
    registry_simulator.control("normal")
    assert registry.query(**found).data


@pytest.mark.parametrize("code, found, missing", SUBJECTS, ids=CODES)
def test_failing_registry_is_unavailable(registry_simulator, code, found, missing):  # noqa: F811
    registry_simulator.control("fail")
    with pytest.raises(SourceUnavailable) as caught:
        adapter(registry_simulator, code).query(**found)
    assert caught.value.status == 503


@pytest.mark.parametrize("code, found, missing", SUBJECTS, ids=CODES)
def test_flaky_registry_is_unavailable_twice_then_answers(registry_simulator, code, found, missing):  # noqa: F811
    registry_simulator.control("flaky")
    registry = adapter(registry_simulator, code)
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            registry.query(**found)
    assert registry.query(**found).data
    assert len(registry_simulator.requests) == 3


def test_slow_registry_is_unavailable_within_the_timeout(registry_simulator):  # noqa: F811
    registry_simulator.control("slow", delay=3)
    registry = CivilRegistryAdapter(base_url=registry_simulator.url, timeout=1)
    began = time.monotonic()
    with pytest.raises(SourceUnavailable) as caught:
        registry.query(national_id=NARGES)
    assert time.monotonic() - began < 2.5
    assert caught.value.__cause__ is None and caught.value.__context__ is None  # no requests exception kept


def test_a_control_for_one_registry_leaves_the_others_alone(registry_simulator):  # noqa: F811
    registry_simulator.control("fail", registry="social_security")
    with pytest.raises(SourceUnavailable):
        adapter(registry_simulator, "social_security").query(national_id=NARGES, password=PASSWORDS[NARGES])
    assert adapter(registry_simulator, "civil_registry").query(national_id=NARGES).data["alive"] is True
    health = requests.get(f"{registry_simulator.url}/_simulator/health", timeout=5).json()
    assert health["modes"]["social_security"] == "fail" and health["modes"]["civil_registry"] == "normal"


def test_connection_refused_is_unavailable():
    for code, found, _missing in SUBJECTS:
        registry = get_adapter(code, base_url=f"http://127.0.0.1:{closed_port()}", timeout=1)
        with pytest.raises(SourceUnavailable):
            registry.query(**found)


def test_a_404_that_is_not_the_registrys_answer_is_malformed_not_not_found(registry_simulator):  # noqa: F811
    misconfigured = CivilRegistryAdapter(base_url=f"{registry_simulator.url}/wrong-prefix", timeout=2)
    with pytest.raises(MalformedAnswer):
        misconfigured.query(national_id=NARGES)


# -- the documented shape, strictly ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        {"first_name": "سارا", "birth_date": "1372-05-12", "alive": True},  # no last_name
        {"first_name": "سارا", "last_name": "", "birth_date": "1372-05-12", "alive": True},  # empty
        {"first_name": "سارا", "last_name": "یوسفی", "birth_date": "1372-05-12", "alive": "true"},  # not a bool
        {"first_name": "سارا", "last_name": "یوسفی", "birth_date": "1372-13-01", "alive": True},  # no 13th month
        {"first_name": "سارا", "last_name": "یوسفی", "birth_date": "1402-12-30", "alive": True},  # 1402 not leap
        {"first_name": "سارا", "last_name": "یوسفی", "birth_date": "1993-08-03", "alive": True},  # Gregorian
        {"first_name": ["سارا"], "last_name": "یوسفی", "birth_date": "1372-05-12", "alive": True},
        {"national_id": NARGES, "first_name": "سارا", "last_name": "یوسفی", "birth_date": "1372-05-12",
         "alive": True},  # an answer about someone else
    ],
)
def test_person_answers_of_the_wrong_shape_are_malformed(registry_simulator, record):  # noqa: F811
    registry_simulator.seed("civil_registry", UNKNOWN_PERSON, record)
    with pytest.raises(MalformedAnswer) as caught:
        adapter(registry_simulator, "civil_registry").query(national_id=UNKNOWN_PERSON)
    assert caught.value.raw  # kept for the record


@pytest.mark.parametrize(
    "registry, key, record, subject",
    [
        ("official_gazette", UNKNOWN_COMPANY,
         {"name": "شرکت", "registration_number": 1234, "registered_on": "1400-01-01",
                                               "notices": []}, {"organization_id": UNKNOWN_COMPANY}),
        ("official_gazette", UNKNOWN_COMPANY, {"name": "شرکت", "registration_number": "1234",
                                               "registered_on": "1400-01-01", "notices": [{"date": "1400-01-02"}]},
         {"organization_id": UNKNOWN_COMPANY}),
        ("tax_org", UNKNOWN_COMPANY, {"year": 1402, "filed": True, "declared_income": "12,000"},
         {"id": UNKNOWN_COMPANY, "year": 1402}),
        ("tax_org", UNKNOWN_COMPANY, {"year": 1402, "filed": True, "declared_income": None},
         {"id": UNKNOWN_COMPANY, "year": 1402}),  # null only for a return not filed
        ("tax_org", UNKNOWN_COMPANY, {"year": 1402, "filed": True, "declared_income": True},
         {"id": UNKNOWN_COMPANY, "year": 1402}),
        ("social_security", UNKNOWN_PERSON, {"password": "p-12345", "insured": True, "months": -3, "employer": "x"},
         {"national_id": UNKNOWN_PERSON, "password": "p-12345"}),
        ("padak", UNKNOWN_PERSON, {"degrees": [{"level": "کارشناسی", "field": "عمران", "university": "تهران",
                                                "year": "1385"}]}, {"national_id": UNKNOWN_PERSON}),
        ("padak", UNKNOWN_PERSON, {"degrees": "کارشناسی"}, {"national_id": UNKNOWN_PERSON}),
    ],
)
def test_other_answers_of_the_wrong_shape_are_malformed(registry_simulator, registry, key, record,  # noqa: F811
                                                        subject):
    registry_simulator.seed(registry, key, record)
    with pytest.raises(MalformedAnswer):
        adapter(registry_simulator, registry).query(**subject)


def test_answers_keep_only_the_documented_fields(registry_simulator):  # noqa: F811
    registry_simulator.seed("civil_registry", UNKNOWN_PERSON, {
        "first_name": "سارا", "last_name": "یوسفی", "birth_date": "1372-05-12", "alive": True, "father_name": "علی"})
    answer = adapter(registry_simulator, "civil_registry").query(national_id=UNKNOWN_PERSON)
    assert "father_name" not in answer.data and "father_name" in answer.raw


@pytest.mark.parametrize(
    "code, subject",
    [
        ("civil_registry", {"national_id": "0020000015"}),  # wrong check digit
        ("official_gazette", {"organization_id": "10320000018"}),
        ("tax_org", {"id": NARGES, "year": 2023}),
        ("tax_org", {"id": "12345", "year": 1402}),
        ("social_security", {"national_id": NARGES, "password": ""}),
        ("padak", {"national_id": "1111111111"}),
    ],
)
def test_invalid_subjects_are_refused_before_anything_is_sent(registry_simulator, code, subject):  # noqa: F811
    with pytest.raises(ValueError):
        adapter(registry_simulator, code).query(**subject)
    assert registry_simulator.requests == []


# -- the social-security password ---------------------------------------------------------------------------------


def test_a_wrong_password_is_bad_credentials(registry_simulator):  # noqa: F811
    with pytest.raises(BadCredentials) as caught:
        adapter(registry_simulator, "social_security").query(national_id=NARGES, password="not-her-password")
    assert caught.value.status == 401 and json.loads(caught.value.raw) == {"error": "bad_credentials"}
    assert "not-her-password" not in str(caught.value)


def test_the_password_is_sent_but_never_recorded_logged_or_returned(registry_simulator, caplog):  # noqa: F811
    password = PASSWORDS[AMIR]
    caplog.set_level(logging.DEBUG)
    registry = adapter(registry_simulator, "social_security")
    answer = registry.query(national_id=AMIR, password=password)
    with pytest.raises(BadCredentials) as refused:
        registry.query(national_id=AMIR, password=password + "x")
    registry_simulator.control("fail")
    with pytest.raises(SourceUnavailable) as unavailable:
        registry.query(national_id=AMIR, password=password)

    assert registry_simulator.requests[0] == ("/social-security/insurance", {"national_id": AMIR,
                                                                             "password": "[redacted]"})
    assert len([line for line in registry_simulator.log_lines if '/social-security/insurance' in line]) == 3
    kept = [answer.raw, json.dumps(answer.data, ensure_ascii=False), repr(answer), repr(registry),
            repr(registry_simulator.requests), *registry_simulator.log_lines, caplog.text,
            str(refused.value), refused.value.raw, str(unavailable.value), unavailable.value.raw]
    assert not [text for text in kept if password in text]
    assert vars(registry) == {"base_url": registry.base_url, "timeout": registry.timeout, "_http": requests}


class FakeResponse:
    def __init__(self, status: int, body: str):
        self.status_code, self._body = status, body.encode()

    def iter_content(self, size):
        yield self._body

    def close(self):
        pass


class FakeSession:
    def __init__(self, status: int, body: str):
        self.response, self.calls = FakeResponse(status, body), []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        return self.response


def test_a_password_echoed_by_the_registry_is_redacted_from_the_record():
    password = 'Pass"word-۱۴۰۴'
    echo = json.dumps({"national_id": NARGES, "insured": True, "months": 12, "employer": "شرکت",
                       "password": password})  # ASCII-escaped, as many servers send it
    session = FakeSession(200, echo)
    answer = SocialSecurityAdapter(base_url="https://tamin.example", timeout=3, session=session).query(
        national_id=NARGES, password=password)
    assert answer.data == {"national_id": NARGES, "insured": True, "months": 12, "employer": "شرکت"}
    assert json.loads(answer.raw)["password"] == "[redacted]"
    method, url, kwargs = session.calls[0]
    assert (method, url) == ("POST", "https://tamin.example/social-security/insurance")
    assert kwargs["json"] == {"national_id": NARGES, "password": password} and kwargs["timeout"] == (3.0, 3.0)


# -- the factory -------------------------------------------------------------------------------------------------


def test_get_adapter_builds_each_adapter_from_its_code():
    expected = {"civil_registry": CivilRegistryAdapter, "official_gazette": GazetteAdapter, "tax_org": TaxAdapter,
                "social_security": SocialSecurityAdapter, "padak": DegreeAdapter}
    assert ADAPTERS == expected
    for code, adapter_class in expected.items():
        built = get_adapter(code, base_url="http://registry.example/", timeout=4)
        assert type(built) is adapter_class and built.code == code
        assert (built.base_url, built.timeout) == ("http://registry.example", 4.0)
    with pytest.raises(ValueError):
        get_adapter("setad", base_url="http://registry.example", timeout=4)
    with pytest.raises(ValueError):
        get_adapter("padak", base_url="", timeout=4)


# -- the simulator's own controls --------------------------------------------------------------------------------


def test_simulator_health_seed_reset_and_control_validation(registry_simulator):  # noqa: F811
    url = registry_simulator.url
    health = requests.get(f"{url}/_simulator/health", timeout=5).json()
    assert health["status"] == "ok" and health["records"]["civil_registry"] >= 12
    assert requests.post(f"{url}/_simulator/control", json={"mode": "explode"}, timeout=5).status_code == 400
    assert requests.post(f"{url}/_simulator/control", json={"mode": "fail", "registry": "x"},
                         timeout=5).status_code == 400
    assert requests.post(f"{url}/_simulator/control", json={"mode": "slow", "delay": -1}, timeout=5).status_code == 400
    assert requests.post(f"{url}/_simulator/seed", json={"registry": "tax_org", "key": NARGES,
                                                          "record": {"filed": True}}, timeout=5).status_code == 400
    registry_simulator.seed("tax_org", NARGES, {"year": 1400, "filed": True, "declared_income": 10})
    assert adapter(registry_simulator, "tax_org").query(id=NARGES, year=1400).data["declared_income"] == 10
    registry_simulator.control("fail")
    registry_simulator.reset()
    with pytest.raises(NotFound):  # the runtime seed is gone, and the mode is normal again
        adapter(registry_simulator, "tax_org").query(id=NARGES, year=1400)
    assert len(registry_simulator.requests) == 1
    assert requests.get(f"{url}/civil-registry/persons/12", timeout=5).status_code == 400
    assert requests.get(f"{url}/tax/returns/{NARGES}?year=2024", timeout=5).status_code == 400


def test_seed_file_ids_have_valid_check_digits_and_the_demo_records():
    data = load_simulator_module().load_seed(load_simulator_module().DEFAULT_DATA)
    for records in data.values():
        for key in records:
            assert (parse_national_id if len(key) == 10 else parse_organization_id)(key) == key
    assert data["civil_registry"][NARGES]["last_name"] == "شریفی"
    assert data["civil_registry"][AMIR]["last_name"] == "کاظمی"
    assert data["official_gazette"][ALBORZ_KOOH]["name"] == "شرکت ساختمانی البرز کوه"
    assert [person["alive"] for person in data["civil_registry"].values()].count(False) == 1
    assert set(data["tax_org"][ALBORZ_KOOH]) == {"1400", "1401", "1402", "1403"}


# -- comparison helpers ------------------------------------------------------------------------------------------


def test_arabic_and_persian_letters_are_no_mismatch(registry_simulator):  # noqa: F811
    registry = adapter(registry_simulator, "civil_registry").query(national_id=KARIMI).data
    assert registry["last_name"] == "كريمي"  # Arabic kaf and yeh, as the registry keeps it
    assert compare_person({"first_name": "علی", "last_name": "کریمی"}, registry) == []
    assert compare_person({"first_name": "علي", "last_name": "كريمي", "birth_date": "۱۳۶۵/۰۷/۰۱"}, registry) == []


def test_name_key_ignores_zwnj_spaces_digits_and_vowel_marks():
    assert name_key("حسین‌زاده") == name_key("حسین زاده") == name_key("حسینزاده")
    assert name_key("محمّد") == name_key("محمد")
    assert name_key("  سيد  مهدي ") == name_key("سید‌مهدی")
    assert name_key("۱۲۳") == name_key("123")
    assert name_key("کریمی") != name_key("کریمیان")


def test_a_real_person_mismatch_is_reported():
    registry = {"national_id": NARGES, "first_name": "نرگس", "last_name": "شریفی", "birth_date": "1362-03-18",
                "alive": True}
    assert compare_person({"first_name": "نرگس", "last_name": "شریفیان", "birth_date": "1362-03-19"}, registry) == [
        {"field": "last_name", "declared": "شریفیان", "registry": "شریفی"},
        {"field": "birth_date", "declared": "1362-03-19", "registry": "1362-03-18"},
    ]
    dead = dict(registry, alive=False)
    assert compare_person({"first_name": "نرگس", "last_name": "شریفی"}, dead) == [
        {"field": "alive", "declared": True, "registry": False}]
    assert compare_person({}, registry) == []  # nothing declared, nothing to contradict


def test_company_comparison():
    registry = {"organization_id": ALBORZ_KOOH, "name": "شركت ساختماني البرز كوه", "registration_number": "384512"}
    assert compare_company({"name": "شرکت ساختمانی البرز‌کوه", "registration_number": "۳۸۴۵۱۲"}, registry) == []
    assert compare_company({"name": "شرکت ساختمانی البرز", "registration_number": "384513"}, registry) == [
        {"field": "name", "declared": "شرکت ساختمانی البرز", "registry": "شركت ساختماني البرز كوه"},
        {"field": "registration_number", "declared": "384513", "registry": "384512"},
    ]


def test_degree_comparison(registry_simulator):  # noqa: F811
    registry = adapter(registry_simulator, "padak").query(national_id=NARGES).data
    assert compare_degree({"level": "كارشناسي ارشد", "field": "مهندسی عمران - سازه"}, registry) == []
    assert compare_degree({"level": "کارشناسی", "field": "مهندسی عمران", "university": "دانشگاه تهران",
                           "year": "۱۳۸۵"}, registry) == []
    [mismatch] = compare_degree({"level": "دکتری", "field": "مهندسی عمران"}, registry)
    assert mismatch["field"] == "degree" and mismatch["declared"] == "دکتری — مهندسی عمران"
    assert "کارشناسی — مهندسی عمران" in mismatch["registry"]
    assert compare_degree({"level": "کارشناسی", "field": "مهندسی عمران", "year": 1386}, registry) == [
        {"field": "year", "declared": 1386, "registry": "1385"}]
    assert compare_degree({"level": "کارشناسی", "field": "مهندسی عمران", "university": "دانشگاه شیراز"}, registry)[0][
        "field"] == "university"
    assert compare_degree({"level": "کارشناسی", "field": "حسابداری"}, {"national_id": NARGES, "degrees": []}) == [
        {"field": "degree", "declared": "کارشناسی — حسابداری", "registry": ""}]


# -- declared parameters -----------------------------------------------------------------------------------------


def test_every_adapter_declares_the_parameters_of_its_query():
    for adapter_class in ADAPTERS.values():
        signature = inspect.signature(adapter_class.query)
        accepted = {name for name in signature.parameters if name != "self"}
        assert adapter_class.parameters
        assert set(adapter_class.parameters) | set(adapter_class.optional_parameters) == accepted


@pytest.mark.parametrize("code, subject, reason, fields", [
    ("civil_registry", {"national_id": NARGES, "year": 1403}, "unsupported", ("year",)),
    ("padak", {"national_id": NARGES, "details": "x"}, "unsupported", ("details",)),
    ("tax_org", {"id": NARGES}, "missing", ("year",)),
    ("official_gazette", {}, "missing", ("organization_id",)),
])
def test_a_subject_with_parameters_the_registry_does_not_take_is_refused_before_sending(
        registry_simulator, code, subject, reason, fields):  # noqa: F811
    problem = ADAPTERS[code].subject_problem(subject)
    assert isinstance(problem, InvalidSubject) and isinstance(problem, ValueError)
    assert (problem.reason, problem.fields) == (reason, fields)
    with pytest.raises(InvalidSubject):
        adapter(registry_simulator, code).ask(subject)
    assert registry_simulator.requests == []
    assert ADAPTERS["civil_registry"].subject_problem({"national_id": NARGES}) is None


def test_every_result_and_mismatch_key_has_a_label():
    """Pages name an answer's keys by the adapter's labels: every schema key, nested key and compared field."""
    compared = set(re.findall(r'_mismatch\("(\w+)"', inspect.getsource(adapters))) | set(
        re.findall(r'for field in \(([^)]*)\)', inspect.getsource(adapters.compare_person))[0].replace('"', "")
        .replace(" ", "").split(","))
    for adapter in adapters.ADAPTERS.values():
        keys = set(adapter.SCHEMA) | {"record"}
        for name in ("NOTICE", "DEGREE"):
            keys |= set(getattr(adapter, name, {}))
        if adapter is adapters.TaxAdapter:
            keys.add("declared_income")
        assert keys <= set(adapter.result_labels), (adapter.code, keys - set(adapter.result_labels))
    labelled = set().union(*(a.result_labels for a in adapters.ADAPTERS.values()))
    assert compared - {"field"} <= labelled, compared - labelled
