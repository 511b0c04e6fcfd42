# The case fixtures (a submitted case of the test process) serve the official-documents tests too.
from khedmat.cases.tests.conftest import (  # noqa: F401
    draft,
    ready_draft,
    submitted,
    test_service,
    unit_head,
    upload,
)
