"""Run tools/registry_simulator.py in a background thread of the test process, on a free port.

    from khedmat.inquiries.tests.simulator import registry_simulator  # noqa: F401  (in a conftest.py)

    def test_x(registry_simulator, settings):
        settings.REGISTRY_BASE_URL = registry_simulator.url
        ...
        registry_simulator.control("slow", delay=3)                       # make every registry misbehave
        registry_simulator.control("fail", registry="social_security")    # or only one
        registry_simulator.seed("civil_registry", "0030000114", {...})    # one more record
        assert registry_simulator.requests[-1] == ("/degrees/0020000014", {})

The seed is tools/registry_data.json (demo people 0020000014 نرگس شریفی and 0020000022 امیر کاظمی, the demo
company 10320000017 شرکت ساختمانی البرز کوه; see that file). ``PASSWORDS`` are the seeded social-security
passwords of the demo people.
"""
from __future__ import annotations

import sys
import threading

import pytest
import requests

from khedmat.testing_servers import HTTP_TIMEOUT, ThreadedServer, load_tool_module

MODULE_NAME = "khedmat_tools_registry_simulator"

NARGES = "0020000014"  # نرگس شریفی
AMIR = "0020000022"  # امیر کاظمی
ALBORZ_KOOH = "10320000017"  # شرکت ساختمانی البرز کوه
PASSWORDS = {NARGES: "Sharifi#1404", AMIR: "Kazemi-1358"}


def load_simulator_module():
    return load_tool_module("registry_simulator.py", MODULE_NAME)


class RunningSimulator(ThreadedServer):
    """A started registry simulator; ``url`` is its base URL (REGISTRY_BASE_URL).

    ``log_lines`` keeps the lines the simulator logged (they also go to stderr, which pytest captures).
    """

    def __init__(self, *, host: str = "127.0.0.1", data_path=None, quiet: bool = False):
        module = load_simulator_module()
        self.log_lines: list[str] = []
        self._log_lock = threading.Lock()
        self._serve(module.SimulatorServer((host, 0), data_path=data_path or module.DEFAULT_DATA, quiet=quiet,
                                           log=self._log), "registry-simulator")

    def _log(self, line: str) -> None:
        with self._log_lock:
            self.log_lines.append(line)
        sys.stderr.write(line + "\n")

    @property
    def requests(self) -> list[tuple[str, dict]]:
        """(path, params) of every registry request since the start or the last reset; passwords redacted."""
        with self.server.state.lock:
            return list(self.server.state.requests)

    def control(self, mode: str, delay: float | None = None, registry: str | None = None, **extra) -> None:
        payload = {"mode": mode, **extra}
        if delay is not None:
            payload["delay"] = delay
        if registry is not None:
            payload["registry"] = registry
        response = requests.post(f"{self.url}/_simulator/control", json=payload, timeout=HTTP_TIMEOUT)
        response.raise_for_status()

    def seed(self, registry: str, key: str, record: dict) -> None:
        payload = {"registry": registry, "key": key, "record": record}
        requests.post(f"{self.url}/_simulator/seed", json=payload, timeout=HTTP_TIMEOUT).raise_for_status()

    def reset(self) -> None:
        requests.post(f"{self.url}/_simulator/reset", json={}, timeout=HTTP_TIMEOUT).raise_for_status()



def start_simulator(**kwargs) -> RunningSimulator:
    return RunningSimulator(**kwargs)


@pytest.fixture
def registry_simulator():
    """A fresh registry simulator for one test, stopped at teardown."""
    simulator = start_simulator()
    try:
        yield simulator
    finally:
        simulator.stop()
