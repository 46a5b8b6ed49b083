"""The article index: passages in a Chroma collection (through llama-index), a registry of
articles beside it, and the lexical index (`rag.index.lexical`) that mirrors the registry.

Each version of an article has its own passage ids (`<article>:<hash>:<n>`), and the registry
record names the content hash of the version that counts. An ingest writes the new passages,
then the registry record (the commit point), then the article's postings in the lexical index;
the previous version's passages go at the next write, once questions have moved to a lexical
snapshot without them. A delete removes the record first. So every registry record vouches for
a whole set of passages, and readers that keep to the versions a lexical snapshot holds never
see half an article.

Before a write touches an article's passages it notes the article in a small journal (a third
collection); the note goes once the article's passages are exactly its vouched version. So a
crash can leave disorder only in noted articles, and `repair()` at start settles those alone —
undoing an ingest stopped before its commit, finishing one stopped after it, bringing the
lexical index level — in time that does not grow with the archive (on a Chroma server, start
also reads the registry: one record per article).

Writers are serialised within a process, and across processes on one embedded index by a lock
file beside it. On a Chroma server, processes write side by side and learn of each other's
writes from a change log (`sync`); each keeps its own lexical index on its machine's disk and
brings it level with the registry when it starts (`repair`).
"""

import hashlib
import itertools
import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from chromadb.api import ClientAPI
from chromadb.errors import ChromaError
from filelock import FileLock, Timeout
from llama_index.core.schema import TextNode
from llama_index.core.vector_stores.utils import metadata_dict_to_node
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.errors import ArticleNotFoundError, IndexUnavailableError
from rag.index.embedding import VectorModel
from rag.index.lexical import LexicalIndex
from rag.index.sentence_vectors import Sentences, SentenceStore
from rag.ingestion.splitting import PassageSplitter, held_version
from rag.models import Article, ArticleDetail, ArticleSummary, IngestResult, IngestStatus

_COSINE = {"hnsw": {"space": "cosine"}}
# The registry is only ever read by id, never searched: a constant one-number vector stands in
# for the embedding Chroma requires of every record.
_NO_VECTOR = [1.0]
# Passages per Chroma write: bounded requests (each is one transaction, so not too small),
# and progress a crash test can observe.
WRITE_BATCH = 512
# Registry records per read: Chroma turns a read into one SQL statement with a variable per
# record, and SQLite caps those.
READ_PAGE = 1000
_DATABASE = "chroma.sqlite3"  # the embedded store's database file
# Processes sharing a Chroma server (see ArticleIndex.sync).
SYNC_INTERVAL_S = 0.25  # at most this often, a look for other processes' writes
CHANGES_WINDOW_S = 60  # change records re-read each look: clocks may differ this much
CHANGES_KEPT_S = 3600  # change records older than this are deleted
STALE_NOTE_S = 600  # a journal note this old belongs to a dead writer (no write lasts so long)
LEVEL_BATCH = 100  # articles whose passages one read brings to the lexical index

log = logging.getLogger(__name__)


def _pages(ids: list[str], size: int = READ_PAGE) -> Iterator[list[str]]:
    return (ids[start : start + size] for start in range(0, len(ids), size))


def _claim_slot(base: Path) -> tuple[Path, FileLock]:
    """A lexical index directory that no other live process on this machine uses, and the
    lock that keeps it so. Processes sharing a Chroma server keep one each; a restarted one
    takes a free one (most often its own) and re-indexes only what changed since."""
    base.parent.mkdir(parents=True, exist_ok=True)
    number = 0
    while True:
        # Not thread-local: the service may be built in one thread and closed in another.
        lock = FileLock(f"{base}-{number}.lock", thread_local=False)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            number += 1
            continue
        return Path(f"{base}-{number}"), lock


@contextmanager
def _unavailable_on_failure() -> Iterator[None]:
    """A failure of the store itself (not of the request) becomes IndexUnavailableError."""
    try:
        yield
    except ChromaError as exc:
        raise IndexUnavailableError(f"the index cannot be used: {exc}") from exc


