"""The benchmark scripts run and print what their docs say they print. Their figures are not
checked here (they are measured, not asserted); that the scripts keep working with the code is."""

import json
import re
import subprocess
import sys

import pytest

from tests.paths import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.integration]

QUESTIONS = len((ROOT / "tests" / "data" / "questions.jsonl").read_text().splitlines())


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_scale_fills_an_index_and_reports_every_field() -> None:
    report = json.loads(_run("scale.py", "--passages", "100", "--json").splitlines()[-1])
    assert report["passages"] == 100
    for field in ("fill_s", "start_s", "ask_p50_ms", "ask_p95_ms", "ingest_one_s", "rss_mb"):
        assert report[field] > 0, field


def test_load_asks_every_question_once_against_a_service_it_starts() -> None:
    printed = _run("load.py", "--clients", "4", "--once")
    assert f"requests {QUESTIONS}," in printed and "errors 0" in printed
    assert "each question once" in printed
    assert re.search(r"service CPU per answer \d+\.\d ms", printed)


def test_load_keeps_clients_busy_for_the_time_asked() -> None:
    printed = _run("load.py", "--clients", "2", "--seconds", "2")
    requests = int(re.search(r"requests (\d+),", printed).group(1))
    assert requests > 0 and "errors 0" in printed


def test_latency_asks_every_question_each_round() -> None:
    printed = _run("latency.py", "--rounds", "1")
    assert f"questions: {QUESTIONS}, rounds: 1, requests: {QUESTIONS}" in printed
