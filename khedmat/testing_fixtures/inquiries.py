"""The registry simulator (tools/registry_simulator.py) for one test: `registry_simulator`."""
from khedmat.inquiries.tests.simulator import registry_simulator  # noqa: F401 (the fixture, for every app's tests)
