"""Every citation of the specification resolves in docs/spec/ (issue 18; docs/spec/README.md).

Code, templates, fixtures and docs cite `SERVICES.md` by section ("SERVICES.md §3.4", a bare "§5.12", "§10.1 #8"
for a row of its table, "§3.5 rule 8" for an item of its list, "§5.5 step 2"), by assumption code ("A13", the
register of §12), by line of the seed ("seed line 242", "seed lines 241, 257", "L103–121" as SERVICES.md itself
writes) and, in service 2, by the seed's own step numbers ("step ۱۴", the table of §3.4). Each must exist in
docs/spec/SERVICES.md or docs/spec/seed-fa.txt, and a «quote» beside a seed line must be on (or near) that line.
Paths outside the repository (the shared domain folder) are refused: cite docs/spec/ instead.
"""
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SPEC_DIR = ROOT / "docs" / "spec"
SHARED = ROOT.parent / "shared" / "domain"  # where the copies come from, beside the repository (not in CI)
SCANNED = ("khedmat", "templates", "docs", "bench", "tools")
SUFFIXES = {".py", ".html", ".txt", ".md", ".yaml", ".yml", ".json"}
SKIPPED = (SPEC_DIR, Path(__file__).resolve())
QUOTE_DISTANCE = 3  # a quoted phrase may sit this many lines from the line cited

PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
DIGITS = r"[0-9۰-۹]+"
# A section mark, or the name of the document the marks after it on the line belong to (STYLE §5.4 is not ours).
SECTION = re.compile(
    r"(?P<doc>\b(?:STYLE|TECH-NOTES|LESSONS|SERVICES)(?:\.md)?\b)"
    r"|§(?P<number>\d+(?:\.\d+)*)"
    rf"(?P<tail>(?:,?\s*#\d+)+|\s+rules?\s+\d+|\s+steps?\s+{DIGITS}(?:\s*[–-]\s*{DIGITS})?)?"
)
STEP = re.compile(rf"\bsteps?\s+(?P<first>{DIGITS})(?:\s*[–-]\s*(?P<last>{DIGITS}))?", re.IGNORECASE)
# Service 2's own labels: "filed [۱۳]", "intake [۱۳–۱۴]", "[۱۵, ۱۷]" (Persian digits; not a regex's [۰-۹]).
STEP_LABEL = re.compile(r"(?<!\S)\[(?P<numbers>[۰-۹]+(?:\s*[–,-]\s*[۰-۹]+)*)\](?=[\s:,.;)]|$)")
SERVICE_NUMBER = re.compile(r"\bservice\s+(\d)\b", re.IGNORECASE)
# A1…A999, but not a spreadsheet cell ("A2", A1:B3), a PDF filter (/A85) or a paper size (A4 portrait, size: A3).
ASSUMPTION = re.compile(r"(?<![\w/\"'])A(?P<number>\d{1,3})(?![\w\"']|:\S)")
PAPER = re.compile(r"page|paper|pdf|dpi|portrait|landscape|size", re.IGNORECASE)
# L241 or L103–121 (SERVICES.md's own form), not an SVG path's "L10,5".
SEED_L = re.compile(r"(?<![\w/\\])L(?P<first>\d{1,3})(?:\s*[–-]\s*L?(?P<last>\d{1,3}))?(?![\w]|[,.]\d)")
# "line 242", "lines 241, 257" when the seed is named just before (across a line break too).
SEED_LINE = re.compile(r"\blines?\s+(?P<numbers>\d+(?:\s*(?:,|and|–|-)\s*\d+)*)")
SEED_NAMED = re.compile(r"\bseed\b", re.IGNORECASE)
SEED_WINDOW = 80
QUOTE = re.compile(r"«([^»\n]+)»")
OUTSIDE = re.compile(r"(?:/work/shared|\.\./shared)/domain")


def _digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def _plain(text: str) -> str:
    """For comparing quotes: no ZWNJ or tatweel, Persian ی/ک, single spaces."""
    text = text.replace("\u200c", " ").replace("ـ", "").replace("ي", "ی").replace("ك", "ک")
    return " ".join(text.split())


