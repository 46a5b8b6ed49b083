"""Hybrid retrieval: dense (Chroma) and lexical (BM25, `rag.index.lexical`) results fused into one
ranking.

Dense retrieval finds paraphrases; BM25 finds the exact names, numbers and amounts the dense
model blurs. Each question reads one lexical snapshot and keeps dense hits to the article
versions that snapshot holds, so the two sides never disagree about what is indexed and a
write in progress is never seen.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

from rag.index.lexical import LexicalSnapshot, Vocabulary
from rag.index.store import ArticleIndex

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case word tokens, the unit the corpus vocabulary is kept in."""
    return _WORD.findall(text.lower())


class _LexicalRetriever(BaseRetriever):
    """BM25 from one lexical snapshot, narrowed to some articles, cut to the top k."""

    def __init__(
        self,
        index: ArticleIndex,
        snapshot: LexicalSnapshot,
        top_k: int,
        article_ids: set[str] | None,
    ) -> None:
        super().__init__()
        self._index, self._snapshot = index, snapshot
        self._top_k, self._article_ids = top_k, article_ids

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        found = self._snapshot.search(
            self._index.lexical.schema, query_bundle.query_str, self._top_k, self._article_ids
        )
        return [NodeWithScore(node=node, score=score) for node, score in found if score > 0]


class _VouchedRetriever(BaseRetriever):
    """Dense hits of the article versions a lexical snapshot holds, cut to the top k: a
    version still being written, or already replaced, is dropped."""

    def __init__(self, dense: BaseRetriever, versions: Mapping[str, str], top_k: int) -> None:
        super().__init__()
        self._dense, self._versions, self._top_k = dense, versions, top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        kept = []
        for hit in self._dense.retrieve(query_bundle):
            meta = hit.node.metadata  # empty for a passage deleted while the query ran
            if "article_id" in meta and self._versions.get(meta["article_id"]) == meta.get(
                "content_hash"
            ):
                kept.append(hit)
        return kept[: self._top_k]


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
    def __init__(self, index: ArticleIndex, embed_model: BaseEmbedding, fusion_mode: str) -> None:
        self._index = index
        self._fusion_mode = fusion_mode
        self._vector_index = VectorStoreIndex.from_vector_store(
            index.vector_store, embed_model=embed_model
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
        wanted = set(article_ids) if article_ids else None
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
        candidates = max(top_k, 10)
        # Twice as many dense hits as kept: room for the passages of a version being replaced.
        dense = self._vector_index.as_retriever(similarity_top_k=2 * candidates, filters=filters)
        fusion = QueryFusionRetriever(
            [
                _VouchedRetriever(dense, snapshot.versions, candidates),
                _LexicalRetriever(self._index, snapshot, candidates, wanted),
            ],
            mode=FUSION_MODES(self._fusion_mode),
            similarity_top_k=top_k,
            num_queries=1,  # no query rewriting, so the language model is never called here
            use_async=False,
            llm=MockLLM(),
        )
        fused = fusion.retrieve(question)
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
