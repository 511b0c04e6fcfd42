"""Run a local stand-in server from tools/ (sandbox bank, registry simulator) in a thread of the test
process, on a free port. Shared by the payments and inquiries test helpers."""
from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / "tools"
HTTP_TIMEOUT = 5


def load_tool_module(filename: str, module_name: str):
    """tools/<filename> as a module (tools/ is not a package), loaded once per process.

    While it loads, tools/ is first on sys.path, as when the tool runs as a script, so that the tool finds the
    modules it shares with the other tools (`tools/_simserver.py`)."""
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, TOOLS / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        sys.path.insert(0, str(TOOLS))
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
        finally:
            sys.path.remove(str(TOOLS))
    return module


class ThreadedServer:
    """Serve `self.server` (an http.server instance with a `url`) in a daemon thread until stop()."""

    def _serve(self, server, name: str) -> None:
        self.server = server
        self.url = server.url
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name,
                                        daemon=True)
        self._thread.start()

    @property
    def state(self):
        """The server's in-memory state: for assertions only."""
        return self.server.state

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=HTTP_TIMEOUT)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
