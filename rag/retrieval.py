"""Hybrid retrieval: dense (Chroma) and lexical (BM25, `rag.index.lexical`) results fused into one
ranking.

Dense retrieval finds paraphrases; BM25 finds the exact names, numbers and amounts the dense
model blurs. Each question reads one lexical snapshot and keeps dense hits to the article
versions that snapshot holds, so the two sides never disagree about what is indexed and a
write in progress is never seen.
"""

import sys
from dataclasses import dataclass

import numpy as np
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.core.vector_stores.types import BasePydanticVectorStore

from rag.index.lexical import LexicalSnapshot, Vocabulary
from rag.index.store import ArticleIndex


@dataclass(kw_only=True)
class _Question(QueryBundle):
    """A question with what both sides read for it, so one fusion retriever, built once,
    serves every question at the same time: the lexical snapshot, how many candidates each
    side keeps, and the articles asked about (None: all)."""

    snapshot: LexicalSnapshot
    candidates: int
    article_ids: set[str] | None


def _asked(query_bundle: QueryBundle) -> _Question:
    assert isinstance(query_bundle, _Question), "only HybridRetriever queries these retrievers"
    return query_bundle


class _LexicalRetriever(BaseRetriever):
    """BM25 from the question's lexical snapshot, narrowed to its articles, cut to the top k."""

    def __init__(self, index: ArticleIndex) -> None:
        super().__init__()
        self._index = index

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question = _asked(query_bundle)
        found = question.snapshot.search(
            self._index.lexical.schema,
            question.query_str,
            question.candidates,
            question.article_ids,
        )
        return [NodeWithScore(node=node, score=score) for node, score in found if score > 0]


class _VouchedRetriever(BaseRetriever):
    """Dense hits of the article versions the question's lexical snapshot holds, cut to the
    top k: a version still being written, or already replaced, is dropped. The vector store is
    queried directly: a retriever per question would cost more Python than the search."""

    def __init__(self, store: BasePydanticVectorStore) -> None:
        super().__init__()
        self._store = store

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question = _asked(query_bundle)
        wanted = question.article_ids
        filters = (
            MetadataFilters(
                filters=[
                    MetadataFilter(
                        key="article_id", operator=FilterOperator.IN, value=sorted(wanted)
                    )
                ]
            )
            if wanted
            else None
        )
        found = self._store.query(
            VectorStoreQuery(
                query_embedding=question.embedding,
                # Twice as many as kept: room for the passages of a version being replaced.
                similarity_top_k=2 * question.candidates,
                filters=filters,
            )
        )
        versions = question.snapshot.versions
        kept = []
        for node, similarity in zip(found.nodes or [], found.similarities or [], strict=True):
            meta = node.metadata  # empty for a passage deleted while the query ran
            if "article_id" in meta and versions.get(meta["article_id"]) == meta.get(
                "content_hash"
            ):
                kept.append(NodeWithScore(node=node, score=similarity))
        return kept[: question.candidates]


@dataclass(frozen=True)
class RetrievedPassage:
    node: NodeWithScore
    fused_score: float
    relevance: float  # cosine similarity of passage and question embeddings
    # Exactly `rag.text.sentence_spans(text, offset=start)` as computed at ingest, and
    # the sentences' unit vectors (float32, one row per span).
    sentence_spans: list[tuple[int, int]]
    sentence_vectors: np.ndarray


class HybridRetriever:
    def __init__(self, index: ArticleIndex, fusion_mode: str) -> None:
        self._index = index
        self._fusion = QueryFusionRetriever(
            [_VouchedRetriever(index.vector_store), _LexicalRetriever(index)],
            mode=FUSION_MODES(fusion_mode),
            similarity_top_k=sys.maxsize,  # every fused passage; each question cuts its own
            num_queries=1,  # no query rewriting, so the language model is never called here
            use_async=False,
            llm=MockLLM(),
        )

    @property
    def vocabulary(self) -> Vocabulary:
        """Every word of the indexed articles, as membership tests (`in`, `has_prefix`)."""
        return self._index.lexical.snapshot().vocabulary

    def retrieve(
        self, question: QueryBundle, top_k: int, article_ids: list[str] | None = None
    ) -> list[RetrievedPassage]:
        self._index.sync()
        snapshot = self._index.lexical.snapshot()
        if not snapshot.versions:
            return []
        asked = _Question(
            question.query_str,
            embedding=question.embedding,
            snapshot=snapshot,
            candidates=max(top_k, 10),
            article_ids=set(article_ids) if article_ids else None,
        )
        fused = self._fusion.retrieve(asked)[:top_k]
        return self._with_relevance(question, fused)

    def _with_relevance(
        self, question: QueryBundle, fused: list[NodeWithScore]
    ) -> list[RetrievedPassage]:
        if not fused:
            return []
        ids = [n.node.node_id for n in fused]
        stored = self._index.embeddings(ids)
        sentences = self._index.sentence_vectors(ids)
        query = np.asarray(question.embedding)
        # A passage of this snapshot may have been replaced since; it is left out.
        return [
            RetrievedPassage(
                node=n,
                fused_score=float(n.score or 0.0),
                relevance=float(np.dot(query, stored[n.node.node_id])),
                sentence_spans=sentences[n.node.node_id].spans,
                sentence_vectors=sentences[n.node.node_id].vectors,
            )
            for n in fused
            if n.node.node_id in stored and n.node.node_id in sentences
        ]