def service_lock(index_dir: Path, collection: str) -> FileLock:
    """Held by `rag serve` on an embedded index: one process owns it, and `rag ingest` refuses
    to write beside it (embedded Chroma does not see another process's writes)."""
    return FileLock(index_dir / f"{collection}.serve.lock")


@dataclass(frozen=True)
class StoredPassage:
    node: TextNode
    embedding: np.ndarray


@dataclass
class PreparedArticle:
    """An article split into passages, then embedded (passages and `sentences`), ready to be
    written."""

    article: Article
    content_hash: str
    passages: list[TextNode]
    sentences: dict[str, Sentences] = field(default_factory=dict)


class ArticleIndex:
    def __init__(
        self,
        client: ClientAPI,
        collection: str,
        embed_model: VectorModel,
        splitter: PassageSplitter,
        fingerprint: str,
        server_lexical: Path | None = None,
    ) -> None:
        """`server_lexical`: on a Chroma server, where this machine's processes keep their
        lexical indexes (None: in memory, built at each start)."""
        self._passages = client.get_or_create_collection(
            f"{collection}_passages", configuration=_COSINE, embedding_function=None
        )
        self._keep_to_model(embed_model.model_name)
        self._registry = client.get_or_create_collection(
            f"{collection}_articles", embedding_function=None
        )
        # Articles whose passages may hold more than their vouched version.
        self._journal = client.get_or_create_collection(
            f"{collection}_journal", embedding_function=None
        )
        # Which articles each write changed, and when: how processes sharing a Chroma server
        # learn of each other's writes.
        self._changes = client.get_or_create_collection(
            f"{collection}_changes", embedding_function=None
        )
        self.vector_store = ChromaVectorStore(chroma_collection=self._passages)
        self.sentences = SentenceStore(client, collection, embed_model)
        self._embed_model = embed_model
        self._splitter = splitter
        self._fingerprint = fingerprint
        self._thread_lock = threading.Lock()
        store = client.get_settings()
        folder = (
            Path(store.persist_directory)
            if store.is_persistent and store.persist_directory
            else None
        )
        self._database = folder / _DATABASE if folder else None
        # A Chroma server: other processes write beside this one (see `sync`).
        self._shared = folder is None
        self._owner = uuid.uuid4().hex
        self._sync_lock = threading.Lock()
        self._next_sync = 0.0
        self._seen: dict[str, int] = {}  # change record id -> its time, within the window
        self._started_at = time.time_ns()
        self._dimension = embed_model.dimension
        self._process_lock = (
            FileLock(folder / f"{collection}.write.lock") if folder else nullcontext()
        )
        # Beside an embedded index; for a Chroma server, one of this machine's own.
        lexical_dir = folder / f"{collection}_lexical" if folder else None
        self._slot: FileLock | None = None  # held while this process uses that directory
        if self._shared and server_lexical is not None:
            try:
                lexical_dir, self._slot = _claim_slot(server_lexical)
            except OSError as exc:
                log.warning("the lexical index is kept in memory and built at each start: %s", exc)
        self.lexical = LexicalIndex(lexical_dir)

    def _keep_to_model(self, model: str) -> None:
        """The index records which model made its vectors and refuses vectors of another:
        similarities between two models' vectors mean nothing."""
        recorded = dict(self._passages.metadata or {})
        if recorded.get("embedding_model") is None:
            self._passages.modify(metadata={**recorded, "embedding_model": model})
        elif recorded["embedding_model"] != model:
            raise IndexUnavailableError(
                f"the index holds vectors of {recorded['embedding_model']}, not of {model}: "
                "use another RAG_COLLECTION (or RAG_INDEX_DIR) for this model, or the model "
                "the index was built with"
            )

    def close(self) -> None:
        """Give up this process's lexical index directory on a Chroma server to the next
        process on this machine (the index must not be used after)."""
        if self._slot is not None:
            self._slot.release()

    def check(self) -> None:
        """Run the cheapest real question path (the database, a nearest-neighbour query);
        raises IndexUnavailableError when questions cannot be answered."""
        if self._database and not self._database.exists():
            raise IndexUnavailableError(f"the index database {self._database} is missing")
        with _unavailable_on_failure():
            self._registry.count()
            if self._passages.count():
                probe = [1.0] + [0.0] * (self._dimension - 1)
                self._passages.query(query_embeddings=[probe], n_results=1, include=["distances"])

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """The write lock. Noted articles are settled first: no other writer is midway, so
        whatever their registry records do not vouch for is garbage (a replaced version that
        questions have stopped reading, or a dead writer's leftovers)."""
        if self._database and not self._database.exists():
            raise IndexUnavailableError(f"the index database {self._database} is missing")
        with self._thread_lock, self._process_lock, _unavailable_on_failure():
            self._settle(self._notes())
            yield

    def _note(self, article_ids: list[str]) -> None:
        now = time.time_ns()
        self._journal.upsert(
            ids=article_ids,
            embeddings=[_NO_VECTOR] * len(article_ids),
            metadatas=[{"owner": self._owner, "at": now}] * len(article_ids),
        )

    def _notes(self) -> list[str]:
        """The noted articles this process may settle: every one on an embedded index (its
        lock file keeps other writers out); on a server, its own and those of writers dead
        for STALE_NOTE_S, never another live process's write in progress."""
        found = self._journal.get(include=["metadatas"])
        if not self._shared:
            return found["ids"]
        stale = time.time_ns() - STALE_NOTE_S * 10**9
        return [
            id_
            for id_, meta in zip(found["ids"], found["metadatas"], strict=True)
            if not meta or meta.get("owner") == self._owner or meta.get("at", 0) < stale
        ]

    def _announce(self, article_ids: list[str]) -> None:
        """Record that these articles changed, for the other processes' `sync`; forget
        changes older than CHANGES_KEPT_S. An embedded index has no other process to tell:
        two Chroma writes spared per ingest."""
        if not self._shared:
            return
        now = time.time_ns()
        self._changes.upsert(
            ids=[f"{now}:{self._owner}:{n}" for n in range(len(article_ids))],
            embeddings=[_NO_VECTOR] * len(article_ids),
            metadatas=[{"article_id": id_, "at": now} for id_ in article_ids],
        )
        self._changes.delete(where={"at": {"$lt": now - CHANGES_KEPT_S * 10**9}})

    def sync(self) -> None:
        """On a Chroma server, bring this process's lexical snapshot, and with it the article
        versions questions keep to, level with what other processes wrote. Reads only the
        change records of the last CHANGES_WINDOW_S, at most every SYNC_INTERVAL_S; the
        window tolerates clocks that far apart and makes a missed change impossible."""
        now = time.monotonic()
        if not self._shared or now < self._next_sync:
            return
        if not self._sync_lock.acquire(blocking=False):
            return  # another thread is syncing
        try:
            self._next_sync = now + SYNC_INTERVAL_S
            since = max(self._seen.values(), default=self._started_at)
            with _unavailable_on_failure():
                found = self._changes.get(
                    where={"at": {"$gte": since - CHANGES_WINDOW_S * 10**9}},
                    include=["metadatas"],
                )
                new = {
                    id_: meta
                    for id_, meta in zip(found["ids"], found["metadatas"], strict=True)
                    if id_ not in self._seen
                }
                if new:
                    articles = sorted({meta["article_id"] for meta in new.values()})
                    self._level_lexical(articles, self._vouched(articles))
            self._seen.update({id_: meta["at"] for id_, meta in new.items()})
            horizon = max(self._seen.values(), default=0) - CHANGES_WINDOW_S * 10**9
            self._seen = {id_: at for id_, at in self._seen.items() if at >= horizon}
        finally:
            self._sync_lock.release()

    def _vouched(self, article_ids: list[str]) -> dict[str, str]:
        return {id_: hash_ for id_, (hash_, _) in self._indexed(article_ids).items()}

    def _level_lexical(self, article_ids: list[str], vouched: dict[str, str]) -> None:
        """The lexical index to hold each article's vouched version (or nothing)."""
        held = self.lexical.snapshot().versions
        todo = [a for a in article_ids if held.get(a) != vouched.get(a)]
        versions = self._versions({a: vouched[a] for a in todo if a in vouched})
        self.lexical.apply({a: (vouched[a], versions[a]) if a in vouched else None for a in todo})

    def _versions(self, wanted: dict[str, str]) -> dict[str, list[TextNode]]:
        """The passages of these article versions, in order, LEVEL_BATCH articles per read: a
        read per article is an HTTP round trip on a server, a read of many is one."""
        versions: dict[str, list[TextNode]] = {a: [] for a in wanted}
        for batch in _pages(sorted(wanted), LEVEL_BATCH):
            found = self._passages.get(
                where={"article_id": {"$in": batch}}, include=["documents", "metadatas"]
            )
            for id_, text, meta in zip(
                found["ids"], found["documents"], found["metadatas"], strict=True
            ):
                if held_version(id_, wanted):
                    versions[meta["article_id"]].append(metadata_dict_to_node(meta, text=text))
        for nodes in versions.values():
            nodes.sort(key=lambda node: node.metadata["start"])
        return versions

    def _settle(self, article_ids: list[str]) -> int:
        """Leave each article with its vouched passages only, lexically too; drop its note.
        Returns how many passages were deleted."""
        if not article_ids:
            return 0
        vouched = self._vouched(article_ids)
        # Questions move to the vouched versions first, then the rest goes.
        self._level_lexical(article_ids, vouched)
        removed = 0
        for article_id in article_ids:
            content_hash = vouched.get(article_id)
            where = (
                self._passages_of(article_id, content_hash, same=False)
                if content_hash
                else {"article_id": article_id}
            )
            if stray := self.sentences.matching(where):
                self.sentences.delete(stray)
            garbage = self._passages.get(where=where, include=[])["ids"]
            if garbage:
                self._passages.delete(ids=garbage)
                removed += len(garbage)
        self._journal.delete(ids=article_ids)
        return removed

    def _content_hash(self, article: Article) -> str:
        payload = json.dumps([self._fingerprint, article.model_dump()], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _indexed(self, article_ids: list[str]) -> dict[str, tuple[str, int]]:
        """Content hash and passage count of those of the articles the registry holds."""
        if not article_ids:
            return {}
        found = self._registry.get(ids=article_ids, include=["metadatas"])
        return {
            id_: (meta["content_hash"], meta["passages"])
            for id_, meta in zip(found["ids"], found["metadatas"], strict=True)
        }

    def _passages_of(self, article_id: str, content_hash: str, same: bool = True) -> dict:
        """A `where` for an article's passages of one version (or of every other version)."""
        return {
            "$and": [
                {"article_id": article_id},
                {"content_hash": content_hash if same else {"$ne": content_hash}},
            ]
        }

    def prepare(self, article: Article) -> PreparedArticle | IngestResult:
        """The article split into passages (not yet embedded), or, when the index already
        holds this very content, the result of ingesting it."""
        content_hash = self._content_hash(article)
        indexed, count = self._indexed([article.id]).get(article.id, (None, 0))
        if indexed == content_hash:
            return IngestResult(article.id, IngestStatus.unchanged, count)
        return PreparedArticle(article, content_hash, self._splitter.split(article, content_hash))

    def ingest(self, article: Article) -> IngestResult:
        """Index an article; unchanged content is left alone, changed content replaced."""
        return self.ingest_many([article])[0]

    def ingest_many(self, articles: list[Article]) -> list[IngestResult]:
        """Index articles together: their passages and sentences embedded in shared batches,
        written under one hold of the write lock, one lexical commit for all."""
        prepared = [self.prepare(article) for article in articles]
        changed = [p for p in prepared if isinstance(p, PreparedArticle)]
        passages = [passage for p in changed for passage in p.passages]
        sentences = self.sentences.embed(passages)  # the passages' vectors too
        for p in changed:
            p.sentences = {n.node_id: sentences[n.node_id] for n in p.passages}
        written = iter(self.write(changed))
        return [p if isinstance(p, IngestResult) else next(written) for p in prepared]

    def write(self, prepared: list[PreparedArticle]) -> list[IngestResult]:
        """Write embedded articles, a few Chroma calls for the lot (each call costs a
        transaction, whatever its size). Embedding, the slow part, happened outside the write
        lock; hashes are checked again inside it, so concurrent ingests of one article end with
        one copy. The registry records, written after every passage, are the commit."""
        ids = [item.article.id for item in prepared]
        if len(set(ids)) < len(ids):  # the same article twice: the later version wins
            again = next(i for i, id_ in enumerate(ids) if id_ in ids[:i])
            return self.write(prepared[:again]) + self.write(prepared[again:])
        with self._writing():
            indexed = self._indexed(ids)
            todo = [
                p for p in prepared if indexed.get(p.article.id, (None, 0))[0] != p.content_hash
            ]
            if todo:
                self._commit(todo)
                fresh = [p.article.id for p in todo if p.article.id not in indexed]
                if fresh:  # nothing to replace: in order now that the lexical commit is done
                    self._journal.delete(ids=fresh)
        results = []
        for item in prepared:
            hash_, count = indexed.get(item.article.id, (None, 0))
            if hash_ == item.content_hash:
                results.append(IngestResult(item.article.id, IngestStatus.unchanged, count))
                continue
            status = IngestStatus.updated if hash_ else IngestStatus.added
            results.append(IngestResult(item.article.id, status, len(item.passages)))
            log.info(
                "article indexed",
                extra={
                    "article_id": item.article.id,
                    "status": str(status),
                    "passages": len(item.passages),
                },
            )
        return results

    def _commit(self, todo: list[PreparedArticle]) -> None:
        """Note, passages (sentences first), registry records, lexical index: in that order."""
        self._note([p.article.id for p in todo])
        passages = [passage for p in todo for passage in p.passages]
        sentences = {id_: s for p in todo for id_, s in p.sentences.items()}
        batches = range(0, len(passages), WRITE_BATCH)
        for number, start in enumerate(batches, start=1):
            batch = passages[start : start + WRITE_BATCH]
            self.sentences.add(batch, sentences)
            self.vector_store.add(batch)
            log.debug("passages written", extra={"batch": number, "batches": len(batches)})
        self._registry.upsert(
            ids=[p.article.id for p in todo],
            documents=[p.article.text for p in todo],
            embeddings=[_NO_VECTOR] * len(todo),
            metadatas=[
                self._registry_metadata(p.article, p.content_hash, len(p.passages)) for p in todo
            ],
        )
        for item in todo:
            log.debug("article committed", extra={"article_id": item.article.id})
        self.lexical.apply({p.article.id: (p.content_hash, p.passages) for p in todo})
        self._announce([p.article.id for p in todo])

    @staticmethod
    def _registry_metadata(article: Article, content_hash: str, passages: int) -> dict:
        meta = article.model_dump(exclude={"id", "text"}, exclude_none=True)
        return {**meta, "content_hash": content_hash, "passages": passages}

    def delete(self, article_id: str) -> None:
        with self._writing():
            if not self._registry.get(ids=[article_id], include=[])["ids"]:
                raise ArticleNotFoundError(article_id)
            self._note([article_id])
            self._registry.delete(ids=[article_id])
            self._settle([article_id])
            self._announce([article_id])
        log.info("article deleted", extra={"article_id": article_id})

    def _registry_pages(self, include: list[str]) -> Iterator[dict]:
        for offset in itertools.count(0, READ_PAGE):
            page = self._registry.get(include=include, limit=READ_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page

    def vouched_hashes(self) -> dict[str, str]:
        """Article id to the content hash of its indexed version."""
        return {
            id_: meta["content_hash"]
            for page in self._registry_pages(["metadatas"])
            for id_, meta in zip(page["ids"], page["metadatas"], strict=True)
        }

    def repair(self) -> int:
        """Settle what a crash can have left (the noted articles) and bring the lexical index
        level with the registry; returns how many passages were deleted."""
        with self._thread_lock, self._process_lock, _unavailable_on_failure():
            removed = self._settle(self._notes())
            if removed:
                log.warning("removed passages of unfinished writes", extra={"passages": removed})
            # An embedded index's lexical index is kept level by its writers and the journal;
            # on a server, others wrote while this process was away.
            if self._shared or (not self.lexical.snapshot().versions and self._registry.count()):
                self._level_with_registry()
            return removed

    def _level_with_registry(self) -> None:
        """Re-index the articles whose held version is not the registry's, a page at a time:
        every article into an empty lexical index, only what changed into a kept one."""
        held = self.lexical.snapshot().versions
        vouched = self.vouched_hashes()
        # Pages read while another process deletes can skip a record: what looks gone is
        # read again by id before it is removed.
        for gone in _pages(sorted(held.keys() - vouched.keys())):
            vouched |= self._vouched(gone)
        changed = sorted(a for a in held.keys() | vouched.keys() if held.get(a) != vouched.get(a))
        log.info(
            "levelling the lexical index: %d of %d articles to re-index",
            len(changed),
            len(vouched),
        )
        for page in _pages(changed):
            self._level_lexical(page, vouched)

    def summaries(self) -> list[ArticleSummary]:
        return sorted(
            (
                ArticleSummary(id=id_, **meta)
                for page in self._registry_pages(["metadatas"])
                for id_, meta in zip(page["ids"], page["metadatas"], strict=True)
            ),
            key=lambda summary: summary.id,
        )

    def article(self, article_id: str) -> ArticleDetail:
        found = self._registry.get(ids=[article_id], include=["metadatas", "documents"])
        if not found["ids"]:
            raise ArticleNotFoundError(article_id)
        return ArticleDetail(id=article_id, text=found["documents"][0], **found["metadatas"][0])

    def all_passages(self) -> list[TextNode]:
        """Every vouched passage, article by article (for checks and exports, never on a
        question's path)."""
        versions = self._versions(self.vouched_hashes())
        return [node for article_id in sorted(versions) for node in versions[article_id]]

    def sentence_vectors(self, passage_ids: list[str]) -> dict[str, Sentences]:
        return self.sentences.get(passage_ids)

    def nearest(
        self, embedding: list[float], limit: int, article_ids: set[str] | None
    ) -> list[tuple[str, float]]:
        """Ids of the passages nearest a question embedding, with llama-index's similarity
        for Chroma (exp(-distance)); no text or metadata is read for hits that fusion may
        drop."""
        where = {"article_id": {"$in": sorted(article_ids)}} if article_ids else None
        found = self._passages.query(
            query_embeddings=[embedding], n_results=limit, where=where, include=["distances"]
        )
        return [
            (id_, math.exp(-distance))
            for id_, distance in zip(found["ids"][0], found["distances"][0], strict=True)
        ]

    def passages(self, passage_ids: list[str]) -> dict[str, StoredPassage]:
        """The passages of these ids still stored, as nodes with their embeddings."""
        found = self._passages.get(
            ids=passage_ids, include=["documents", "metadatas", "embeddings"]
        )
        return {
            id_: StoredPassage(metadata_dict_to_node(meta, text=text), np.asarray(vector))
            for id_, text, meta, vector in zip(
                found["ids"],
                found["documents"],
                found["metadatas"],
                found["embeddings"],
                strict=True,
            )
        }

    def known(self, article_ids: list[str]) -> set[str]:
        """Those of these ids the registry holds: a read of just them, for the question path."""
        return set(self._indexed(list(dict.fromkeys(article_ids))))

    def ids(self) -> set[str]:
        return {id_ for page in self._registry_pages([]) for id_ in page["ids"]}

    def count(self) -> int:
        return self._registry.count()
