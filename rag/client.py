"""Clients of the HTTP service for notebooks and scripts: `RagClient` and `AsyncRagClient`.

Both build every request and decode every response through one layer (`_Call`), so they
differ only in how a request is sent. Results are the models of `rag.models`, the very ones
the API serves; failures the service reports become `RagServiceError` subclasses. Transport
failures (no server, a timeout) stay httpx's own exceptions. Guide: docs/client.md.
"""

import mimetypes
import os
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from httpx_sse import EventSource, ServerSentEvent
from pydantic import TypeAdapter

from rag.models import (
    Answer,
    ArticleCreate,
    ArticleDetail,
    ArticleSummary,
    ChatEvent,
    ChatMessage,
    DeltaEvent,
    ErrorEvent,
)

DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 60.0

T = TypeVar("T")
H = TypeVar("H", httpx.Client, httpx.AsyncClient)
Messages = str | Sequence[ChatMessage | dict[str, str]]
"""A conversation: a single question, or messages ending with the user's question."""


class RagServiceError(Exception):
    """The service refused or failed a request; `detail` is its own explanation."""

    def __init__(self, status_code: int, detail: Any) -> None:
        self.status_code = status_code
        self.detail = detail
        super().__init__(f"HTTP {status_code}: {_describe(detail)}")


class UnauthorizedError(RagServiceError):
    """401: the admin key is required and was not sent."""


class ForbiddenError(RagServiceError):
    """403: the admin key sent is wrong."""


class NotFoundError(RagServiceError):
    """404: an unknown article id."""


class InvalidRequestError(RagServiceError):
    """422: the request breaks a rule (empty question, top_k out of range...)."""


class RateLimitedError(RagServiceError):
    """429: too many requests; `retry_after` is the wait in seconds the service asks for."""

    def __init__(self, status_code: int, detail: Any, retry_after: float | None = None) -> None:
        super().__init__(status_code, detail)
        self.retry_after = retry_after


class LanguageModelError(RagServiceError):
    """502: the service's language model failed or returned nothing usable."""


class LanguageModelTimeoutError(RagServiceError):
    """504: the service's language model did not answer in time."""


_ERRORS_BY_STATUS: dict[int, type[RagServiceError]] = {
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    422: InvalidRequestError,
    429: RateLimitedError,
    502: LanguageModelError,
    504: LanguageModelTimeoutError,
}


def _describe(detail: Any) -> str:
    """FastAPI's validation errors, a list of dicts, as one readable line."""
    if isinstance(detail, list) and all(isinstance(e, dict) and "msg" in e for e in detail):
        return "; ".join(
            ".".join(str(part) for part in e.get("loc", ()) if part != "body") + f": {e['msg']}"
            for e in detail
        )
    return str(detail)


def _service_error(
    status_code: int, detail: Any, retry_after: str | None = None
) -> RagServiceError:
    """The typed exception for a status the service answered with."""
    error_class = _ERRORS_BY_STATUS.get(status_code, RagServiceError)
    if error_class is RateLimitedError:
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
        return RateLimitedError(status_code, detail, seconds)
    return error_class(status_code, detail)


def _raise_for_status(response: httpx.Response) -> None:
    """Call after the body is read."""
    if not response.is_error:
        return
    try:
        body = response.json()
    except ValueError:  # not JSON: a proxy's error page
        body = None
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
    else:
        detail = response.text or response.reason_phrase
    raise _service_error(response.status_code, detail, response.headers.get("Retry-After"))


_CHAT_EVENT: TypeAdapter[ChatEvent] = TypeAdapter(ChatEvent)


def _chat_event(sse: ServerSentEvent) -> ChatEvent:
    """One event of /v1/chat's stream; an error event raises the typed error."""
    event = _CHAT_EVENT.validate_json(sse.data)
    if isinstance(event, ErrorEvent):
        raise _service_error(event.status, event.detail)
    return event


@dataclass(frozen=True)
class _Call(Generic[T]):
    """One API call: how to ask for it and how to read the answer, whoever sends it."""

    method: str
    path: str
    decode: Callable[[httpx.Response], T]
    json: Any = None
    files: dict[str, tuple[str, bytes, str]] | None = None

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        return http.build_request(self.method, self.path, json=self.json, files=self.files)


def _decoder(shape: Any) -> Callable[[httpx.Response], Any]:
    adapter = TypeAdapter(shape)
    return lambda response: adapter.validate_json(response.content)


def _no_content(_: httpx.Response) -> None:
    return None


