"""A real headless Chromium for browser tests, driven by Playwright's sync API.

Nothing is downloaded at test time, so Playwright drives Debian's `chromium` package instead
of a browser of its own. Use it from a test module with `pytest_plugins = ["tests.browser"]`.
"""

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 15_000


def ensure_chromium() -> Path:
    """Debian's chromium, installed with apt when running as root; otherwise a clear failure."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with "
            "`sudo apt-get update && sudo apt-get install -y chromium`.",
            pytrace=False,
        )
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            pytest.fail(f"`{' '.join(command)}` failed:\n{result.stderr[-2000:]}", pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser per test module: starting Chromium is the slow part."""
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_FLAGS, timeout=60_000
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context per test (no shared cookies or cache), with bounded waits."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], Path]:
    """Saves the page under test-artifacts/ (ignored by git), to look at after the run."""

    def save(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return save
