"""Names that cannot drift: outside `constants.py` (and the declaration in `workflow.py`), the app names a state
through `AccreditationState` and a role through `accounts.roles.StaffRole`, never as a string literal; its
templates ask the panel's flags, never the case's state."""
import ast
import re
from pathlib import Path

from khedmat.accounts.roles import StaffRole
from khedmat.services.institute_accreditation.constants import AccreditationState
from khedmat.services.institute_accreditation.workflow import PROCESS

APP = Path(__file__).resolve().parents[1]
TEMPLATES = APP.parents[2] / "templates" / "institute_accreditation"
DECLARATIONS = {"constants.py", "workflow.py"}
NAMES = set(AccreditationState) | set(StaffRole.values)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _literals(path: Path, root: Path = APP) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    return [f"{path.relative_to(root)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in NAMES
            and id(node) not in docstrings]


def _app_modules() -> list[Path]:
    return [path for path in sorted(APP.rglob("*.py"))
            if path.relative_to(APP).parts[0] not in ("tests", "migrations") and path.name not in DECLARATIONS]


def test_the_enum_names_exactly_the_process_states():
    assert {s.code for s in PROCESS.states} == set(AccreditationState)


def test_no_state_or_role_literal_outside_the_declarations():
    assert len(_app_modules()) > 10  # the scan sees the app
    found = [hit for path in _app_modules() for hit in _literals(path)]
    assert found == []


def test_the_scan_finds_a_literal(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text('"""Docstring: active."""\nSTATES = ("active", "unit_head")\n', encoding="utf-8")
    hits = [hit.split(": ", 1)[1] for hit in _literals(module, tmp_path)]
    assert hits == ["'active'", "'unit_head'"]


def test_the_templates_compare_no_state_or_role():
    templates = sorted(TEMPLATES.glob("*.html"))
    assert templates
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert "case.state" not in text, template.name
        for tag in re.findall(r"{%.*?%}", text, flags=re.S):
            quoted = set(re.findall(r"""["']([a-z_]+)["']""", tag))
            assert not quoted & NAMES, (template.name, tag)


# -- workflow.py declares, nothing more ---------------------------------------------------------------

PACKAGE = "khedmat.services.institute_accreditation"
# (No import circle inside the app: khedmat/core/tests/test_layers.py, for every service.)
WORKFLOW_MAY_IMPORT = {f"{PACKAGE}.constants", f"{PACKAGE}.selectors", f"{PACKAGE}.rules", "khedmat.cases.process",
                       "khedmat.cases.guards", "khedmat.inquiries.guards", "khedmat.core.desk",
                       "khedmat.accounts.roles"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_workflow_imports_only_what_it_declares_with():
    imported = {m for m in _imports(APP / "workflow.py") if m.startswith("khedmat.")}
    modules = {m for m in imported if not any(m.startswith(f"{allowed}.") for allowed in WORKFLOW_MAY_IMPORT)}
    assert modules <= WORKFLOW_MAY_IMPORT