@dataclass(frozen=True)
class Spec:
    sections: dict  # "3.4" -> the lines of its body, up to the next heading
    assumptions: frozenset
    seed: tuple
    processes: dict  # service number ("2") or code ("institute_accreditation") -> its process section ("3.4")

    def rows(self, number: str) -> set:
        """First cells of the section's tables, as ASCII digits ("۸" -> "8")."""
        cells = (re.match(r"\|\s*([^|]*?)\s*\|", line) for line in self.sections.get(number, ()))
        return {_digits(cell.group(1)) for cell in cells if cell}

    def items(self, number: str) -> set:
        return {m.group(1) for line in self.sections.get(number, ()) if (m := re.match(r"(\d+)\.\s", line))}


def load_spec(directory: Path = SPEC_DIR) -> Spec:
    sections: dict = {}
    processes: dict = {}
    current = None
    service_section = None
    for line in (directory / "SERVICES.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{2,3} (\d+(?:\.\d+)?)\.? ", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
            service = re.match(r"## (\d+)\. Service (\d) .*\(`(\w+)`\)", line)
            if service:
                service_section = (service.group(1), service.group(2), service.group(3))
            elif line.startswith("## "):
                service_section = None
            if service_section and re.match(rf"### {service_section[0]}\.\d+ Process\b", line):
                processes[service_section[1]] = processes[service_section[2]] = current
        elif current is not None:
            sections[current].append(line)
    assumptions = frozenset(
        m.group(1) for line in sections.get("12", ()) if (m := re.match(r"\|\s*(A\d+)\s*\|", line)))
    seed = tuple((directory / "seed-fa.txt").read_text(encoding="utf-8").splitlines())
    return Spec(sections=sections, assumptions=assumptions, seed=seed, processes=processes)


@dataclass(frozen=True)
class Citation:
    path: str
    line: int
    token: str
    kind: str  # section | assumption | seed | step | outside
    section: str = ""  # section, or the process section a step belongs to
    rows: tuple = ()  # "#8" table rows, or step numbers
    items: tuple = ()  # "rule 8" list items
    lines: tuple = ()  # seed lines
    quotes: tuple = ()  # «...» on the same line as a seed citation (on the line's first one only)
    near: tuple = ()  # where the quotes may be: every seed line the same line cites

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.token!r}"


def _service_process(spec: Spec, line: str, path: str) -> str:
    """The process section a bare "step N" belongs to: the service the line names, else the file's service."""
    named = SERVICE_NUMBER.search(line)
    if named and named.group(1) in spec.processes:
        return spec.processes[named.group(1)]
    for part in Path(path).parts:
        code = Path(part).stem.replace("-", "_")
        if code in spec.processes:
            return spec.processes[code]
    return ""


def _step_numbers(first: str, last: str | None) -> tuple:
    return (_digits(first),) + ((_digits(last),) if last else ())


def citations(text: str, path: str, spec: Spec) -> list[Citation]:
    """The citations of the specification in one file's text."""
    found = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        for match in OUTSIDE.finditer(line):
            found.append(Citation(path, number, match.group(0), "outside"))
        ours = True
        blanked = line
        for match in SECTION.finditer(line):
            if match.group("doc"):
                ours = match.group("doc").startswith("SERVICES")
                continue
            blanked = blanked[:match.start()] + " " * (match.end() - match.start()) + blanked[match.end():]
            if not ours:
                continue
            tail = match.group("tail") or ""
            rows = items = ()
            if "#" in tail:
                rows = tuple(re.findall(r"#(\d+)", tail))
            elif "rule" in tail:
                items = tuple(re.findall(r"\d+", tail))
            elif tail:
                step = STEP.search(tail)
                rows = _step_numbers(step.group("first"), step.group("last"))
            found.append(Citation(path, number, match.group(0), "section", section=match.group("number"),
                                  rows=rows, items=items))
        for match in STEP.finditer(blanked):
            process = _service_process(spec, line, path)
            if process:
                found.append(Citation(path, number, match.group(0), "step", section=process,
                                      rows=_step_numbers(match.group("first"), match.group("last"))))
        for match in STEP_LABEL.finditer(blanked):
            process = _service_process(spec, line, path)
            if process:
                numbers = tuple(_digits(n) for n in re.findall(DIGITS, match.group("numbers")))
                found.append(Citation(path, number, match.group(0), "step", section=process, rows=numbers))
        for match in ASSUMPTION.finditer(line):
            if PAPER.search(line[max(0, match.start() - 12):match.end() + 12]):
                continue
            found.append(Citation(path, number, match.group(0), "assumption"))
        for match in SEED_L.finditer(line):
            first = int(match.group("first"))
            last = int(match.group("last") or first)
            found.append(Citation(path, number, match.group(0), "seed", lines=(first, last)))
    for match in SEED_LINE.finditer(text):
        if not SEED_NAMED.search(text[max(0, match.start() - SEED_WINDOW):match.start()]):
            continue
        number = text.count("\n", 0, match.start()) + 1
        cited = tuple(int(n) for n in re.findall(r"\d+", match.group("numbers")))
        found.append(Citation(path, number, match.group(0), "seed", lines=cited))
    return _with_quotes(found, lines)


