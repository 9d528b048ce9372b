"""Browser helpers shared by tests and scripts: serve a built site on localhost (or nginx), drive
Debian's Chromium with Playwright."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

ROOT = Path(__file__).resolve().parents[2]  # the repository
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


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


@dataclasses.dataclass(frozen=True)
class Nginx:
    url: str  # the site's base URL, ending in the prefix
    pid: int  # the master process
    site: Path  # the folder nginx serves: a hard-linked copy of the built site, readable by its workers


WORKER_USER = "www-data" if _has_user("www-data") else "nobody"


@contextlib.contextmanager
def nginx(directory: Path, prefix: str = "/rules/") -> Iterator[Nginx]:
    """Run real nginx with the documented deploy/nginx.conf (gzip, cache headers, CSP, denials).

    The workers run as an unprivileged user, so the site is served from a copy (hard links, made in
    a moment) in a folder they may read; pytest's own temp folders are private to their owner.
    The config is written for a sub-path (its bare-prefix redirect would loop at "/"), so prefix is one."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(exe).exists():
        raise RuntimeError("nginx is not installed: run scripts/setup.sh with RULEBOOK_BROWSER=1")
    with tempfile.TemporaryDirectory(prefix="rulebook-nginx-") as tmp:
        run = Path(tmp)
        run.chmod(0o755)
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (run / d).mkdir()
        site = run / "site"
        try:
            shutil.copytree(directory, site, copy_function=os.link)
        except OSError:  # another file system: copy the bytes
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(directory, site)
        for folder in [site, *(p for p in site.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        prefix = "/" + prefix.strip("/") + "/"
        assert prefix != "//", "serve_nginx needs a sub-path prefix such as /rules/"
        conf = (
            (ROOT / "deploy/nginx.conf")
            .read_text(encoding="utf-8")
            .replace("@LISTEN@", f"127.0.0.1:{port}")
            .replace("@PREFIX_NOSLASH@", prefix.rstrip("/"))
            .replace("@PREFIX@", prefix)
            .replace("@SITE@", str(site))
            .replace("@RUN@", str(run))
            .replace("@USER@", WORKER_USER)
        )
        (run / "nginx.conf").write_text(conf, encoding="utf-8")
        proc = subprocess.Popen([exe, "-c", str(run / "nginx.conf")], stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}{prefix}"
        try:
            for _ in range(200):
                if proc.poll() is not None:
                    break
                try:
                    urllib.request.urlopen(base, timeout=1)
                    break
                except urllib.error.HTTPError:
                    break  # it answers: a wrong page is for the caller's checks to report
                except OSError:
                    time.sleep(0.05)
            else:
                proc.kill()
                proc.wait(timeout=10)
            if proc.poll() is not None:
                log = run / "error.log"
                raise RuntimeError("nginx did not start: " + (log.read_text() if log.exists() else "no error.log"))
            yield Nginx(base, proc.pid, site)
        finally:
            if proc.poll() is None:
                proc.terminate()
            proc.wait(timeout=10)


@contextlib.contextmanager
def serve_nginx(directory: Path, prefix: str = "/rules/") -> Iterator[str]:
    """The base URL of `directory` served by real nginx with deploy/nginx.conf (see nginx())."""
    with nginx(directory, prefix) as server:
        yield server.url


def available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which(CHROMIUM) is not None


NOT_LOCAL = re.compile(r"^(?!(?:https?://(?:127\.0\.0\.1|localhost)(?::\d+)?(?:[/?#]|$)|file:|data:|blob:))")


class Browser:
    """One Chromium for a test session; every non-localhost request is aborted and recorded."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.blocked: list[str] = []

    def page(self, width: int = 1280, height: int = 900) -> Page:
        ctx = self.browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")

        def block(r: Route) -> None:
            self.blocked.append(r.request.url)
            return r.abort()

        # A regex (not a Python predicate) is matched inside the browser, so local requests are never
        # paused for a round trip through this process: timings in the benchmarks stay the page's own.
        ctx.route(NOT_LOCAL, block)
        page = ctx.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        return page

    def close(self) -> None:
        self.browser.close()
        self._pw.stop()
