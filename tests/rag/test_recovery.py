"""No partial state: a writer killed mid-ingest, concurrent ingests, questions during ingests.

The kill tests run the ingest in a child process that stops itself right after a chosen step
(a log handler on `rag.index.store` announces the step on stdout and then blocks the writer), and
the parent SIGKILLs it there: the index is left exactly as a crash at that step leaves it.
"""

import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from rag.index.store import WRITE_BATCH
from rag.models import Article, IngestStatus
from rag.providers import build_chroma_client
from rag.service import RagService
from tests.conftest import make_settings
from tests.paths import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.integration]

COLLECTION = "news"


def _big_article(version: str, sentences: int = 400) -> Article:
    text = " ".join(
        f"In report {version} line {i} the turbine hall {i % 17} logged {i * 7} kilowatts."
        for i in range(sentences)
    )
    return Article(id="turbines", title="Turbine hall log", text=text)


CHILD = textwrap.dedent(
    """
    import logging, sys, time
    from rag.config import Settings
    from rag.service import RagService
    from tests.rag.test_recovery import _big_article

    index_dir, stop_after, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
    message, occurrence = stop_after.split("#")
    seen = 0

    class StopHere(logging.Handler):
        def emit(self, record):
            global seen
            seen += record.getMessage() == message
            if seen == int(occurrence):
                print("STOPPED", flush=True)
                time.sleep(600)  # the parent kills us here

    indexing = logging.getLogger("rag.index.store")
    indexing.setLevel(logging.DEBUG)
    indexing.addHandler(StopHere())
    service = RagService.from_settings(Settings(_env_file=None, index_dir=index_dir))
    for version in versions:
        service.index.ingest(_big_article(version))
    print("FINISHED", flush=True)
    """
)


