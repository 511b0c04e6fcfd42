"""Names that cannot drift: a role or a case state is written as a string once, where it is declared.

Roles are `accounts.roles.StaffRole`; elsewhere code names `StaffRole.UNIT_HEAD`, never "unit_head".
A process's state codes are written only in its service's `constants.py` / `workflow.py`. The scan reads
the source (AST), so a role or state in a comment or a docstring does not count; tests and migrations
are not scanned.
"""
import ast
import importlib
from pathlib import Path

from django.apps import apps

import khedmat
from khedmat.accounts.roles import StaffRole
from khedmat.cases.process import Process, registered

ROOT = Path(khedmat.__file__).resolve().parent
REPO = ROOT.parent

# Where a role may be written as a string: its declaration, and a service's own declarations.
ROLE_HOMES = ("khedmat/core/roles.py", "khedmat/services/*/constants.py", "khedmat/services/*/workflow.py")

# A string equal to a role that is not a role, with the reason.
ROLE_ALLOWED = {
    ("khedmat/payments/staff_urls.py", "finance"): "the URL namespace of the finance desk (finance:…), not a role",
}

# Files that write roles by value, with the reason (none: `core.roles` lets even `core` name them).
ROLE_ALLOWED_FILES: dict[str, str] = {}

# Where a state code may be written, inside its service's package.
STATE_HOMES = ("constants.py", "workflow.py")

# The services are scanned by a test of their own (its message names the service's constants.py).
PENDING = ("khedmat/services/",)


def _source_files(under: Path):
    """Every non-test, non-migration Python file below `under`."""
    for path in sorted(under.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py" or path.name.startswith("test_"):
            continue
        yield path


def _relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _strings(path: Path):
    """(line, value) of every str constant in the file, docstrings aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def _role_literals(*, pending: bool) -> list[str]:
    roles = set(StaffRole.values)
    found = []
    for path in _source_files(ROOT):
        rel = _relative(path)
        if rel.startswith(PENDING) != pending or rel in ROLE_ALLOWED_FILES:
            continue
        if any(Path(rel).match(home) for home in ROLE_HOMES):
            continue
        for line, value in _strings(path):
            if value in roles and (rel, value) not in ROLE_ALLOWED:
                found.append(f"{rel}:{line}: {value!r}")
    return found


def test_role_allow_list_is_still_needed():
    for (rel, value), _why in ROLE_ALLOWED.items():
        assert value in StaffRole.values
        assert value in {v for _line, v in _strings(REPO / rel)}, f"{rel} no longer writes {value!r}: drop it"
    for rel in ROLE_ALLOWED_FILES:
        assert {v for _line, v in _strings(REPO / rel)} & set(StaffRole.values), f"{rel} writes no role: drop it"


def test_no_role_written_as_a_string_in_the_platform_and_the_engine():
    found = _role_literals(pending=False)
    assert not found, "name roles by accounts.roles.StaffRole:\n" + "\n".join(found)


def test_no_role_written_as_a_string_in_the_services():
    found = _role_literals(pending=True)
    assert not found, "name roles by accounts.roles.StaffRole:\n" + "\n".join(found)


def _service_package(process: Process) -> Path | None:
    """The directory of the service app whose `workflow` module declares `process`."""
    for config in apps.get_app_configs():
        if not config.name.startswith("khedmat.services."):
            continue
        try:
            workflow = importlib.import_module(f"{config.name}.workflow")
        except ModuleNotFoundError:
            continue
        if any(isinstance(value, Process) and value.service_code == process.service_code
               for value in vars(workflow).values()):
            return Path(config.path)
    return None


def _service_processes() -> list[tuple[Process, Path]]:
    found = [(process, _service_package(process)) for process in registered()]
    return [(process, package) for process, package in found if package is not None]


def test_every_service_process_is_found():
    assert len(_service_processes()) >= 2


def test_no_state_written_as_a_string_outside_its_declaration():
    found = []
    for process, package in _service_processes():
        codes = {state.code for state in process.states}
        for path in _source_files(package):
            if path.name in STATE_HOMES and path.parent == package:
                continue
            for line, value in _strings(path):
                if value in codes:
                    found.append(f"{_relative(path)}:{line}: {value!r} ({process.service_code})")
    assert not found, "name states by the service's StrEnum:\n" + "\n".join(found)
