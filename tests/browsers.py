"""Debian's chromium driven by Playwright, for the tests that use pages as people do: one browser per test module
(the `browser` fixture in conftest.py) and a fresh page per test that must load nothing from outside the server."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@contextlib.contextmanager
def launch() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if shutil.which("chromium") is None:  # a failure, not a skip: a missing install step must not pass silently
        pytest.fail("Debian's chromium is not installed: run `bash scripts/setup.sh --test` as root, or "
                    "`sudo apt-get install chromium`.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def open_page(browser: Any, origin: str, timeout_ms: int, **context_options: Any) -> Iterator[Any]:
    """A page in a fresh context; afterwards, asserts it requested nothing outside `origin`."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(origin) else outside.append(request.url))
    page.set_default_timeout(timeout_ms)
    yield page
    context.close()
    assert outside == [], f"the page loaded something from elsewhere: {outside}"
