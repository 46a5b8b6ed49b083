"""The article index: passages in a Chroma collection (through llama-index) and a registry of
articles beside it.

Each version of an article has its own passage ids (`<article>:<hash>:<n>`), and the registry
record names the content hash of the version that counts. An ingest writes the new passages,
then the registry record (the commit point); the previous version's passages go at the next
write, once questions have moved to a lexical snapshot without them. A delete removes the
record first. So every registry record vouches for a whole set of passages, and readers that
keep to vouched passages (`all_passages`, `vouched_hashes`) never see half an article.
`repair()` at start removes what a crash left unvouched: it undoes an ingest stopped before its
commit and finishes one stopped after it.

Writers are serialised within a process, and across processes on one embedded index by a lock
file beside it (`rag ingest` while `rag serve` runs).
"""

import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
from chromadb.api import ClientAPI
from filelock import FileLock
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from rag.errors import ArticleNotFoundError
from rag.models import Article, ArticleDetail, ArticleSummary
from rag.splitting import PassageSplitter

_COSINE = {"hnsw": {"space": "cosine"}}
# The registry is only ever read by id, never searched: a constant one-number vector stands in
# for the embedding Chroma requires of every record.
_NO_VECTOR = [1.0]
# Passages per Chroma write: bounded requests, and progress a crash test can observe.
WRITE_BATCH = 32

log = logging.getLogger(__name__)


class IngestStatus(StrEnum):
    added = "added"
    updated = "updated"
    unchanged = "unchanged"


@dataclass(frozen=True)
class IngestResult:
    article_id: str
    status: IngestStatus
    passages: int


