"""The library's front door: the object the API, the CLI and notebooks all call.

It is given its parts (`rag.providers` builds them from settings: `RagService.from_settings`),
so a test can hand it others. One answer pipeline, `_events`, serves `ask`, `chat` and
streaming, so the rule for falling back from the model to quotes exists once.
"""

import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Self

import anyio.to_thread
from chromadb.errors import ChromaError
from llama_index.core.schema import QueryBundle
from pydantic import ValidationError

from rag.answering.citing import MarkerStream
from rag.answering.conversation import carry_names, transcript
from rag.answering.evidence import Evidence, assess
from rag.answering.extractive import ExtractiveAnswerer, PartEvidence, quoted
from rag.answering.generative import GenerativeAnswerer
from rag.answering.support import need, place_names, question_parts, searched_parts
from rag.config import Settings, get_settings
from rag.errors import ArticleError, ArticleNotFoundError, IndexUnavailableError, RagError
from rag.index.embedding import VectorModel
from rag.index.store import ArticleIndex
from rag.ingestion.reading import (
    article_from_create,
    article_from_upload,
    find_article_files,
    read_article,
)
from rag.models import (
    MAX_QUESTION_CHARS,
    AddedArticle,
    Answer,
    Article,
    ArticleCreate,
    ArticleDetail,
    ArticleSummary,
    ChatEvent,
    ChatMessage,
    CitationEvent,
    DeltaEvent,
    DoneEvent,
    ErrorEvent,
    IngestResult,
    Mode,
    Passage,
    SourcesEvent,
    Timings,
)
from rag.retrieval import HybridRetriever, RetrievedPassage
from rag.text import load_word_tables

NOT_COVERED_ANSWER = "The articles do not cover this."
INGEST_BATCH = 16  # article files embedded and committed together
PART_TOP_K = 3  # passages found for each part of a question of several, asked alone
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


class _PartSearch:
    """The parts of a question searched alone, each once however often it is asked for: the
    quotes ask for a part they cannot state, the model's prompt for every part."""

    def __init__(self, search: Callable[[str], PartEvidence]) -> None:
        self._search = search
        self.found: dict[str, PartEvidence] = {}

    def __call__(self, part: str) -> PartEvidence:
        if part not in self.found:
            self.found[part] = self._search(part)
        return self.found[part]

    def every_part(self, question: str) -> None:
        for part in searched_parts(question_parts(question)):
            self(part.text)


def _with_parts(
    retrieved: list[RetrievedPassage], parts: dict[str, PartEvidence]
) -> list[RetrievedPassage]:
    """The whole question's passages, then those found for its parts alone, each once."""
    found = {p.node.node.node_id: p for p in retrieved}
    for part in parts.values():
        for passage in part.passages:
            found.setdefault(passage.node.node.node_id, passage)
    return list(found.values())


def _timings(started: float, retrieved_at: float) -> Timings:
    finished = time.perf_counter()
    return Timings(
        retrieve_ms=round((retrieved_at - started) * 1000, 2),
        answer_ms=round((finished - retrieved_at) * 1000, 2),
        total_ms=round((finished - started) * 1000, 2),
    )


def _final_answer(events: Iterator[ChatEvent]) -> Answer:
    *_, done = events
    assert isinstance(done, DoneEvent)
    return done.answer


async def _in_thread(
    events: Iterator[ChatEvent], stop: threading.Event
) -> AsyncGenerator[ChatEvent, None]:
    """`events` stepped in worker threads. Closing this returns at once; `stop` tells `events`
    to end at its next model token, and it is closed once the step under way has returned."""
    stepping = threading.Lock()

    def step() -> ChatEvent | None:
        with stepping:
            return next(events, None)

    def close() -> None:
        stop.set()
        with stepping:
            events.close()

    try:
        while (event := await anyio.to_thread.run_sync(step, abandon_on_cancel=True)) is not None:
            yield event
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(close)


