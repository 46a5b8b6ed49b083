"""The library's front door: the object the API, the CLI and notebooks all call.

Everything heavy (embedding model, Chroma, the lexical index, the model client) is built once
here, so each caller shares one wiring.
"""

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from llama_index.core.schema import QueryBundle

from rag.answering.evidence import assess
from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.generative import GenerativeAnswerer
from rag.components.embedding import build_embed_model, word_piece_counter
from rag.components.vector_store import build_chroma_client
from rag.config import Settings, get_settings
from rag.errors import ArticleNotFoundError
from rag.indexing import ArticleIndex, IngestResult
from rag.models import Answer, Article, ArticleDetail, ArticleSummary, Mode, Passage, Timings
from rag.reading import ArticleError, find_article_files, read_article
from rag.retrieval import HybridRetriever, RetrievedPassage
from rag.splitting import PassageSplitter

NOT_COVERED_ANSWER = "The articles do not cover this."


def _passage(retrieved: RetrievedPassage) -> Passage:
    node = retrieved.node.node
    return Passage(
        article_id=node.metadata["article_id"],
        title=node.metadata["title"],
        text=node.text,
        score=round(retrieved.fused_score, 6),
        relevance=round(retrieved.relevance, 4),
        start=node.metadata["start"],
        end=node.metadata["end"],
    )


class RagService:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._embed_model = build_embed_model(self.settings)
        splitter = PassageSplitter(
            self.settings.chunk_size,
            self.settings.chunk_overlap,
            word_piece_counter(self._embed_model),
        )
        fingerprint = (
            f"{self._embed_model.model_name}|{self.settings.chunk_size}|"
            f"{self.settings.chunk_overlap}"
        )
        self.index = ArticleIndex(
            build_chroma_client(self.settings),
            self.settings.collection,
            self._embed_model,
            splitter,
            fingerprint,
        )
        self.index.repair()
        self._retriever = HybridRetriever(self.index, self._embed_model, self.settings.fusion_mode)
        self._extractive = ExtractiveAnswerer(self._embed_model)
        self._generative = (
            GenerativeAnswerer(self.settings) if self.settings.llm_configured else None
        )

    @property
    def mode(self) -> Mode:
        return Mode.generative if self._generative else Mode.extractive

    def ask(
        self, question: str, top_k: int | None = None, articles: list[str] | None = None
    ) -> Answer:
        if articles and (unknown := set(articles) - self.index.ids()):
            raise ArticleNotFoundError(*sorted(unknown))
        started = time.perf_counter()
        bundle = QueryBundle(question, embedding=self._embed_model.get_query_embedding(question))
        retrieved = self._retriever.retrieve(bundle, top_k or self.settings.top_k, articles)
        retrieved_at = time.perf_counter()
        evidence = assess(
            question, retrieved, self._retriever.vocabulary, self.settings.min_relevance
        )
        text, citations = "", []
        if evidence.supported:
            if self._generative:
                text, citations = self._generative.answer(question, retrieved)
            else:
                text, citations = self._extractive.answer(question, bundle.embedding, retrieved)
        answered = bool(citations)
        finished = time.perf_counter()
        return Answer(
            answer=text if answered else NOT_COVERED_ANSWER,
            answered=answered,
            mode=self.mode,
            query=question,
            citations=citations if answered else [],
            passages=[_passage(p) for p in retrieved],
            timings=Timings(
                retrieve_ms=round((retrieved_at - started) * 1000, 2),
                answer_ms=round((finished - retrieved_at) * 1000, 2),
                total_ms=round((finished - started) * 1000, 2),
            ),
        )

    def ingest(self, articles: Iterable[Article]) -> list[IngestResult]:
        results = [self.index.ingest(article) for article in articles]
        self._retriever.refresh()
        return results

    def ingest_paths(
        self,
        paths: list[Path],
        on_article: Callable[[Path, IngestResult | None, str | None], None] | None = None,
    ) -> tuple[list[IngestResult], list[str]]:
        """Index every article file under `paths`; unreadable ones are reported and skipped."""
        results: list[IngestResult] = []
        errors: list[str] = []
        try:
            for path in find_article_files(paths):
                try:
                    result = self.index.ingest(read_article(path))
                except ArticleError as exc:
                    errors.append(str(exc))
                    if on_article:
                        on_article(path, None, str(exc))
                    continue
                results.append(result)
                if on_article:
                    on_article(path, result, None)
        finally:
            self._retriever.refresh()
        return results, errors

    def ensure_corpus(self) -> list[IngestResult]:
        """Index the configured articles folder when the index is empty (first start)."""
        if self.index.count():
            return []
        results, _ = self.ingest_paths([self.settings.articles_dir])
        return results

    def delete(self, article_id: str) -> None:
        self.index.delete(article_id)
        self._retriever.refresh()

    def articles(self) -> list[ArticleSummary]:
        return self.index.summaries()

    def article(self, article_id: str) -> ArticleDetail:
        return self.index.article(article_id)

    def ready(self) -> bool:
        return self.index.count() > 0
