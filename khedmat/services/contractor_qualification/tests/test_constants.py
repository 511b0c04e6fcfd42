"""The names of service 4 cannot drift: no module of the app but `constants.py` (and the declaration in
`workflow.py`) writes a state code or a staff role as a string literal."""
import ast
import re
from pathlib import Path

from khedmat.accounts.roles import StaffRole
from khedmat.services.contractor_qualification.constants import QualificationState
from khedmat.services.contractor_qualification.workflow import PROCESS

APP = Path(__file__).resolve().parents[1]
ALLOWED = {"constants.py", "workflow.py"}


def _modules():
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP).parts
        if parts[0] in ("tests", "migrations") or path.name in ALLOWED:
            continue
        yield path


NAMES = set(QualificationState) | set(StaffRole.values)


def _literals(source: str, label: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in NAMES:
            yield f"{label}:{node.lineno}: {node.value!r}"


def test_the_states_are_the_declared_ones():
    assert {s.code for s in PROCESS.states} == set(QualificationState)


def test_no_module_names_a_state_or_a_role_as_a_string():
    found = [hit for path in _modules()
             for hit in _literals(path.read_text(encoding="utf-8"), str(path.relative_to(APP)))]
    assert found == []


def test_the_scan_sees_a_literal():
    """The scan itself finds a state and a role written as strings, so the empty result above means something."""
    hits = list(_literals('STATE = "under_review"\nif role in ("unit_head",): pass\n', "sample.py"))
    assert hits == ["sample.py:1: 'under_review'", "sample.py:2: 'unit_head'"]


def test_no_template_compares_a_state_or_a_role():
    """The templates ask the panel's flags and the abilities; an `{% if %}` naming a state or a role is a
    decision taken outside the engine."""
    templates = APP.parents[2] / "templates" / "contractor_qualification"
    found = []
    for path in sorted(templates.glob("*.html")):
        for tag in re.findall(r"{%\s*(?:if|elif)\s(.*?)%}", path.read_text(encoding="utf-8")):
            found += [f"{path.name}: {name}" for name in re.findall(r"[\"']([a-z_]+)[\"']", tag) if name in NAMES]
            found += [f"{path.name}: {tag}" for _ in re.findall(r"\.state\b|\broles\b", tag)]
    assert found == []
