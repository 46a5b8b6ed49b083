"""The `rag` command as a user runs it: `rag ask` against a running service, and no library
progress bars unless asked for."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import DEFAULT_ARTICLES_DIR
from tests.paths import ROOT
from tests.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

# Runs `rag` and reports on stderr, as it exits, whether torch was ever imported.
RAG = (
    "import atexit, sys; "
    "atexit.register(lambda: print('torch imported:', 'torch' in sys.modules, file=sys.stderr)); "
    "from api.cli import app; app()"
)


def _rag(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_"))},
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "COLUMNS": "200",  # rich wraps at the terminal's width
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", RAG, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ask_calls_the_service_at_rag_url(live_server: str, tmp_path: Path) -> None:
    result = _rag("ask", "How much did Musk offer for OpenAI?", cwd=tmp_path, RAG_URL=live_server)
    assert result.returncode == 0, result.stderr
    assert "97.4 billion" in result.stdout and "000_85aa625414b9aaa7" in result.stdout
    assert "torch imported: False" in result.stderr  # no model loaded, no index opened


def test_ask_says_when_the_service_is_unreachable(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = _rag("ask", "Who leads the Stargate project?", cwd=tmp_path, RAG_URL=url)
    assert result.returncode == 1
    assert f"Cannot reach the service at RAG_URL={url}" in result.stderr
    assert "rag serve" in result.stderr and "Traceback" not in result.stderr


def test_ask_reports_what_the_service_refused(live_server: str, tmp_path: Path) -> None:
    result = _rag("ask", "x" * 2001, cwd=tmp_path, RAG_URL=live_server)
    assert result.returncode == 1
    assert "HTTP 422" in result.stderr and "2000" in result.stderr


def test_no_progress_bars_from_the_libraries(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    source = sorted(DEFAULT_ARTICLES_DIR.glob("*.txt"))[0]
    (articles / source.name).write_text(source.read_text())
    result = _rag(
        "ask",
        "Who did Musk meet in 2012?",
        cwd=tmp_path,
        RAG_ARTICLES_DIR=str(articles),
        RAG_INDEX_DIR=str(tmp_path / "index"),
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "Loading weights" not in output and "it/s]" not in output


def test_serve_refuses_several_workers_on_an_embedded_index(tmp_path: Path) -> None:
    result = _rag("serve", "--workers", "2", cwd=tmp_path, RAG_INDEX_DIR=str(tmp_path / "index"))
    assert result.returncode == 2
    assert "Several workers need a Chroma server (CHROMA_HOST)" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "index").exists()
