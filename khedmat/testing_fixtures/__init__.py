"""The tests' shared fixtures and helpers: a pytest plugin, registered once in khedmat/conftest.py
(`pytest_plugins`), so no test and no conftest imports another app's conftest (docs/testing.md).

- `khedmat.testing_fixtures.cases`: the test process's service and cases (`test_service`, `draft`,
  `ready_draft`, `submitted`), `upload`, `unit_head`, and `PDF`/`pdf_file`.
- `khedmat.testing_fixtures.payments`: `sandbox`, the sandbox bank on a free port.
- `khedmat.testing_fixtures.appointments`, `.contractor_qualification`, `.institute_accreditation`: plain
  helpers (no fixtures) that other apps' tests need too.
- `refused` (here): the one way to say "this call is refused with this code".

Personas (`applicant`, `expert`, …) and `make_user`/`make_staff`/`login` are in khedmat/conftest.py and
khedmat/testing.py. An app's own fixtures stay in its conftest; a fixture or helper a second app needs
moves here.
"""
import pytest

from khedmat.core.exceptions import ApplicationError


def refused(code: str, call, *args, **kwargs) -> ApplicationError:
    """Call `call(*args, **kwargs)`, expect an ApplicationError with `code`, and return it."""
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, (caught.value.code, caught.value.message)
    return caught.value