def _with_quotes(found: list, lines: list) -> list:
    """A «quote» on a line citing the seed must be near one of the seed lines that line cites."""
    result = []
    seen = set()
    for citation in found:
        if citation.kind == "seed" and citation.line not in seen:
            seen.add(citation.line)
            near = tuple(n for c in found if c.kind == "seed" and c.line == citation.line for n in c.lines)
            citation = replace(citation, quotes=tuple(QUOTE.findall(lines[citation.line - 1])), near=near)
        result.append(citation)
    return result


def problems(citation: Citation, spec: Spec) -> list[str]:
    """Why the citation does not resolve in docs/spec/ (empty: it does)."""
    where = citation.where()
    if citation.kind == "outside":
        return [f"{where}: a path outside the repository; cite docs/spec/ instead"]
    if citation.kind == "assumption":
        if citation.token not in spec.assumptions:
            return [f"{where}: no assumption {citation.token} in the register (docs/spec/SERVICES.md §12)"]
        return []
    if citation.kind == "seed":
        found = []
        for line in citation.lines:
            if not 1 <= line <= len(spec.seed):
                found.append(f"{where}: docs/spec/seed-fa.txt has lines 1 to {len(spec.seed)}, not {line}")
        if len(citation.lines) == 2 and citation.token.startswith("L") and citation.lines[0] > citation.lines[1]:
            found.append(f"{where}: a range runs backwards")
        if found:
            return found
        near = " ".join(
            spec.seed[n - 1] for n in range(1, len(spec.seed) + 1)
            if any(abs(n - line) <= QUOTE_DISTANCE for line in citation.near))
        near = _plain(near)
        for quote in citation.quotes:
            for fragment in re.split(r"…|\.\.\.", quote):
                fragment = _plain(fragment)
                if len(fragment) >= 4 and fragment not in near:
                    found.append(f"{where}: «{fragment}» is not on seed line(s) {citation.near} "
                                 f"(± {QUOTE_DISTANCE}) of docs/spec/seed-fa.txt")
        return found
    if citation.section not in spec.sections:
        return [f"{where}: no heading {citation.section} in docs/spec/SERVICES.md"]
    found = []
    rows = spec.rows(citation.section)
    for row in citation.rows:
        if row not in rows:
            kind = "step" if citation.kind == "step" or "step" in citation.token else "row"
            found.append(f"{where}: no {kind} {row} in the table of docs/spec/SERVICES.md §{citation.section}")
    items = spec.items(citation.section)
    for item in citation.items:
        if item not in items:
            found.append(f"{where}: no item {item} in the list of docs/spec/SERVICES.md §{citation.section}")
    return found


def check(text: str, path: str, spec: Spec) -> list[str]:
    return [problem for citation in citations(text, path, spec) for problem in problems(citation, spec)]


def scanned_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or path.suffix not in SUFFIXES or "__pycache__" in path.parts:
                continue
            if any(path == skipped or skipped in path.parents for skipped in SKIPPED):
                continue
            yield path


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


def test_the_spec_is_in_the_repository(spec):
    stated = re.search(r"unchanged, (\d+) lines", (SPEC_DIR / "SERVICES.md").read_text(encoding="utf-8"))
    assert stated and int(stated.group(1)) == len(spec.seed)
    assert {"3.4", "5.5", "10.1", "12"} <= set(spec.sections)
    assert spec.assumptions == {f"A{n}" for n in range(1, 23)}
    assert spec.processes["2"] == spec.processes["institute_accreditation"] == "3.4"
    assert spec.processes["contractor_qualification"] == "5.5"
    assert {str(n) for n in range(8, 24)} <= spec.rows("3.4")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared domain folder is not beside this checkout")
