"""Server mode: the index lives in a real Chroma server started with the `chroma` CLI."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from rag.config import DEFAULT_ARTICLES_DIR
from rag.indexing import IngestStatus
from rag.service import RagService
from tests.conftest import DEFAULT_IDS, make_settings

OFFER_ARTICLE = "000_85aa625414b9aaa7"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _chroma_cli() -> str:
    beside_python = Path(sys.executable).parent / "chroma"
    found = str(beside_python) if beside_python.exists() else shutil.which("chroma")
    assert found, "the `chroma` CLI that chromadb installs was not found"
    return found


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A Chroma server on a free local port, for this module only."""
    workdir = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
    env.pop("CHROMA_HOST", None)
    log_path = workdir / "server.log"
    command = [_chroma_cli(), "run", "--path", str(workdir / "data")]
    command += ["--host", HOST, "--port", str(port)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=workdir,
        )
    try:
        probe = None
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"chroma run exited with {server.returncode}:\n{log_path.read_text()}")
            try:
                probe = probe or chromadb.HttpClient(
                    host=HOST, port=port, settings=ChromaSettings(anonymized_telemetry=False)
                )
                probe.heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail(f"chroma run did not answer in 30 s:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def _server_service(port: int, index_dir: Path) -> RagService:
    return RagService(make_settings(index_dir, chroma_host=HOST, chroma_port=port))


@pytest.fixture(scope="module")
def server_service(chroma_port: int, tmp_path_factory: pytest.TempPathFactory) -> RagService:
    index_dir = tmp_path_factory.mktemp("unused-index")
    rag = _server_service(chroma_port, index_dir)
    results = rag.ensure_corpus()
    assert sorted(r.article_id for r in results) == DEFAULT_IDS
    assert {r.status for r in results} == {IngestStatus.added}
    return rag


def test_server_mode_answers_with_a_citation(server_service: RagService, chroma_port: int) -> None:
    assert server_service.settings.chroma_host == HOST
    answer = server_service.ask("How much did Musk offer for OpenAI?")
    assert answer.answered is True
    assert answer.mode == "extractive"
    assert "97.4 billion" in answer.answer
    offer = [c for c in answer.citations if "97.4 billion" in c.text]
    assert offer and offer[0].article_id == OFFER_ARTICLE
    article = server_service.article(OFFER_ARTICLE)
    assert article.text[offer[0].start : offer[0].end] == offer[0].text


def test_index_lives_in_the_server_not_on_disk(
    server_service: RagService, chroma_port: int
) -> None:
    # The passages are in the server: a plain client sees both collections filled.
    client = chromadb.HttpClient(
        host=HOST, port=chroma_port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    names = {c.name for c in client.list_collections()}
    collection = server_service.settings.collection
    assert {f"{collection}_passages", f"{collection}_articles"} <= names
    assert client.get_collection(f"{collection}_articles").count() == len(DEFAULT_IDS)
    passages = sum(a.passages for a in server_service.articles())
    assert client.get_collection(f"{collection}_passages").count() == passages
    # ... and nothing was written to the local index directory.
    assert not any(server_service.settings.index_dir.iterdir())


def test_second_service_sees_the_same_articles_and_reingest_is_unchanged(
    server_service: RagService, chroma_port: int, tmp_path: Path
) -> None:
    other = _server_service(chroma_port, tmp_path / "other-index")
    assert [a.id for a in other.articles()] == DEFAULT_IDS
    assert other.articles() == server_service.articles()
    assert other.ready()
    assert not (tmp_path / "other-index").exists()
    assert other.ensure_corpus() == []  # already indexed: nothing to do

    results, errors = other.ingest_paths([DEFAULT_ARTICLES_DIR])
    assert errors == []
    assert sorted(r.article_id for r in results) == DEFAULT_IDS
    assert {r.status for r in results} == {IngestStatus.unchanged}
    assert other.articles() == server_service.articles()

    answer = other.ask("How much did Musk offer for OpenAI?")
    assert answer.answered and "97.4 billion" in answer.answer
    assert any(c.article_id == OFFER_ARTICLE for c in answer.citations)
