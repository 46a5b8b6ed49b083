"""An index that cannot answer is reported (503, or a refusal to start), never served as a 500;
an embedded index is owned by the one `rag serve` that serves it."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from rag.models import Article
from rag.service import RagService
from tests.conftest import make_settings
from tests.paths import ROOT
from tests.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

RAG = str(Path(sys.executable).parent / "rag")


def _env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "articles").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_ARTICLES_DIR": str(tmp_path / "articles"),
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("CHROMA_HOST", None)
    return env


def _indexed(tmp_path: Path) -> RagService:
    rag = RagService.from_settings(
        make_settings(tmp_path / "index", articles_dir=tmp_path / "articles")
    )
    text = "The Zorblax turbine feeds forty homes in Ohio every winter."
    rag.ingest([Article(id="grid", title="Grid", text=text)])
    return rag


def test_a_deleted_database_is_unavailable_not_an_error(tmp_path: Path) -> None:
    rag = _indexed(tmp_path)
    with TestClient(create_app(service=rag)) as client:
        assert client.get("/readyz").status_code == 200
        (tmp_path / "index" / "chroma.sqlite3").unlink()
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "missing" in ready.json()["detail"]
        body = {"id": "new", "title": "New", "text": "A new article about canals."}
        written = client.post("/v1/articles", json=body)
        assert written.status_code == 503 and "missing" in written.json()["detail"]


@pytest.mark.timeout(180)
def test_serve_refuses_an_index_that_cannot_answer(tmp_path: Path) -> None:
    _indexed(tmp_path)
    (tmp_path / "index" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    served = subprocess.run(
        [RAG, "serve", "--port", str(free_port())],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert served.returncode == 1
    lines = [line for line in served.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("Cannot serve: ") and "not a database" in lines[-1]


@contextmanager
def _serving(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [RAG, "serve", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, "rag serve exited"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.timeout(300)
def test_ingest_beside_a_running_service_is_refused(tmp_path: Path) -> None:
    article = tmp_path / "canal.txt"
    article.write_text("Canal news\n\nThe Quorvath canal lock was repainted in bright red.")
    with _serving(tmp_path) as url:
        ingest = subprocess.run(
            [RAG, "ingest", str(article)],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert ingest.returncode == 1
        assert "POST /v1/articles" in ingest.stderr and "CHROMA_HOST" in ingest.stderr
        with article.open("rb") as upload:
            added = httpx.post(f"{url}/v1/articles", files={"file": upload}, timeout=60)
        assert added.status_code == 201
        asked = httpx.post(f"{url}/v1/ask", json={"question": "Which lock was repainted?"})
        assert asked.status_code == 200 and asked.json()["answered"]
    # With the service stopped, the command line writes again.
    ingest = subprocess.run(
        [RAG, "ingest", str(article)],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ingest.returncode == 0, ingest.stderr
    assert "unchanged" in ingest.stdout