class ArticleIndex:
    def __init__(
        self,
        client: ClientAPI,
        collection: str,
        embed_model: BaseEmbedding,
        splitter: PassageSplitter,
        fingerprint: str,
    ) -> None:
        self._passages = client.get_or_create_collection(
            f"{collection}_passages", configuration=_COSINE, embedding_function=None
        )
        self._registry = client.get_or_create_collection(
            f"{collection}_articles", embedding_function=None
        )
        self.vector_store = ChromaVectorStore(chroma_collection=self._passages)
        self._embed_model = embed_model
        self._splitter = splitter
        self._fingerprint = fingerprint
        self._thread_lock = threading.Lock()
        self._superseded: set[str] = set()  # articles whose previous version awaits removal
        store = client.get_settings()
        self._process_lock = (
            FileLock(Path(store.persist_directory) / f"{collection}.write.lock")
            if store.is_persistent and store.persist_directory
            else nullcontext()
        )

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._thread_lock, self._process_lock:
            self._remove_superseded()
            yield

    def _remove_superseded(self) -> None:
        """Delete replaced versions' passages. Run under the write lock, so no other writer
        is midway: whatever the registry does not vouch for is garbage."""
        vouched = self.vouched_hashes() if self._superseded else {}
        for article_id in self._superseded:
            if article_id in vouched:
                self._passages.delete(
                    where=self._passages_of(article_id, vouched[article_id], same=False)
                )
        self._superseded.clear()

    def _content_hash(self, article: Article) -> str:
        payload = json.dumps([self._fingerprint, article.model_dump()], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _indexed_hash(self, article_id: str) -> tuple[str | None, int]:
        found = self._registry.get(ids=[article_id], include=["metadatas"])
        if not found["ids"]:
            return None, 0
        return found["metadatas"][0]["content_hash"], found["metadatas"][0]["passages"]

    def _passages_of(self, article_id: str, content_hash: str, same: bool = True) -> dict:
        """A `where` for an article's passages of one version (or of every other version)."""
        return {
            "$and": [
                {"article_id": article_id},
                {"content_hash": content_hash if same else {"$ne": content_hash}},
            ]
        }

    def ingest(self, article: Article) -> IngestResult:
        """Index an article; unchanged content is left alone, changed content replaced.

        Embedding, the slow part, runs outside the write lock; the hash is checked again inside
        it, so concurrent ingests of one article end with one copy."""
        content_hash = self._content_hash(article)
        indexed, count = self._indexed_hash(article.id)
        if indexed == content_hash:
            return IngestResult(article.id, IngestStatus.unchanged, count)
        passages = self._splitter.split(article, content_hash)
        self._embed_model(passages)
        with self._writing():
            indexed, count = self._indexed_hash(article.id)
            if indexed == content_hash:
                return IngestResult(article.id, IngestStatus.unchanged, count)
            # Leftovers of this very version, from a writer that died before its commit.
            self._passages.delete(where=self._passages_of(article.id, content_hash))
            batches = range(0, len(passages), WRITE_BATCH)
            for number, start in enumerate(batches, start=1):
                self.vector_store.add(passages[start : start + WRITE_BATCH])
                log.debug(
                    "passages written",
                    extra={"article_id": article.id, "batch": number, "batches": len(batches)},
                )
            self._registry.upsert(
                ids=[article.id],
                documents=[article.text],
                embeddings=[_NO_VECTOR],
                metadatas=[self._registry_metadata(article, content_hash, len(passages))],
            )
            log.debug("article committed", extra={"article_id": article.id})
            if indexed:
                self._superseded.add(article.id)
        status = IngestStatus.updated if indexed else IngestStatus.added
        log.info(
            "article indexed",
            extra={"article_id": article.id, "status": str(status), "passages": len(passages)},
        )
        return IngestResult(article.id, status, len(passages))

    @staticmethod
    def _registry_metadata(article: Article, content_hash: str, passages: int) -> dict:
        meta = article.model_dump(exclude={"id", "text"}, exclude_none=True)
        return {**meta, "content_hash": content_hash, "passages": passages}

    def delete(self, article_id: str) -> None:
        with self._writing():
            if not self._registry.get(ids=[article_id], include=[])["ids"]:
                raise ArticleNotFoundError(article_id)
            self._registry.delete(ids=[article_id])
            self._passages.delete(where={"article_id": article_id})
        log.info("article deleted", extra={"article_id": article_id})

    def vouched_hashes(self) -> dict[str, str]:
        """Article id to the content hash of its indexed version."""
        registry = self._registry.get(include=["metadatas"])
        return {
            id_: meta["content_hash"]
            for id_, meta in zip(registry["ids"], registry["metadatas"], strict=True)
        }

    def repair(self) -> int:
        """Delete passages no registry record vouches for; returns how many."""
        with self._writing():
            expected = self.vouched_hashes()
            passages = self._passages.get(include=["metadatas"])
            orphans = [
                id_
                for id_, meta in zip(passages["ids"], passages["metadatas"], strict=True)
                if expected.get(meta.get("article_id")) != meta.get("content_hash")
            ]
            if orphans:
                self._passages.delete(ids=orphans)
                log.warning(
                    "removed passages of unfinished writes", extra={"passages": len(orphans)}
                )
            return len(orphans)

    def summaries(self) -> list[ArticleSummary]:
        registry = self._registry.get(include=["metadatas"])
        return sorted(
            (
                ArticleSummary(id=id_, **meta)
                for id_, meta in zip(registry["ids"], registry["metadatas"], strict=True)
            ),
            key=lambda summary: summary.id,
        )

    def article(self, article_id: str) -> ArticleDetail:
        found = self._registry.get(ids=[article_id], include=["metadatas", "documents"])
        if not found["ids"]:
            raise ArticleNotFoundError(article_id)
        return ArticleDetail(id=article_id, text=found["documents"][0], **found["metadatas"][0])

    def all_passages(self) -> list[TextNode]:
        """Every passage of every indexed article, for the lexical index and the vocabulary.

        The registry is read first: a version it vouches for has all its passages written, so
        a write in progress is never half seen."""
        vouched = self.vouched_hashes()
        return [
            node
            for node in self.vector_store.get_nodes(node_ids=None)
            if vouched.get(node.metadata["article_id"]) == node.metadata["content_hash"]
        ]

    def embeddings(self, passage_ids: list[str]) -> dict[str, np.ndarray]:
        found = self._passages.get(ids=passage_ids, include=["embeddings"])
        return {
            id_: np.asarray(vector)
            for id_, vector in zip(found["ids"], found["embeddings"], strict=True)
        }

    def ids(self) -> set[str]:
        return set(self._registry.get(include=[])["ids"])

    def count(self) -> int:
        return self._registry.count()
