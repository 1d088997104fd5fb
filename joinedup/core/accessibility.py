"""Automated accessibility checks with axe-core in headless Chromium (Debian's build; no
browser download). Pages are rendered by Django's test client and handed to the browser
with their stylesheets, so colour contrast and layout are checked as residents see them,
without a live server (which would empty the test database between tests).

The same browser can also run a page's own scripts for a test (`AxeChecker.browse`):
under the page's Content-Security-Policy, with or without JavaScript."""

from __future__ import annotations

import mimetypes
import shutil
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.staticfiles import finders

AXE_JS = Path(settings.BASE_DIR) / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ORIGIN = "http://joinedup.test"
# WCAG 2.2 A and AA, the standard GOV.UK services meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


T = TypeVar("T")
# Records what the Content-Security-Policy blocks, before any of the page's own scripts.
CSP_LISTENER = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def chromium_path() -> str:
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("Chromium is needed for accessibility tests: apt-get install chromium")


@dataclass
class AxeViolation:
    id: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.id} ({self.impact}): {self.help} at {', '.join(self.targets[:5])}"


class AxeChecker:
    """One browser for the whole test session; `check(html)` returns the violations.

    Playwright's synchronous API runs an event loop, which Django would take for an async
    context and refuse database access; so the browser lives on a thread of its own."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="axe")
        self._axe = AXE_JS.read_text()
        self._thread.submit(self._start).result()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )

    def _stop(self) -> None:
        self._browser.close()
        self._playwright.stop()

    def close(self) -> None:
        self._thread.submit(self._stop).result()
        self._thread.shutdown()

    def _serve(self, route: Any, html: str, headers: Mapping[str, str] | None = None) -> None:
        url = route.request.url
        path = url.removeprefix(ORIGIN).split("?")[0]
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path.removeprefix(settings.STATIC_URL))
            if found:
                body = Path(found).read_bytes()
                kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                route.fulfill(status=200, body=body, content_type=kind)
                return
            route.fulfill(status=404, body="")
            return
        if url.startswith(ORIGIN):
            route.fulfill(
                status=200,
                body=html,
                content_type="text/html; charset=utf-8",
                headers=dict(headers or {}),
            )
            return
        route.abort()  # nothing leaves the machine

    def check(self, html: str, path: str = "/") -> list[AxeViolation]:
        return self._thread.submit(self._check, html, path).result()

    def browse(
        self,
        html: str,
        path: str,
        actions: Callable[[Any], T],
        *,
        headers: Mapping[str, str] | None = None,
        javascript: bool = True,
    ) -> T:
        """Load `html` as if served at `path` with `headers` (its Content-Security-Policy,
        say), let its scripts run (unless `javascript` is False), and return
        `actions(page)` for the Playwright page. What the policy blocked is in
        `page.evaluate("window.cspViolations")`. `actions` runs on the browser's thread:
        it may use the page, not the database."""
        return self._thread.submit(self._browse, html, path, actions, headers, javascript).result()

    def _browse(
        self,
        html: str,
        path: str,
        actions: Callable[[Any], T],
        headers: Mapping[str, str] | None,
        javascript: bool,
    ) -> T:
        context = self._browser.new_context(java_script_enabled=javascript)
        try:
            page = context.new_page()
            page.add_init_script(CSP_LISTENER)
            page.route("**/*", lambda route: self._serve(route, html, headers))
            page.goto(ORIGIN + path, wait_until="load")
            return actions(page)
        finally:
            context.close()

    def _check(self, html: str, path: str) -> list[AxeViolation]:
        page = self._browser.new_page()
        try:
            page.route("**/*", lambda route: self._serve(route, html))
            page.goto(ORIGIN + path, wait_until="load")
            page.add_script_tag(content=self._axe)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
        finally:
            page.close()
        return [
            AxeViolation(
                id=v["id"],
                impact=v.get("impact") or "",
                help=v["help"],
                targets=[", ".join(map(str, n["target"])) for n in v["nodes"]],
            )
            for v in result["violations"]
        ]