@pytest.mark.parametrize("name", ["SERVICES.md", "seed-fa.txt"])
def test_the_copies_are_verbatim(name):
    assert (SPEC_DIR / name).read_bytes() == (SHARED / name).read_bytes(), f"copy {SHARED / name} to docs/spec/ again"


def test_every_citation_in_code_templates_and_docs_resolves(spec):
    found = []
    kinds = set()
    for path in scanned_files():
        relative = str(path.relative_to(ROOT))
        for citation in citations(path.read_text(encoding="utf-8"), relative, spec):
            kinds.add(citation.kind)
            found.extend(problems(citation, spec))
    assert not found, "citations that do not resolve in docs/spec/:\n" + "\n".join(found)
    assert {"section", "assumption", "seed", "step"} <= kinds  # the scanner still sees every form


@pytest.mark.parametrize("text, path", [
    ("# The report (SERVICES.md §3.99).", "khedmat/x.py"),
    ("# The report (§13).", "khedmat/x.py"),
    ("# Not in the seed (A99).", "khedmat/x.py"),
    ("# Not in the seed (assumption A23).", "docs/x.md"),
    ('"""As the seed line 999 says."""', "khedmat/x.py"),
    ("# As the seed's\n# lines 12, 447 say.", "khedmat/x.py"),
    ("seed_basis: L500", "khedmat/fixtures/x.yaml"),
    ("seed_basis: L120–110", "khedmat/fixtures/x.yaml"),
    ("# Scoring (SERVICES.md §10.1 #8, #99).", "khedmat/x.py"),
    ("# The service is free (§3.5 rule 9).", "khedmat/x.py"),
    ("# Guidance (§5.5 step 7).", "khedmat/x.py"),
    ('"""The binder (step ۲۵)."""', "khedmat/services/institute_accreditation/views/case.py"),
    ("<h3>{% translate 'Review (step ۷)' %}</h3>", "templates/institute_accreditation/x.html"),
    ("The CEO is invited (service 2, step ۳۰).", "khedmat/cases/process.py"),
    ("- filed [۱۳], visited [۱۵, ۲۸]: the visit report.", "khedmat/services/institute_accreditation/workflow.py"),
    ('"""Printed «چیزی که در بذر نیست» (seed line 242)."""', "khedmat/x.py"),
    ("# Source: /work/shared/domain/seed-fa.txt", "khedmat/fixtures/x.yaml"),
])
def test_a_citation_that_does_not_resolve_fails(spec, text, path):
    assert check(text, path, spec)


@pytest.mark.parametrize("text, path", [
    ("# The process (SERVICES.md §3.4; steps ۸–۲۳ of the seed).", "khedmat/services/institute_accreditation/x.py"),
    ("# Scoring (SERVICES.md §10.1 #8, #10), free (§3.5 rule 8), guidance (§5.5 step 2), §12.", "khedmat/x.py"),
    ("# Approver (A13); abandonment (A14).", "khedmat/x.py"),
    ('"""Printed «۲۰۶۳۷/۲۰۶۳۷/۲۸۴۳۷» (seed line 242); the number (line 259)."""', "khedmat/x.py"),
    ("seed_basis: \"L103–121; target: assumption A9\"", "khedmat/fixtures/x.yaml"),
    ("<h3>{% translate 'Initial review (step ۱۴)' %}</h3>", "templates/institute_accreditation/x.html"),
    ("The CEO is invited (service 2, step ۲۰).", "khedmat/cases/process.py"),
    ("# -- intake [۱۳–۱۴], visit_scheduled [۱۵, ۱۷]:", "docs/services/institute-accreditation.md"),
])
def test_a_citation_that_resolves_passes(spec, text, path):
    assert citations(text, path, spec)
    assert not check(text, path, spec)


@pytest.mark.parametrize("text", [
    "tasks do not run inline (unlike STYLE §5.4 point 10)",
    'assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B3"',
    'ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}"',
    "assert image.width < image.height  # A4 portrait",
    "<style>@page {{ size: A3 }}</style>",
    'elif name in (b"ASCII85Decode", b"A85"):',
    '<path d="M0,0 L10,5 L0,10 z" fill="#39424c"/>',
    "Step 3 of the wizard, line 700 of the log.",
    'DIGITS = re.compile(r"[۰-۹]+"), [۱۳] outside a service',
])
def test_what_is_not_a_citation_is_left_alone(spec, text):
    assert not citations(text, "khedmat/x.py", spec)
