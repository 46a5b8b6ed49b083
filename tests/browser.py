"""A real headless Chromium for browser tests, driven by Playwright's sync API.

Nothing is downloaded at test time, so Playwright drives Debian's `chromium` package instead
of a browser of its own; the session fixture `chromium` provides it, installing it with apt
when it is missing and the tests run as root, and says on the terminal what it did. Use it
from a test module with `pytest_plugins = ["tests.browser"]`.
"""

import os
import shutil
import subprocess
import time
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


def _report(config: pytest.Config, message: str) -> None:
    """Shown on the terminal past output capture: the run says what it did."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter and capture:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"browser: {message}")


def _version(executable: Path) -> str:
    result = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    return result.stdout.strip() or "version unknown"


@pytest.fixture(scope="session")
def chromium(pytestconfig: pytest.Config) -> Path:
    """Debian's chromium: used if installed, else installed with apt when running as root, else
    a clear failure saying how to install it. The one place the browser tests get it."""
    if CHROMIUM.exists():
        _report(pytestconfig, f"using the installed {CHROMIUM} ({_version(CHROMIUM)})")
        return CHROMIUM
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with "
            "`sudo apt-get update && sudo apt-get install -y chromium`.",
            pytrace=False,
        )
    _report(pytestconfig, f"{CHROMIUM} is missing; installing Debian's chromium with apt-get")
    started = time.monotonic()
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            pytest.fail(f"`{' '.join(command)}` failed:\n{result.stderr[-2000:]}", pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing", pytrace=False)
    seconds = time.monotonic() - started
    _report(pytestconfig, f"installed {CHROMIUM} ({_version(CHROMIUM)}) in {seconds:.0f} s")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """One browser per test module: starting Chromium is the slow part."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_FLAGS, timeout=60_000
        )
        yield launched
        launched.close()


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
