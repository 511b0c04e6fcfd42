"""The shape of the code: each app imports only the layers below it, the services never import each other, and
no service has an import circle inside it (function-level imports count: a circle hidden in a function is
still a circle). See docs/architecture.md, "Layers"."""
import ast
import pathlib
from collections import defaultdict

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]  # the khedmat package

# Lowest first. An app may import the apps of lower layers only; apps of one layer do not import each other.
LAYERS = (
    ("core",),
    ("notifications",),
    ("accounts",),
    ("workcalendar", "organizations", "catalog"),
    ("cases",),
    ("certificates",),
    ("inquiries", "payments", "committees", "appointments"),
    ("services",),  # each service is its own app; see test_services_never_import_each_other
)
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}
# Test support at the top of the package (personas, the browser harness, the simulators' servers), used by
# tests, the demo and the browser harness in core; never by a request.
SUPPORT = {"testing", "testing_servers", "conftest"}
SUPPORT_FILES = {"core/browser.py"}


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"tests", "migrations"} & set(relative.parts) or len(relative.parts) < 2:
            continue
        yield relative, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
    return [(name, line) for name, line in found if name == "khedmat" or name.startswith("khedmat.")]


def _app(parts: tuple[str, ...]) -> str:
    return f"services.{parts[1]}" if parts[0] == "services" and len(parts) > 2 else parts[0]


def test_every_app_imports_only_the_layers_below_it():
    wrong = []
    for relative, tree in _sources():
        app = _app(relative.parts)
        if app in SUPPORT or str(relative) in SUPPORT_FILES or app not in LAYER_OF and not app.startswith("services."):
            continue
        level = LAYER_OF["services"] if app.startswith("services.") else LAYER_OF[app]
        for module, line in _imports(tree):
            parts = tuple(module.split(".")[1:])
            if not parts:
                continue
            target = _app(parts + ("x",)) if parts[0] == "services" else parts[0]
            if target == app or target in SUPPORT or target not in LAYER_OF and not target.startswith("services."):
                continue
            target_level = LAYER_OF["services"] if target.startswith("services.") else LAYER_OF[target]
            if target_level >= level and not (app.startswith("services.") and target.startswith("services.")):
                wrong.append(f"khedmat/{relative}:{line} ({app}) imports {module} ({target})")
    assert not wrong, "imports that run up or sideways:\n" + "\n".join(wrong)


def test_services_never_import_each_other():
    wrong = []
    for relative, tree in _sources():
        if relative.parts[0] != "services" or len(relative.parts) < 3:
            continue
        for module, line in _imports(tree):
            parts = module.split(".")
            if len(parts) > 2 and parts[1] == "services" and parts[2] != relative.parts[1]:
                wrong.append(f"khedmat/{relative}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


def _service_graph(service: str) -> dict[str, set[str]]:
    prefix = f"khedmat.services.{service}"
    modules = {}
    for relative, tree in _sources():
        if relative.parts[:2] != ("services", service):
            continue
        name = ".".join(("khedmat", *relative.with_suffix("").parts))
        modules[name.removesuffix(".__init__")] = tree
    graph = defaultdict(set)
    for name, tree in modules.items():
        for module, _line in _imports(tree):
            if not module.startswith(prefix):
                continue
            # The imported module itself, or the package of a name imported from it.
            target = module if module in modules else module.rsplit(".", 1)[0]
            if target in modules and target != name and not name.startswith(target + "."):
                graph[name].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "workflow.py").exists())


@pytest.mark.parametrize("service", SERVICES)
def test_no_import_circle_inside_a_service(service):
    cycle = _cycle(_service_graph(service))
    assert not cycle, "import circle: " + " → ".join(c.removeprefix(f"khedmat.services.{service}.") for c in cycle)


def test_the_cycle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) == []
