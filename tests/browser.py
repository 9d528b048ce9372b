"""The browser helpers live in the package (rulebook/browser.py), shared with scripts/; this name stays
for tests that import `browser`."""

from rulebook.browser import *  # noqa: F403
from rulebook.browser import ARGS, CHROMIUM, NOT_LOCAL, Browser, Nginx, available, nginx, serve, serve_nginx  # noqa: F401
