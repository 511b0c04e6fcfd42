"""What the local stand-in servers of tools/ share (the sandbox bank `sandbox_gateway.py`, the registry simulator
`registry_simulator.py`): a threading HTTP server that knows its URL, shrugs off clients that gave up and wakes
the handlers it keeps sleeping when it stops; a handler that speaks JSON; the command line's serve loop.

Standard library only (no Django). The tools import it as `_simserver`: run as a script, tools/ is on sys.path;
loaded by khedmat.testing_servers.load_tool_module, that function puts tools/ there while it loads the tool.
"""
from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandInServer(ThreadingHTTPServer):
    """``StandInServer(("127.0.0.1", 0), Handler)`` picks a free port (see ``.url``).

    ``log`` receives each line the server writes (default: stderr); ``quiet`` silences it. ``closing`` is set
    when the server stops, so a handler that sleeps on purpose waits on it instead of on time.sleep.
    """

    daemon_threads = True
    log_name = "stand-in"  # the first word of each log line

    def __init__(self, server_address, handler, *, quiet: bool = False, log: Callable[[str], None] | None = None):
        self.quiet = quiet
        self.log = log or (lambda line: sys.stderr.write(line + "\n"))
        self.closing = threading.Event()
        super().__init__(server_address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def write_log(self, line: str) -> None:
        if not self.quiet:
            self.log(line)

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):  # the client gave up (e.g. it timed out): not a bug
            self.write_log(f"{self.log_name} {client_address[0]} gone: {type(exc).__name__}")
            return
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        self.closing.set()
        super().server_close()


class JsonHandler(BaseHTTPRequestHandler):
    """Answers and reads JSON (UTF-8, never cached)."""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: object, status: int = 200) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _read_json(self) -> dict | None:
        """The request body as a JSON object; None when it is not one."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None


def serve(server: StandInServer) -> int:
    """Serve until Ctrl-C, then close (the command line of each tool)."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
