"""The library's front door: the object the API, the CLI and notebooks all call.

Everything heavy (embedding model, Chroma, the lexical index, the model client) is built once
here, so each caller shares one wiring.
"""

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Callable, Iterable
from contextlib import aclosing
from pathlib import Path

from chromadb.errors import ChromaError
from llama_index.core.schema import QueryBundle

import rag.sentences
from rag.answering.citing import MarkerStream
from rag.answering.evidence import Evidence, assess
from rag.answering.extractive import ExtractiveAnswerer, quoted
from rag.answering.generative import GenerativeAnswerer
from rag.chat import carry_names, transcript
from rag.components.embedding import build_embed_model
from rag.components.vector_store import build_chroma_client
from rag.config import Settings, get_settings
from rag.errors import ArticleNotFoundError, RagError
from rag.indexing import ArticleIndex, IndexUnavailableError, IngestResult
from rag.models import (
    MAX_QUESTION_CHARS,
    Answer,
    Article,
    ArticleDetail,
    ArticleSummary,
    ChatEvent,
    ChatMessage,
    Citation,
    CitationEvent,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    Mode,
    Passage,
    SourcesEvent,
    Timings,
)
from rag.reading import ArticleError, find_article_files, read_article
from rag.retrieval import HybridRetriever, RetrievedPassage
from rag.splitting import PassageSplitter

# Set by rag.sentences once its rules are versioned; 1 until then.
SENTENCE_RULES: int = getattr(rag.sentences, "SENTENCE_RULES", 1)

