"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright cannot download browsers on these machines, so it drives the system Chromium with the
flags that keep it off the network. Each page records CSP violations and bytes transferred.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from khedmat.testing import login

CHROMIUM = os.environ.get("KHEDMAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


@dataclass
class PageLog:
    csp_violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    transferred: list[tuple[str, int]] = field(default_factory=list)

    def reset_transfer(self) -> None:
        self.transferred.clear()

    @property
    def bytes_transferred(self) -> int:
        return sum(size for _url, size in self.transferred)


def instrument(page) -> PageLog:
    log = PageLog()

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            log.csp_violations.append(text)
        elif message.type == "error":
            log.console_errors.append(text)

    def on_finished(request):
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        # Bytes on the wire: headers plus the (possibly compressed) body. Cached responses are 0.
        log.transferred.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("console", on_console)
    page.on("requestfinished", on_finished)
    return log


# Pages outside the axe budget: developer tools for staff (the vendored Swagger UI, Django's admin), not
# pages the public or a clerk's day depends on. Every other page must have no serious violation.
AXE_EXEMPT_PATHS = ("/api/docs/", "/admin/")


def axe_budget_applies(path: str) -> bool:
    return not path.startswith(AXE_EXEMPT_PATHS)


def sign_in(page, user, base_url: str) -> None:
    """Give the browser a session of `user` (second factor passed) without walking the login pages."""
    client = login(Client(), user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": base_url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def serious_accessibility_violations(page) -> list[str]:
    """axe-core rule ids of serious or critical violations on the current page ([] on pages outside the
    budget, `AXE_EXEMPT_PATHS`)."""
    # here, not at the top (no cycle): a test extra (pyproject [test]); conftest imports this module always
    from axe_playwright_python.sync_playwright import Axe

    if not axe_budget_applies(urlsplit(page.url).path):
        return []

    results = Axe().run(page)
    return [
        f"{v['id']}: {v.get('help', '')} ({len(v.get('nodes', []))} nodes: "
        f"{'; '.join(n.get('html', '')[:120] for n in v.get('nodes', [])[:3])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
