"""Server mode: the index lives in a real Chroma server started with the `chroma` CLI."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import chromadb
import httpx
import pytest
from chromadb.config import Settings as ChromaSettings
from fastapi.testclient import TestClient

from api.main import create_app
from rag.config import DEFAULT_ARTICLES_DIR
from rag.models import ArticleCreate, IngestStatus
from rag.service import RagService
from tests.conftest import DEFAULT_IDS, make_settings
from tests.paths import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.integration]

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
    return RagService.from_settings(make_settings(index_dir, chroma_host=HOST, chroma_port=port))


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
    # ... and locally only this process's lexical index, in a directory of its own.
    lexical = f"{collection}_lexical_{HOST}_{chroma_port}-0"
    assert {p.name for p in server_service.settings.index_dir.iterdir()} == {
        lexical,
        f"{lexical}.lock",
    }


def test_second_service_sees_the_same_articles_and_reingest_is_unchanged(
    server_service: RagService, chroma_port: int, tmp_path: Path
) -> None:
    other = _server_service(chroma_port, tmp_path / "other-index")
    assert [a.id for a in other.articles()] == DEFAULT_IDS
    assert other.articles() == server_service.articles()
    assert other.check() == len(DEFAULT_IDS)  # answers from the shared server
    assert not (tmp_path / "other-index" / "chroma.sqlite3").exists()
    assert other.ensure_corpus() == []  # already indexed: nothing to do

    results, errors = other.ingest_paths([DEFAULT_ARTICLES_DIR])
    assert errors == []
    assert sorted(r.article_id for r in results) == DEFAULT_IDS
    assert {r.status for r in results} == {IngestStatus.unchanged}
    assert other.articles() == server_service.articles()

    answer = other.ask("How much did Musk offer for OpenAI?")
    assert answer.answered and "97.4 billion" in answer.answer
    assert any(c.article_id == OFFER_ARTICLE for c in answer.citations)


@contextmanager
def _rag_serve(port: int, chroma_port: int, workdir: Path, *options: str) -> Iterator[str]:
    """A real `rag serve` process on the Chroma server; yields its base URL."""
    (workdir / "articles").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CHROMA_HOST": HOST,
        "CHROMA_PORT": str(chroma_port),
        "RAG_COLLECTION": "replicas",
        "RAG_ARTICLES_DIR": str(workdir / "articles"),
        "RAG_INDEX_DIR": str(workdir / "unused"),
        "HF_HUB_OFFLINE": "1",
    }
    rag = Path(sys.executable).parent / "rag"
    log = (workdir / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(
        [str(rag), "serve", "--host", HOST, "--port", str(port), *options],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=workdir,
    )
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (workdir / f"serve-{port}.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "rag serve did not start in 120 s"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _cites(url: str, question: str, article_id: str) -> bool:
    response = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=30)
    assert response.status_code == 200, response.text
    return any(p["article_id"] == article_id for p in response.json()["passages"])


@pytest.mark.timeout(600)
def test_replicas_see_each_others_writes_within_a_second(chroma_port: int, tmp_path: Path) -> None:
    with (
        _rag_serve(_free_port(), chroma_port, tmp_path / "a") as writer,
        _rag_serve(_free_port(), chroma_port, tmp_path / "b") as reader,
    ):
        statuses: list[int] = []
        stop = threading.Event()

        def ask_meanwhile() -> None:
            while not stop.is_set():
                answer = httpx.post(
                    f"{reader}/v1/ask", json={"question": "What did the ferry log say?"}, timeout=30
                )
                statuses.append(answer.status_code)

        asker = threading.Thread(target=ask_meanwhile)
        asker.start()
        try:
            for n in range(3):
                text = " ".join(
                    f"Ferry log {n} entry {i}: the boat left pier {i}." for i in range(60)
                )
                body = {"id": f"ferry{n}", "title": f"Ferry log {n}", "text": text}
                assert httpx.post(f"{writer}/v1/articles", json=body, timeout=60).status_code == 201
            beacon = "The Quorvath beacon was lit on the north pier at dawn by the harbour master."
            body = {"id": "beacon", "title": "Beacon", "text": beacon}
            assert httpx.post(f"{writer}/v1/articles", json=body, timeout=60).status_code == 201
            written = time.monotonic()
            while not _cites(reader, "Who lit the Quorvath beacon?", "beacon"):
                assert time.monotonic() - written < 1.0, "the write was not seen within 1 s"
            assert httpx.delete(f"{writer}/v1/articles/beacon", timeout=60).status_code == 204
            deleted = time.monotonic()
            while _cites(reader, "Who lit the Quorvath beacon?", "beacon"):
                assert time.monotonic() - deleted < 1.0, "the delete was not seen within 1 s"
            assert httpx.get(f"{reader}/readyz", timeout=10).status_code == 200
        finally:
            stop.set()
            asker.join(timeout=60)
        assert statuses and set(statuses) == {200}


@pytest.mark.timeout(600)
def test_workers_of_one_service_share_the_server_and_see_a_write_at_once(
    chroma_port: int, tmp_path: Path
) -> None:
    port = _free_port()
    with _rag_serve(port, chroma_port, tmp_path, "--workers", "2") as url:
        log = tmp_path / f"serve-{port}.log"
        deadline = time.monotonic() + 60
        while log.read_text().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, "two workers did not start"
            time.sleep(0.2)
        # The workers keep a lexical index each; the parent gave up the one it checked with.
        slots = {p.name for p in (tmp_path / "unused").iterdir() if p.suffix != ".lock"}
        assert slots == {f"replicas_lexical_{HOST}_{chroma_port}-{n}" for n in (0, 1)}
        beacon = "The Velmora lantern was hung on the east quay at noon by the ferry captain."
        body = {"id": "lantern", "title": "Lantern", "text": beacon}
        assert httpx.post(f"{url}/v1/articles", json=body, timeout=60).status_code == 201
        written = time.monotonic()
        # Connections are spread over the workers: each new one may reach either.
        while not all(_cites(url, "Who hung the Velmora lantern?", "lantern") for _ in range(10)):
            assert time.monotonic() - written < 1.0, "a worker did not see the write within 1 s"
        assert httpx.get(f"{url}/readyz", timeout=10).status_code == 200
        assert httpx.delete(f"{url}/v1/articles/lantern", timeout=60).status_code == 204


# A process that writes articles on the Chroma server, or asks a question, and exits. Its
# lexical index is kept in `index_dir` for its next start; it prints what that start levelled.
_SERVER_PROCESS = """
import json, logging, sys
from rag.config import Settings
from rag.models import ArticleCreate
from rag.service import RagService

