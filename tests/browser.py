"""Helpers for browser tests: serve a built site on localhost, drive Debian's Chromium with Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which(CHROMIUM) is not None


class Browser:
    """One Chromium for a test session; every non-localhost request is aborted and recorded."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.blocked: list[str] = []

    def page(self, width: int = 1280, height: int = 900):
        ctx = self.browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")

        def route(r):
            url = r.request.url
            if url.startswith(("http://127.0.0.1", "http://localhost", "file://", "data:", "blob:")):
                return r.continue_()
            self.blocked.append(url)
            return r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()
