"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused into one ranking.

Dense retrieval finds paraphrases; BM25 finds the exact names, numbers and amounts the dense
model blurs. The lexical index is rebuilt from Chroma whenever the article index changes, so
the two never disagree about what is indexed.
"""

import re
import threading
from dataclasses import dataclass

import numpy as np
import Stemmer
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
from llama_index.retrievers.bm25 import BM25Retriever

from rag.indexing import ArticleIndex

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-case word tokens, the unit the corpus vocabulary is kept in."""
    return _WORD.findall(text.lower())


class _LexicalRetriever(BaseRetriever):
    """BM25 over every passage, narrowed to some articles and cut to the top k."""

    def __init__(self, bm25: BM25Retriever, top_k: int, article_ids: set[str] | None) -> None:
        super().__init__()
        self._bm25, self._top_k, self._article_ids = bm25, top_k, article_ids

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        ranked = self._bm25.retrieve(query_bundle)
        if self._article_ids is not None:
            ranked = [n for n in ranked if n.node.metadata["article_id"] in self._article_ids]
        return [n for n in ranked if n.score > 0][: self._top_k]


@dataclass(frozen=True)
class RetrievedPassage:
    node: NodeWithScore
    fused_score: float
    relevance: float  # cosine similarity of passage and question embeddings


class _LexicalSnapshot:
    """BM25 index and vocabulary built from one state of the article index."""

    def __init__(self, index: ArticleIndex) -> None:
        nodes = index.all_passages()
        self.content_hashes = sorted({node.metadata["content_hash"] for node in nodes})
        self.vocabulary: set[str] = set()
        for node in nodes:
            self.vocabulary.update(words(node.get_content()))
            for key in ("title", "publisher", "author"):
                self.vocabulary.update(words(node.metadata.get(key, "")))
        self.bm25 = (
            BM25Retriever.from_defaults(
                nodes=nodes,
                stemmer=Stemmer.Stemmer("english"),
                language="english",
                similarity_top_k=len(nodes),
            )
            if nodes
            else None
        )


class HybridRetriever:
    def __init__(self, index: ArticleIndex, embed_model: BaseEmbedding, fusion_mode: str) -> None:
        self._index = index
        self._fusion_mode = fusion_mode
        self._embed_model = embed_model
        self._vector_index = VectorStoreIndex.from_vector_store(
            index.vector_store, embed_model=embed_model
        )
        self._lexical = _LexicalSnapshot(index)
        self._refresh_lock = threading.Lock()

    def refresh(self) -> None:
        """Rebuild the lexical side after the article index changed.

        Rebuilds run one at a time so the last write is always the one reflected; questions
        keep using the previous snapshot until the new one is swapped in.
        """
        with self._refresh_lock:
            self._lexical = _LexicalSnapshot(self._index)

    @property
    def vocabulary(self) -> set[str]:
        return self._lexical.vocabulary

    def retrieve(
        self, question: QueryBundle, top_k: int, article_ids: list[str] | None = None
    ) -> list[RetrievedPassage]:
        lexical = self._lexical
        if lexical.bm25 is None:
            return []
        wanted = set(article_ids) if article_ids else None
        # Dense hits come only from the article versions this snapshot holds, never from a
        # write in progress (rag/indexing.py).
        conditions = [
            MetadataFilter(
                key="content_hash", operator=FilterOperator.IN, value=lexical.content_hashes
            )
        ]
        if wanted:
            conditions.append(
                MetadataFilter(key="article_id", operator=FilterOperator.IN, value=sorted(wanted))
            )
        filters = MetadataFilters(filters=conditions)
        candidates = max(top_k, 10)
        fusion = QueryFusionRetriever(
            [
                self._vector_index.as_retriever(similarity_top_k=candidates, filters=filters),
                _LexicalRetriever(lexical.bm25, candidates, wanted),
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
        stored = self._index.embeddings([n.node.node_id for n in fused])
        query = np.asarray(question.embedding)
        # A passage of this snapshot may have been replaced since; it is left out.
        return [
            RetrievedPassage(
                node=n,
                fused_score=float(n.score or 0.0),
                relevance=float(np.dot(query, stored[n.node.node_id])),
            )
            for n in fused
            if n.node.node_id in stored
        ]