class RagService:
    def __init__(
        self,
        settings: Settings,
        *,
        embed_model: VectorModel,
        index: ArticleIndex,
        retriever: HybridRetriever,
        generative: GenerativeAnswerer | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.embed_model = embed_model
        self.retriever = retriever
        self._extractive = ExtractiveAnswerer(embed_model.embed)
        self._generative = generative

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Self:
        """The service wired from settings (the environment and `.env` by default)."""
        from rag import providers

        settings = settings or get_settings()
        load_word_tables()
        place_names()
        embed_model = providers.build_embed_model(settings)
        index = providers.build_index(settings, embed_model)
        return cls(
            settings,
            embed_model=embed_model,
            index=index,
            retriever=HybridRetriever(index, settings.fusion_mode),
            generative=providers.build_generative(settings),
        )

    @property
    def mode(self) -> Mode:
        return Mode.generative if self._generative else Mode.extractive

    # Questions

    def ask(
        self, question: str, top_k: int | None = None, articles: list[str] | None = None
    ) -> Answer:
        self._check_articles(articles)
        return _final_answer(self._events(question, top_k, articles))

    async def chat(
        self,
        messages: list[ChatMessage],
        top_k: int | None = None,
        articles: list[str] | None = None,
    ) -> Answer:
        """The last question answered in the light of the conversation (see docs/api.md)."""

        def answer() -> Answer:
            self._check_articles(articles)
            query = self._standalone_query(messages)
            return _final_answer(self._events(query, top_k, articles))

        return await anyio.to_thread.run_sync(answer)

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
        stop = threading.Event()
        return _in_thread(self._streamed_events(messages, top_k, articles, stop), stop)

    def _streamed_events(
        self,
        messages: list[ChatMessage],
        top_k: int | None,
        articles: list[str] | None,
        stop: threading.Event,
    ) -> Iterator[ChatEvent]:
        try:
            query = self._standalone_query(messages)
            yield from self._events(query, top_k, articles, stop=stop)
        except RagError as error:
            yield ErrorEvent(status=error.status_code, detail=str(error))

    def _check_articles(self, articles: list[str] | None) -> None:
        if articles and (unknown := set(articles) - self.index.known(articles)):
            raise ArticleNotFoundError(*sorted(unknown))

    def _can_fall_back(self, error: RagError) -> bool:
        if self.settings.llm_fallback_extractive:
            logger.warning("language model failed, answering extractively: %s", error)
            return True
        return False

    def _standalone_query(self, messages: list[ChatMessage]) -> str:
        if len(messages) == 1:
            return messages[0].content.strip()
        if self._generative:
            try:
                condensed = self._generative.condense(transcript(messages))
            except RagError as error:
                if not self._can_fall_back(error):
                    raise
            else:
                if condensed:
                    return condensed[:MAX_QUESTION_CHARS]
        return carry_names(messages)

    def _retrieve(
        self, query: str, top_k: int | None, articles: list[str] | None
    ) -> tuple[QueryBundle, list[RetrievedPassage], Evidence]:
        bundle = QueryBundle(query, embedding=self.embed_model.get_query_embedding(query))
        retrieved = self._search(bundle, top_k or self.settings.top_k, articles)
        evidence = assess(query, retrieved, self.retriever.vocabulary, self.settings.min_relevance)
        return bundle, retrieved, evidence

    def _search(
        self, bundle: QueryBundle, top_k: int, articles: list[str] | None
    ) -> list[RetrievedPassage]:
        try:
            return self.retriever.retrieve(bundle, top_k, articles)
        except ChromaError as exc:  # the store failed, not the question
            raise IndexUnavailableError(f"the index cannot be searched: {exc}") from exc

    def _part_evidence(self, part: str, articles: list[str] | None) -> PartEvidence:
        """What a part finds asked alone. It only adds to what the whole question found, so a
        failed search leaves the answer to that."""
        vector = self.embed_model.get_query_embedding(part)
        try:
            found = self._search(QueryBundle(part, embedding=vector), PART_TOP_K, articles)
        except IndexUnavailableError as error:
            logger.warning("a question part could not be searched alone: %s", error)
            found = []
        return PartEvidence(vector, found)

    def _events(
        self,
        query: str,
        top_k: int | None,
        articles: list[str] | None,
        stop: threading.Event | None = None,
    ) -> Iterator[ChatEvent]:
        """One answer as events, ending with `DoneEvent`; streamed from the model when `stop`
        is given (and cut short at the next token once it is set). The model writes when one
        is configured and the passages hold the answer; if it fails before any of its text
        has reached a streaming client (or when nothing is streamed), quotes answer instead."""
        started = time.perf_counter()
        bundle, retrieved, evidence = self._retrieve(query, top_k, articles)
        retrieved_at = time.perf_counter()
        parts = _PartSearch(lambda part: self._part_evidence(part, articles))
        mode, text, citations, dropped = self.mode, "", [], 0
        passages: list[Passage] | None = None
        if evidence.supported and self._generative:
            parts.every_part(query)  # the model cites only what it reads
            found = _with_parts(retrieved, parts.found)
            passages = [_passage(p) for p in found]
            yield SourcesEvent(query=query, mode=mode, passages=passages)
            markers = MarkerStream(found, need(query))
            try:
                if stop:
                    with closing(self._generative.stream(query, found)) as tokens:
                        for token in tokens:
                            if stop.is_set():
                                return
                            yield from markers.feed(token)
                else:
                    markers.feed(self._generative.reply(query, found))
                yield from markers.close()
            except RagError as error:
                if (stop and markers.text) or not self._can_fall_back(error):
                    raise
                mode = Mode.extractive
            else:
                text, citations = markers.text, markers.citations if markers.answered else []
                dropped = markers.dropped
        if evidence.supported and mode is Mode.extractive:
            text, citations = self._extractive.answer(query, bundle.embedding, retrieved, parts)
        if passages is None:  # quotes are chosen before the sources they drew on are listed
            passages = [_passage(p) for p in _with_parts(retrieved, parts.found)]
            yield SourcesEvent(query=query, mode=mode, passages=passages)
        if mode is Mode.extractive:
            for citation in citations:
                yield CitationEvent(citation=citation)
                yield DeltaEvent(text=(" " if citation.marker > 1 else "") + quoted(citation))
        answered = bool(citations)
        timings = _timings(started, retrieved_at)
        logger.info(
            "answered", extra={"mode": str(mode), "answered": answered, **timings.model_dump()}
        )
        if not answered:
            yield DeltaEvent(text=NOT_COVERED_ANSWER)
        yield DoneEvent(
            answer=Answer(
                answer=text if answered else NOT_COVERED_ANSWER,
                answered=answered,
                mode=mode,
                query=query,
                citations=citations if answered else [],
                passages=passages,
                timings=timings,
                dropped=dropped,
            )
        )

    # Articles

    def add_article(self, create: ArticleCreate) -> AddedArticle:
        """Index an article sent as fields; without an id, one is derived from its text."""
        return self._add(article_from_create(create))

    def add_upload(
        self,
        filename: str | None,
        content_type: str | None,
        raw: bytes,
        overrides: dict[str, str] | None = None,
    ) -> AddedArticle:
        """Index an uploaded .txt/.md/.html file; `overrides` replace metadata read from it."""
        article = article_from_upload(filename, content_type, raw)
        if not overrides:
            return self._add(article)
        try:
            create = ArticleCreate.model_validate({**article.model_dump(), **overrides})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise ArticleError(f"invalid article field {problems}") from exc
        return self._add(article_from_create(create))

    def _add(self, article: Article) -> AddedArticle:
        result = self.index.ingest_many([article])[0]
        # What was written, not a read-back: a delete may already have removed it again.
        return AddedArticle(
            **article.model_dump(exclude={"text"}), passages=result.passages, status=result.status
        )

    def ingest(self, articles: Iterable[Article]) -> list[IngestResult]:
        return self.index.ingest_many(list(articles))

    @staticmethod
    def article_files(paths: list[Path]) -> list[Path]:
        """The article files (.txt, .md, .html) at `paths`, folders searched recursively."""
        return find_article_files(paths)

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
        files = self.article_files(paths)
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

    def close(self) -> None:
        """Release what the service holds on this machine (not needed at process exit)."""
        self.index.close()

    def check(self) -> int:
        """How many articles are indexed; raises IndexUnavailableError unless questions can
        be answered."""
        self.index.check()
        return self.index.count()