def _kill_during(index_dir: Path, stop_after: str, *versions: str) -> None:
    """Ingest `versions` in a child killed at the n-th log message `stop_after` ("message#n")."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index_dir), stop_after, *versions],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "STOPPED"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _stored(index_dir: Path) -> tuple[Counter, dict]:
    """Passages per content hash of the article, and its registry record, read raw."""
    client = build_chroma_client(make_settings(index_dir))
    passages = client.get_collection(f"{COLLECTION}_passages").get(
        where={"article_id": "turbines"}, include=["metadatas"]
    )
    registry = client.get_collection(f"{COLLECTION}_articles").get(
        ids=["turbines"], include=["metadatas"]
    )
    hashes = Counter(meta["content_hash"] for meta in passages["metadatas"])
    record = registry["metadatas"][0] if registry["ids"] else {}
    return hashes, record


def _assert_whole(service: RagService, article: Article) -> None:
    """All the passages the registry names, once each, and the lexical side agrees."""
    summary = next(s for s in service.articles() if s.id == article.id)
    vouched = service.index.vouched_hashes()[article.id]
    raw = service.index._passages.get(
        where={"$and": [{"article_id": article.id}, {"content_hash": vouched}]}
    )
    assert len(raw["ids"]) == len(set(raw["ids"])) == summary.passages
    lexical = [n for n in service.index.all_passages() if n.metadata["article_id"] == article.id]
    assert len(lexical) == summary.passages
    assert service.article(article.id).text == article.text


@pytest.mark.timeout(300)
def test_kill_before_the_commit_leaves_no_trace(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _kill_during(index_dir, "passages written#1", "v1")
    hashes, record = _stored(index_dir)
    assert record == {}  # never committed
    # The first batch is on disk, unvouched.
    assert 0 < sum(hashes.values()) <= WRITE_BATCH

    service = RagService.from_settings(make_settings(index_dir))  # repair runs at start
    assert "turbines" not in service.index.ids()
    assert service.index._passages.get(where={"article_id": "turbines"})["ids"] == []
    assert service.index.all_passages() == []

    article = _big_article("v1")
    assert service.index.ingest(article).status == IngestStatus.added
    _assert_whole(service, article)
    assert len(_stored(index_dir)[0]) == 1


@pytest.mark.timeout(300)
def test_kill_after_the_commit_finishes_the_replacement(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    _kill_during(index_dir, "article committed#2", "v1", "v2")
    hashes, record = _stored(index_dir)
    # Committed: the registry names v2; v1's passages were not yet removed.
    assert len(hashes) == 2 and hashes[record["content_hash"]] == record["passages"]

    service = RagService.from_settings(make_settings(index_dir))
    new = _big_article("v2")
    _assert_whole(service, new)
    assert _stored(index_dir)[0] == Counter({record["content_hash"]: record["passages"]})
    assert service.index.ingest(new).status == IngestStatus.unchanged


SECOND_WRITER = textwrap.dedent(
    """
    import sys
    from rag.config import Settings
    from rag.models import Article
    from rag.service import RagService

    # Starting repairs the index, which takes its lock.
    service = RagService.from_settings(Settings(_env_file=None, index_dir=sys.argv[1]))
    print("READY", flush=True)
    sys.stdin.readline()  # the parent holds the lock now
    text = "The lighthouse at Cape Wrath was automated in 1998. " * 20
    result = service.index.ingest(Article(id="lighthouse", title="Lighthouse", text=text))
    print("DONE", result.status, flush=True)
    """
)


@pytest.mark.timeout(300)
def test_a_second_process_waits_for_the_write_lock(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    (tmp_path / "articles").mkdir()
    service = RagService.from_settings(make_settings(index_dir, articles_dir=tmp_path / "articles"))
    child = subprocess.Popen(
        [sys.executable, "-c", SECOND_WRITER, str(index_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    assert child.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line.strip()) for line in child.stdout])
    reader.start()
    try:
        assert lines.get(timeout=120) == "READY"
        with service.index._writing():  # as an ingest in this process holds it
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
            with pytest.raises(queue.Empty):
                lines.get(timeout=5)  # embedded by now, but blocked on the lock
            assert "lighthouse" not in service.index.ids()
        assert lines.get(timeout=120) == "DONE added"
    finally:
        child.wait(timeout=60)
        reader.join(timeout=10)
    assert child.returncode == 0
    # This process sees the other's commit; its next write renews its lexical snapshot.
    big = _big_article("local", 100)
    service.ingest([big])
    text = "The lighthouse at Cape Wrath was automated in 1998. " * 20
    _assert_whole(service, Article(id="lighthouse", title="Lighthouse", text=text))
    _assert_whole(service, big)
    answer = service.ask("When was the Cape Wrath lighthouse automated?")
    assert answer.answered and "1998" in answer.answer


@pytest.fixture(scope="module")
def rag(tmp_path_factory: pytest.TempPathFactory) -> RagService:
    root = tmp_path_factory.mktemp("concurrency")
    (root / "articles").mkdir()
    return RagService.from_settings(make_settings(root / "index", articles_dir=root / "articles"))


def test_concurrent_ingests_of_one_article_keep_one_copy(rag: RagService) -> None:
    body = {"id": "ferry", "title": "Ferry", "text": _big_article("ferry", 200).text}
    with TestClient(create_app(service=rag)) as client:
        statuses: list[int] = []

        def post() -> None:
            statuses.append(client.post("/v1/articles", json=body).status_code)

        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    _assert_whole(rag, Article(**body))


def _version_article(version: str) -> Article:
    text = " ".join(
        f"Dam log {version} entry {i}: the spillway gate {i % 9} opened {i} times."
        for i in range(60)
    )
    return Article(id="dam", title="Dam log", text=text)


def test_questions_during_replacements_see_one_whole_version(rag: RagService) -> None:
    versions = {v: _version_article(v) for v in ("alpha", "omega")}
    rag.ingest([versions["alpha"]])
    sizes = {v: rag.index._splitter.split(a, "x").__len__() for v, a in versions.items()}
    stop = threading.Event()
    seen: list[tuple[int, set[str], int]] = []

    def replace_back_and_forth() -> None:
        for round_ in range(6):
            rag.ingest([versions["omega" if round_ % 2 == 0 else "alpha"]])
        stop.set()

    def ask(client: TestClient) -> None:
        while not stop.is_set():
            response = client.post(
                "/v1/ask",
                json={"question": "How often did the spillway gate open?", "articles": ["dam"]},
            )
            passages = response.json().get("passages", []) if response.status_code == 200 else []
            words = {w for p in passages for w in ("alpha", "omega") if f"log {w}" in p["text"]}
            seen.append((response.status_code, words, len(passages)))

    with TestClient(create_app(service=rag)) as client:
        writer = threading.Thread(target=replace_back_and_forth)
        readers = [threading.Thread(target=ask, args=(client,)) for _ in range(2)]
        for thread in (writer, *readers):
            thread.start()
        for thread in (writer, *readers):
            thread.join(timeout=300)
    assert len(seen) >= 4
    for status, words, count in seen:
        assert status == 200
        assert len(words) == 1  # never a mix of two versions
        assert count == min(5, sizes[words.pop()])  # never a version with passages missing
    _assert_whole(rag, versions["alpha"])
    # The replaced version's passages outlive the swap of the lexical snapshot, and go at the
    # next write.
    assert len(rag.index._passages.get(where={"article_id": "dam"})["ids"]) > sizes["alpha"]
    rag.ingest([Article(id="canal", title="Canal", text="The canal lock was repainted.")])
    assert len(rag.index._passages.get(where={"article_id": "dam"})["ids"]) == sizes["alpha"]