NOT_COVERED_ANSWER = "The articles do not cover this."
INGEST_BATCH = 16  # article files embedded and committed together
logger = logging.getLogger(__name__)


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
            self._embed_model.word_pieces,
        )
        # A change of model, passage sizes or sentence rules re-indexes each article.
        fingerprint = (
            f"{self._embed_model.model_name}|{self.settings.chunk_size}|"
            f"{self.settings.chunk_overlap}|sentences {SENTENCE_RULES}"
        )
        self.index = ArticleIndex(
            build_chroma_client(self.settings),
            self.settings.collection,
            self._embed_model,
            splitter,
            fingerprint,
        )
        self.index.repair()
        self._retriever = HybridRetriever(self.index, self.settings.fusion_mode)
        self._extractive = ExtractiveAnswerer()
        self._generative = (
            GenerativeAnswerer(self.settings) if self.settings.llm_configured else None
        )

    @property
    def mode(self) -> Mode:
        return Mode.generative if self._generative else Mode.extractive

    def _check_articles(self, articles: list[str] | None) -> None:
        if articles and (unknown := set(articles) - self.index.known(articles)):
            raise ArticleNotFoundError(*sorted(unknown))

    def _retrieve(
        self, query: str, top_k: int | None, articles: list[str] | None
    ) -> tuple[QueryBundle, list[RetrievedPassage], Evidence]:
        bundle = QueryBundle(query, embedding=self._embed_model.get_query_embedding(query))
        try:
            retrieved = self._retriever.retrieve(bundle, top_k or self.settings.top_k, articles)
        except ChromaError as exc:  # the store failed, not the question
            raise IndexUnavailableError(f"the index cannot be searched: {exc}") from exc
        evidence = assess(query, retrieved, self._retriever.vocabulary, self.settings.min_relevance)
        return bundle, retrieved, evidence

    def _can_fall_back(self, error: RagError) -> bool:
        if self.settings.llm_fallback_extractive:
            logger.warning("language model failed, answering extractively: %s", error)
            return True
        return False

    @staticmethod
    def _answer(
        query: str,
        mode: Mode,
        text: str,
        citations: list[Citation],
        retrieved: list[RetrievedPassage],
        started: float,
        retrieved_at: float,
        dropped: int = 0,
    ) -> Answer:
        answered = bool(citations)
        finished = time.perf_counter()
        timings = Timings(
            retrieve_ms=round((retrieved_at - started) * 1000, 2),
            answer_ms=round((finished - retrieved_at) * 1000, 2),
            total_ms=round((finished - started) * 1000, 2),
        )
        logger.info(
            "answered", extra={"mode": str(mode), "answered": answered, **timings.model_dump()}
        )
        return Answer(
            answer=text if answered else NOT_COVERED_ANSWER,
            answered=answered,
            mode=mode,
            query=query,
            citations=citations if answered else [],
            passages=[_passage(p) for p in retrieved],
            timings=timings,
            dropped=dropped,
        )

    def ask(
        self, question: str, top_k: int | None = None, articles: list[str] | None = None
    ) -> Answer:
        self._check_articles(articles)
        started = time.perf_counter()
        bundle, retrieved, evidence = self._retrieve(question, top_k, articles)
        retrieved_at = time.perf_counter()
        mode, text, citations, dropped = self.mode, "", [], 0
        if evidence.supported and self._generative:
            try:
                text, citations, dropped = self._generative.answer(question, retrieved)
            except RagError as error:
                if not self._can_fall_back(error):
                    raise
                mode = Mode.extractive
        if evidence.supported and mode is Mode.extractive:
            text, citations = self._extractive.answer(question, bundle.embedding, retrieved)
        return self._answer(
            question, mode, text, citations, retrieved, started, retrieved_at, dropped=dropped
        )

    async def chat(
        self,
        messages: list[ChatMessage],
        top_k: int | None = None,
        articles: list[str] | None = None,
    ) -> Answer:
        """The last question answered in the light of the conversation (see docs/api.md)."""
        await asyncio.to_thread(self._check_articles, articles)
        events = [event async for event in self._chat_events(messages, top_k, articles, False)]
        done = events[-1]
        assert isinstance(done, DoneEvent)
        return done.answer

    def chat_stream(
        self,
        messages: list[ChatMessage],
        top_k: int | None = None,
        articles: list[str] | None = None,
    ) -> AsyncGenerator[ChatEvent, None]:
        """The answer as events; an unknown article raises here, before the stream starts.

        Failures after that end the stream with an error event. Closing the iterator (a
        client that went away) closes the language model's stream too.
        """
        self._check_articles(articles)
        return self._events_or_error(messages, top_k, articles)

    async def _events_or_error(
        self, messages: list[ChatMessage], top_k: int | None, articles: list[str] | None
    ) -> AsyncGenerator[ChatEvent, None]:
        try:
            async with aclosing(self._chat_events(messages, top_k, articles, True)) as events:
                async for event in events:
                    yield event
        except RagError as error:
            yield ErrorEvent(status=error.status_code, detail=str(error))

    async def _standalone_query(self, messages: list[ChatMessage]) -> str:
        if len(messages) == 1:
            return messages[0].content.strip()
        if self._generative:
            try:
                condensed = await self._generative.condense(transcript(messages))
            except RagError as error:
                if not self._can_fall_back(error):
                    raise
            else:
                if condensed:
                    return condensed[:MAX_QUESTION_CHARS]
        return carry_names(messages)

    async def _chat_events(
        self,
        messages: list[ChatMessage],
        top_k: int | None,
        articles: list[str] | None,
        streaming: bool,
    ) -> AsyncGenerator[ChatEvent, None]:
        """Events of one answer. Once text has reached a streaming client, a failed model can
        no longer be swapped for the extractive answer; before that (or when nothing is
        streamed) it can."""
        started = time.perf_counter()
        query = await self._standalone_query(messages)
        bundle, retrieved, evidence = await asyncio.to_thread(
            self._retrieve, query, top_k, articles
        )
        retrieved_at = time.perf_counter()
        mode, text, citations, dropped = self.mode, "", [], 0
        yield SourcesEvent(query=query, mode=mode, passages=[_passage(p) for p in retrieved])
        if evidence.supported and self._generative:
            markers = MarkerStream(retrieved)
            try:
                tokens = self._generative.stream(query, retrieved)
                async with aclosing(tokens):
                    async for token in tokens:
                        for event in markers.feed(token):
                            yield event
                for event in markers.close():
                    yield event
            except RagError as error:
                if (streaming and markers.text) or not self._can_fall_back(error):
                    raise
                mode = Mode.extractive
            else:
                text, citations = markers.text, markers.citations if markers.answered else []
                dropped = markers.dropped
        if evidence.supported and mode is Mode.extractive:
            text, citations = await asyncio.to_thread(
                self._extractive.answer, query, bundle.embedding, retrieved
            )
            for citation in citations:
                yield CitationEvent(citation=citation)
                yield DeltaEvent(text=(" " if citation.marker > 1 else "") + quoted(citation))
        answer = self._answer(
            query, mode, text, citations, retrieved, started, retrieved_at, dropped=dropped
        )
        if not answer.answered:
            yield DeltaEvent(text=NOT_COVERED_ANSWER)
        yield DoneEvent(answer=answer)

    def ingest(self, articles: Iterable[Article]) -> list[IngestResult]:
        return self.index.ingest_many(list(articles))

    def ingest_paths(
        self,
        paths: list[Path],
        on_article: Callable[[Path, IngestResult | None, str | None], None] | None = None,
    ) -> tuple[list[IngestResult], list[str]]:
        """Index every article file under `paths`, INGEST_BATCH files at a time (embedded in
        shared batches, committed together); unreadable ones are reported and skipped. Each
        batch is committed before the next is read, so an interrupted run resumes where it
        stopped: what it had indexed comes back unchanged."""
        results: list[IngestResult] = []
        errors: list[str] = []
        files = find_article_files(paths)
        for start in range(0, len(files), INGEST_BATCH):
            readable: list[tuple[Path, Article]] = []
            for path in files[start : start + INGEST_BATCH]:
                try:
                    readable.append((path, read_article(path)))
                except ArticleError as exc:
                    errors.append(str(exc))
                    if on_article:
                        on_article(path, None, str(exc))
            done = self.index.ingest_many([article for _, article in readable])
            results.extend(done)
            if on_article:
                for (path, _), result in zip(readable, done, strict=True):
                    on_article(path, result, None)
        return results, errors

    def ensure_corpus(self) -> list[IngestResult]:
        """Index the configured articles folder when the index is empty (first start)."""
        if self.index.count():
            return []
        results, _ = self.ingest_paths([self.settings.articles_dir])
        return results

    def delete(self, article_id: str) -> None:
        self.index.delete(article_id)

    def articles(self) -> list[ArticleSummary]:
        return self.index.summaries()

    def article(self, article_id: str) -> ArticleDetail:
        return self.index.article(article_id)

    def ready(self) -> bool:
        return self.index.count() > 0

    def check(self) -> None:
        """Raises IndexUnavailableError unless questions can be answered."""
        self.index.check()