index_dir, port, action = sys.argv[1], int(sys.argv[2]), sys.argv[3]
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s", stream=sys.stderr)
settings = Settings(
    index_dir=index_dir, chroma_host="127.0.0.1", chroma_port=port, collection="restarts"
)
rag = RagService.from_settings(settings)
if action == "write":
    for n in range(3):
        text = f"Orchard report {n}: the pear harvest in valley {n} reached {n + 7} tonnes."
        rag.add_article(ArticleCreate(id=f"orchard{n}", title=f"Orchard {n}", text=text))
else:
    answer = rag.ask(action)
    print(json.dumps({
        "versions": rag.index.lexical.snapshot().versions,
        "cited": sorted({c.article_id for c in answer.citations}),
    }))
"""


def _server_process(index_dir: Path, port: int, action: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-c", _SERVER_PROCESS, str(index_dir), str(port), action],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_restarted_process_reindexes_only_what_others_changed_meanwhile(
    chroma_port: int, tmp_path: Path
) -> None:
    kept = tmp_path / "kept-index"
    first = _server_process(kept, chroma_port, "write")
    assert "levelling the lexical index: 0 of 0 articles to re-index" in first.stderr
    # While it is away, another process replaces one article, deletes one and adds one.
    other = RagService.from_settings(
        make_settings(
            tmp_path / "other", chroma_host=HOST, chroma_port=chroma_port, collection="restarts"
        )
    )
    replaced = "Orchard report 1: the pear harvest in valley 1 was lost to a late frost."
    other.add_article(ArticleCreate(id="orchard1", title="Orchard 1", text=replaced))
    other.delete("orchard2")
    beacon = "Orchard report 3: the Quillon plum harvest in valley 3 reached 40 tonnes."
    other.add_article(ArticleCreate(id="orchard3", title="Orchard 3", text=beacon))

    again = _server_process(
        kept, chroma_port, "How many tonnes did the Quillon plum harvest reach?"
    )
    # The kept index was brought level article by article, not rebuilt.
    assert "levelling the lexical index: 3 of 3 articles to re-index" in again.stderr
    seen = json.loads(again.stdout.splitlines()[-1])
    assert seen["versions"] == other.index.vouched_hashes()
    assert seen["cited"] == ["orchard3"]
    assert sorted(p.name for p in kept.iterdir() if p.suffix != ".lock") == [
        f"restarts_lexical_{HOST}_{chroma_port}-0"
    ]


def _restart_service(chroma_port: int, index_dir: Path) -> RagService:
    return RagService.from_settings(
        make_settings(index_dir, chroma_host=HOST, chroma_port=chroma_port, collection="kept")
    )


def test_an_article_a_registry_read_skipped_is_not_dropped(
    chroma_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rag = _restart_service(chroma_port, tmp_path)
    text = "The Tessaly ferry sailed at dawn with forty passengers aboard."
    rag.add_article(ArticleCreate(id="ferry", title="Ferry", text=text))
    held = dict(rag.index.lexical.snapshot().versions)
    # Registry pages read while another process deletes can skip a record.
    monkeypatch.setattr(rag.index, "vouched_hashes", lambda: {})
    rag.index.repair()
    assert rag.index.lexical.snapshot().versions == held
    assert rag.ask("How many passengers sailed on the Tessaly ferry?").answered


def test_an_app_gives_up_its_lexical_index_when_it_stops(chroma_port: int, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, chroma_host=HOST, chroma_port=chroma_port, collection="kept")
    for _ in range(2):
        with TestClient(create_app(settings)) as client:
            assert client.get("/readyz").status_code in (200, 503)
    # The second app took up the directory the first one left, rather than a new one.
    assert {p.name for p in tmp_path.iterdir() if p.suffix != ".lock"} == {
        f"kept_lexical_{HOST}_{chroma_port}-0"
    }


def test_an_unwritable_index_dir_keeps_the_lexical_index_in_memory(
    chroma_port: int, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    rag = _restart_service(chroma_port, not_a_folder)
    assert "the lexical index is kept in memory" in caplog.text
    text = "The Marrow lighthouse keeper logged nine storms in March."
    rag.add_article(ArticleCreate(id="lighthouse", title="Lighthouse", text=text))
    assert rag.ask("How many storms did the Marrow lighthouse keeper log?").answered
