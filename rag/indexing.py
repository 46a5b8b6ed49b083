"""The article index: passages in a Chroma collection (through llama-index) and a registry of
articles beside it.

The registry record is written last and names the content hash its passages carry, so an
article counts as indexed only once all its passages are in. `repair()` removes passages that
no finished registry record vouches for (left by a crash mid-ingest).
"""

import hashlib
import json
import threading
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from chromadb.api import ClientAPI
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
        self._write_lock = threading.Lock()

    def _content_hash(self, article: Article) -> str:
        payload = json.dumps([self._fingerprint, article.model_dump()], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def ingest(self, article: Article) -> IngestResult:
        """Index an article; unchanged content is left alone, changed content replaced."""
        content_hash = self._content_hash(article)
        with self._write_lock:
            existing = self._registry.get(ids=[article.id], include=["metadatas"])
            if existing["ids"]:
                meta = existing["metadatas"][0]
                if meta["content_hash"] == content_hash:
                    return IngestResult(article.id, IngestStatus.unchanged, meta["passages"])
            passages = self._splitter.split(article, content_hash)
            self._embed_model(passages)
            self._passages.delete(where={"article_id": article.id})
            self.vector_store.add(passages)
            self._registry.upsert(
                ids=[article.id],
                documents=[article.text],
                embeddings=[_NO_VECTOR],
                metadatas=[self._registry_metadata(article, content_hash, len(passages))],
            )
        status = IngestStatus.updated if existing["ids"] else IngestStatus.added
        return IngestResult(article.id, status, len(passages))

    @staticmethod
    def _registry_metadata(article: Article, content_hash: str, passages: int) -> dict:
        meta = article.model_dump(exclude={"id", "text"}, exclude_none=True)
        return {**meta, "content_hash": content_hash, "passages": passages}

    def delete(self, article_id: str) -> None:
        with self._write_lock:
            if not self._registry.get(ids=[article_id], include=[])["ids"]:
                raise ArticleNotFoundError(article_id)
            self._registry.delete(ids=[article_id])
            self._passages.delete(where={"article_id": article_id})

    def repair(self) -> int:
        """Delete passages no finished registry record vouches for; returns how many."""
        with self._write_lock:
            registry = self._registry.get(include=["metadatas"])
            expected = {
                id_: meta["content_hash"]
                for id_, meta in zip(registry["ids"], registry["metadatas"], strict=True)
            }
            passages = self._passages.get(include=["metadatas"])
            orphans = [
                id_
                for id_, meta in zip(passages["ids"], passages["metadatas"], strict=True)
                if expected.get(meta.get("article_id")) != meta.get("content_hash")
            ]
            if orphans:
                self._passages.delete(ids=orphans)
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
        """Every indexed passage, for the lexical index and the corpus vocabulary."""
        return self.vector_store.get_nodes(node_ids=None)

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
