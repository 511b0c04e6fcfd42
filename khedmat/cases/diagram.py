"""Draw a process as an SVG diagram from its declaration (no Graphviz needed on the machine).

States are laid out in rows by their distance from the initial state; transitions are arrows.
Backward arrows (to an earlier row or the same row) bend to one side so that they stay readable.
"""
from collections import deque
from html import escape

from khedmat.cases.process import Clock, Process

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN = 170, 44, 40, 90, 30
FILL = {
    Clock.NOT_STARTED: "#eef0f2", Clock.ORGANIZATION: "#e3f1ec", Clock.APPLICANT: "#fff4d6",
    Clock.THIRD_PARTY: "#e8eefb", Clock.STOPPED: "#f3e6e6",
}


def layers(process: Process) -> list[list[str]]:
    depth = {process.initial: 0}
    queue = deque([process.initial])
    while queue:
        code = queue.popleft()
        for t in process.transitions_from(code):
            if t.target not in depth:
                depth[t.target] = depth[code] + 1
                queue.append(t.target)
    for s in process.states:  # unreachable states go last rather than vanish
        depth.setdefault(s.code, max(depth.values()) + 1)
    rows: dict[int, list[str]] = {}
    for s in process.states:
        rows.setdefault(depth[s.code], []).append(s.code)
    return [rows[k] for k in sorted(rows)]


def process_svg(process: Process, *, title: str = "") -> str:
    """The process as an SVG diagram; `title` (the service's Persian title) is its accessible name."""
    rows = layers(process)
    width = max(len(r) for r in rows) * (NODE_W + GAP_X) - GAP_X + 2 * MARGIN
    height = len(rows) * (NODE_H + GAP_Y) - GAP_Y + 2 * MARGIN
    pos = {}
    for y, row in enumerate(rows):
        row_w = len(row) * (NODE_W + GAP_X) - GAP_X
        x0 = (width - row_w) / 2
        for x, code in enumerate(reversed(row)):  # right to left, as Persian reads
            pos[code] = (x0 + x * (NODE_W + GAP_X), MARGIN + y * (NODE_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="diagram-title" class="process-diagram" font-family="Vazirmatn, Tahoma, sans-serif">',
        f'<title id="diagram-title">{escape(title or process.service_code)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#39424c"/></marker></defs>',
    ]
    for t in process.transitions:
        for source in t.sources:
            sx, sy = pos[source]
            tx, ty = pos[t.target]
            x1, x2 = sx + NODE_W / 2, tx + NODE_W / 2
            if ty > sy:
                y1, y2 = sy + NODE_H, ty
                path = f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}"
                lx, ly = (x1 + x2) / 2, (y1 + y2) / 2
            else:  # backwards or sideways: bend outside
                y1, y2 = sy + NODE_H / 2, ty + NODE_H / 2
                bend = max(sx, tx) + NODE_W + GAP_X * 0.6
                path = (f"M{sx + NODE_W:.0f},{y1:.0f} C{bend:.0f},{y1:.0f} "
                        f"{bend:.0f},{y2:.0f} {tx + NODE_W:.0f},{y2:.0f}")
                lx, ly = bend - 6, (y1 + y2) / 2
            parts.append(f'<path d="{path}" fill="none" stroke="#39424c" stroke-width="1.4" marker-end="url(#arrow)"/>')
            parts.append(f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="11" text-anchor="middle" fill="#1b1f24" '
                         f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(str(t.label))}</text>')
    for s in process.states:
        x, y = pos[s.code]
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8" '
                     f'fill="{FILL[s.clock]}" stroke="#39424c"/>')
        parts.append(f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 5:.0f}" font-size="14" '
                     f'text-anchor="middle" fill="#1b1f24">{escape(str(s.label))}</text>')
    parts.append("</svg>")
    return "".join(parts)
