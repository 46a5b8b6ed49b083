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
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle, QueryType, TextNode

from rag.index.lexical import LexicalSnapshot, Vocabulary
from rag.index.store import ArticleIndex
from rag.ingestion.splitting import held_version


@dataclass(kw_only=True)
class _Question(QueryBundle):
    """A question with what both sides read for it, so one fusion retriever, built once,
    serves every question at the same time: the lexical snapshot, how many candidates each
    side keeps, and the articles asked about (None: all)."""

    snapshot: LexicalSnapshot
    candidates: int
    article_ids: set[str] | None


def _asked(query_bundle: QueryType) -> _Question:
    assert isinstance(query_bundle, _Question), "only HybridRetriever queries these retrievers"
    return query_bundle


class _PassageRef(TextNode):
    """A hit known by its passage id alone: fusion ranks these, and only the passages it keeps
    are read (`ArticleIndex.passages`)."""

    @property
    def hash(self) -> str:
        return self.node_id  # what fusion merges the two sides' hits of one passage by


def _hits(found: list[tuple[str, float]]) -> list[NodeWithScore]:
    return [NodeWithScore(node=_PassageRef(id_=id_), score=score) for id_, score in found]


class _Side:
    """One side of the hybrid search, as the fusion retriever calls it. The fusion retriever's
    own retrieval is traced (one span and its events per question); a llama-index retriever
    here would open two more spans per side and question (each reads its method's signature),
    which cost more than the lexical search itself."""

    def __init__(self, index: ArticleIndex) -> None:
        self._index = index

    def retrieve(self, str_or_query_bundle: QueryType) -> list[NodeWithScore]:
        return self._retrieve(_asked(str_or_query_bundle))

    def _retrieve(self, question: _Question) -> list[NodeWithScore]:
        raise NotImplementedError


class _LexicalRetriever(_Side):
    """BM25 from the question's lexical snapshot, narrowed to its articles, cut to the top k."""

    def _retrieve(self, question: _Question) -> list[NodeWithScore]:
        found = question.snapshot.search(
            self._index.lexical.schema,
            question.query_str,
            question.candidates,
            question.article_ids,
        )
        return _hits([(id_, score) for id_, score in found if score > 0])


class _VouchedRetriever(_Side):
    """Dense hits of the article versions the question's lexical snapshot holds, cut to the
    top k: a version still being written, or already replaced, is dropped."""

    def _retrieve(self, question: _Question) -> list[NodeWithScore]:
        # Twice as many as kept: room for the passages of a version being replaced.
        found = self._index.nearest(
            question.embedding, 2 * question.candidates, question.article_ids
        )
        versions = question.snapshot.versions
        return _hits([hit for hit in found if held_version(hit[0], versions)])[
            : question.candidates
        ]


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
            [_VouchedRetriever(index), _LexicalRetriever(index)],
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
        stored = self._index.passages(ids)
        sentences = self._index.sentence_vectors(ids)
        query = np.asarray(question.embedding)
        # A passage of this snapshot may have been replaced since; it is left out.
        return [
            RetrievedPassage(
                node=NodeWithScore(node=stored[id_].node, score=n.score),
                fused_score=float(n.score or 0.0),
                relevance=float(np.dot(query, stored[id_].embedding)),
                sentence_spans=sentences[id_].spans,
                sentence_vectors=sentences[id_].vectors,
            )
            for id_, n in zip(ids, fused, strict=True)
            if id_ in stored and id_ in sentences
        ]