def _without_none(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _article_path(article_id: str) -> str:
    return f"/v1/articles/{quote(article_id, safe='')}"


def _ask(question: str, top_k: int | None, articles: Sequence[str] | None) -> _Call[Answer]:
    body = _without_none(question=question, top_k=top_k, articles=articles and list(articles))
    return _Call("POST", "/v1/ask", _decoder(Answer), json=body)


def _chat(
    messages: Messages, top_k: int | None, articles: Sequence[str] | None, stream: bool
) -> _Call[Answer]:
    if isinstance(messages, str):
        messages = [ChatMessage(role="user", content=messages)]
    wire = [m.model_dump() if isinstance(m, ChatMessage) else m for m in messages]
    body = _without_none(
        messages=wire, stream=stream, top_k=top_k, articles=articles and list(articles)
    )
    return _Call("POST", "/v1/chat", _decoder(Answer), json=body)


def _articles() -> _Call[list[ArticleSummary]]:
    return _Call("GET", "/v1/articles", _decoder(list[ArticleSummary]))


def _article(article_id: str) -> _Call[ArticleDetail]:
    return _Call("GET", _article_path(article_id), _decoder(ArticleDetail))


def _add_article(article: ArticleCreate | str | os.PathLike[str]) -> _Call[ArticleSummary]:
    decode = _decoder(ArticleSummary)
    if isinstance(article, ArticleCreate):
        return _Call("POST", "/v1/articles", decode, json=article.model_dump(exclude_none=True))
    path = Path(article)
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    upload = {"file": (path.name, path.read_bytes(), media_type)}
    return _Call("POST", "/v1/articles", decode, files=upload)


def _delete_article(article_id: str) -> _Call[None]:
    return _Call("DELETE", _article_path(article_id), _no_content)


def _http_options(
    base_url: str | None, api_key: str | None, timeout: float | httpx.Timeout
) -> dict[str, Any]:
    base_url = base_url or os.environ.get("RAG_URL") or DEFAULT_URL
    api_key = api_key if api_key is not None else os.environ.get("RAG_API_KEY")
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return {"base_url": base_url.rstrip("/"), "headers": headers, "timeout": timeout}


class _Connection(Generic[H]):
    """What both clients hold: one httpx client set up from the arguments or the environment.

    `base_url` defaults to `RAG_URL`, then http://127.0.0.1:8000; `api_key` (sent as
    `Authorization: Bearer`) to `RAG_API_KEY`; `timeout` is in seconds."""

    _client_class: type[H]

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self._http = self._client_class(**_http_options(base_url, api_key, timeout))

    @property
    def base_url(self) -> str:
        return str(self._http.base_url).rstrip("/")


class RagClient(_Connection[httpx.Client]):
    """The service over HTTP; see `_Connection` for the arguments."""

    _client_class = httpx.Client

    def _run(self, call: _Call[T]) -> T:
        response = self._http.send(call.request(self._http))
        _raise_for_status(response)
        return call.decode(response)

    def ask(
        self, question: str, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> Answer:
        return self._run(_ask(question, top_k, articles))

    def chat(
        self, messages: Messages, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> Answer:
        """The last question answered in the light of the conversation before it."""
        return self._run(_chat(messages, top_k, articles, stream=False))

    def chat_events(
        self, messages: Messages, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> Iterator[ChatEvent]:
        """The streamed answer as events (sources, citation, delta, done); an error event
        raises. The request goes out at the first `next()`; leaving early closes it."""
        call = _chat(messages, top_k, articles, stream=True)
        response = self._http.send(call.request(self._http), stream=True)
        try:
            if response.is_error:
                response.read()
                _raise_for_status(response)
            for sse in EventSource(response).iter_sse():
                yield _chat_event(sse)
        finally:
            response.close()

    def chat_stream(
        self, messages: Messages, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> Iterator[str]:
        """The answer's text as it is written; joined, the pieces are the answer."""
        for event in self.chat_events(messages, top_k=top_k, articles=articles):
            if isinstance(event, DeltaEvent):
                yield event.text

    def articles(self) -> list[ArticleSummary]:
        return self._run(_articles())

    def article(self, article_id: str) -> ArticleDetail:
        """Metadata and the full cleaned text, which citation offsets point into."""
        return self._run(_article(article_id))

    def add_article(self, article: ArticleCreate | str | os.PathLike[str]) -> ArticleSummary:
        """Index an article given as fields, or as a .txt/.md/.html file (admin key)."""
        return self._run(_add_article(article))

    def delete_article(self, article_id: str) -> None:
        """Remove an article and its passages (admin key)."""
        self._run(_delete_article(article_id))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "RagClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class AsyncRagClient(_Connection[httpx.AsyncClient]):
    """`RagClient` for asyncio code: the same calls, awaited; streams are async iterators."""

    _client_class = httpx.AsyncClient

    async def _run(self, call: _Call[T]) -> T:
        response = await self._http.send(call.request(self._http))
        _raise_for_status(response)
        return call.decode(response)

    async def ask(
        self, question: str, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> Answer:
        return await self._run(_ask(question, top_k, articles))

    async def chat(
        self, messages: Messages, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> Answer:
        return await self._run(_chat(messages, top_k, articles, stream=False))

    async def chat_events(
        self, messages: Messages, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> AsyncIterator[ChatEvent]:
        call = _chat(messages, top_k, articles, stream=True)
        response = await self._http.send(call.request(self._http), stream=True)
        try:
            if response.is_error:
                await response.aread()
                _raise_for_status(response)
            async for sse in EventSource(response).aiter_sse():
                yield _chat_event(sse)
        finally:
            await response.aclose()

    async def chat_stream(
        self, messages: Messages, *, top_k: int | None = None, articles: Sequence[str] | None = None
    ) -> AsyncIterator[str]:
        async for event in self.chat_events(messages, top_k=top_k, articles=articles):
            if isinstance(event, DeltaEvent):
                yield event.text

    async def articles(self) -> list[ArticleSummary]:
        return await self._run(_articles())

    async def article(self, article_id: str) -> ArticleDetail:
        return await self._run(_article(article_id))

    async def add_article(self, article: ArticleCreate | str | os.PathLike[str]) -> ArticleSummary:
        return await self._run(_add_article(article))

    async def delete_article(self, article_id: str) -> None:
        await self._run(_delete_article(article_id))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncRagClient":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()
