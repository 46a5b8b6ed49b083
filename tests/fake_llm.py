"""A scripted OpenAI-compatible chat-completions server for tests.

It listens on 127.0.0.1 on a free port in a background thread, records the JSON body of every
request, and answers as the test scripts it: a fixed answer text, an HTTP error, a reply slower
than the client's timeout, or a malformed body. Requests with `"stream": true` get the answer
as `chat.completion.chunk` events, in the scripted pieces, optionally paced.

Use it with `pytest_plugins = ["tests.fake_llm"]` and the `fake_llm` fixture: one server per
module, its script reset around every test, and any reply still stalled or streaming when a
test ends released then, so it cannot answer into (or count towards) the next test.
"""

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api.main import create_app
from rag.service import RagService
from tests.conftest import make_settings
from tests.servers import free_port, serving

LLM_TIMEOUT = 2.0


@dataclass
class Reply:
    """What the next completions request gets."""

    content: str | None = "OK [1]."
    status: int = 200
    delay: float = 0.0
    raw_body: str | None = None  # sent as is (with `media_type`) instead of a completion
    media_type: str = "application/json"
    pieces: list[str] | None = None  # how a streamed answer is cut; default: word by word
    piece_delay: float = 0.0
    hold_after: int | None = None  # stream this many pieces, then wait for `finish_stream()`


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeLLM:
    """The fake server's script and what it has received."""

    port: int = 0
    reply: Reply = field(default_factory=Reply)
    queued: list[Reply] = field(default_factory=list)  # answered first, in order
    received: list[RecordedRequest] = field(default_factory=list)
    streams_finished: int = 0  # streamed replies sent to the end
    streams_abandoned: int = 0  # streamed replies whose reader went away first
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Set when the test that sent a request is over: its stalled reply stops waiting.
    _released: threading.Event = field(default_factory=threading.Event)
    _finishing: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def requests(self) -> list[Any]:
        """The JSON bodies received, oldest first."""
        with self._lock:
            return [r.body for r in self.received]

    def reset(self) -> None:
        """A fresh script; replies still pending from before are released and go uncounted."""
        with self._lock:
            self._released.set()
            self._released = threading.Event()
            self._finishing = threading.Event()
            self.received.clear()
            self.reply = Reply()
            self.queued.clear()
            self.streams_finished = self.streams_abandoned = 0

    def then(self, *contents: str) -> None:
        """The next requests get these answers, in order, before the standing reply."""
        with self._lock:
            self.queued.extend(Reply(content=content) for content in contents)

    def _next_reply(self) -> tuple[Reply, threading.Event]:
        with self._lock:
            return (self.queued.pop(0) if self.queued else self.reply), self._released

    def answer(self, content: str | None) -> None:
        self.reply = Reply(content=content)

    def stream(self, pieces: list[str], delay: float = 0.0, hold_after: int | None = None) -> None:
        """Answer streamed requests with exactly these pieces (plain ones get them joined).
        With `hold_after`, the stream stops after that many pieces until `finish_stream()`: what
        a client shows by then cannot have come from a reply the service buffered whole."""
        self.reply = Reply(
            content="".join(pieces), pieces=pieces, piece_delay=delay, hold_after=hold_after
        )

    def finish_stream(self) -> None:
        """Let held streams send the rest of their pieces."""
        self._finishing.set()

    def wait_for_abandoned_stream(self, seconds: float = 5.0) -> None:
        """Give the server a moment to notice that its reader went away."""
        deadline = time.monotonic() + seconds
        while self.streams_abandoned == 0 and time.monotonic() < deadline:
            time.sleep(0.05)

    def fail(self, status: int) -> None:
        self.reply = Reply(status=status)

    def stall(self, seconds: float, content: str = "Too late [1].") -> None:
        self.reply = Reply(content=content, delay=seconds)

    def malformed(self, raw_body: str, media_type: str = "application/json") -> None:
        self.reply = Reply(raw_body=raw_body, media_type=media_type)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.received.append(request)


def completion(content: str | None, model: str) -> dict[str, Any]:
    """A chat.completion object as the OpenAI API returns it."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def chunk_events(reply: Reply, model: str) -> list[str]:
    """A streamed completion as `data:` lines: role, the content pieces, stop, [DONE]."""
    pieces = reply.pieces or re.findall(r"\S+\s*", reply.content or "")
    deltas = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces] + [{}]
    events = []
    for number, delta in enumerate(deltas):
        chunk = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "delta": delta,
                    "finish_reason": "stop" if number == len(deltas) - 1 else None,
                }
            ],
        }
        events.append(f"data: {json.dumps(chunk)}\n\n")
    return [*events, "data: [DONE]\n\n"]


def build_app(fake: FakeLLM) -> Starlette:
    async def chat_completions(request: Request) -> Response:
        raw = await request.body()
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode(errors="replace")
        fake._record(RecordedRequest(request.url.path, dict(request.headers), body))
        reply, released = fake._next_reply()
        deadline = time.monotonic() + reply.delay
        while time.monotonic() < deadline and not released.is_set():
            await asyncio.sleep(0.05)
        if reply.raw_body is not None:
            return Response(reply.raw_body, status_code=reply.status, media_type=reply.media_type)
        if reply.status >= 400:
            error = {"message": f"scripted failure {reply.status}", "type": "server_error"}
            return JSONResponse({"error": error}, status_code=reply.status)
        model = body.get("model", "fake") if isinstance(body, dict) else "fake"
        if isinstance(body, dict) and body.get("stream"):
            events = chunk_events(reply, model)
            return StreamingResponse(paced(events, reply, released, fake._finishing))
        return JSONResponse(completion(reply.content, model))

    async def paced(
        events: list[str], reply: Reply, released: threading.Event, finishing: threading.Event
    ) -> AsyncIterator[str]:
        finished = False
        try:
            for number, event in enumerate(events):
                yield event
                await asyncio.sleep(reply.piece_delay)
                # Event 0 carries the role, so `number` pieces of text have been sent.
                while number == reply.hold_after and not (finishing.is_set() or released.is_set()):
                    await asyncio.sleep(0.05)
            finished = True
        finally:
            with fake._lock:
                # A reply whose test is over counts towards no later test.
                if finished and not released.is_set():
                    fake.streams_finished += 1
                elif not released.is_set():
                    fake.streams_abandoned += 1

    return Starlette(routes=[Route("/v1/chat/completions", chat_completions, methods=["POST"])])


@pytest.fixture(scope="module")
def fake_llm_server() -> Iterator[FakeLLM]:
    """A running fake model server, shared by a module (for module-scoped services)."""
    fake = FakeLLM(port=free_port())
    with serving(build_app(fake), port=fake.port, lifespan="off"):
        try:
            yield fake
        finally:
            fake.reset()  # stalled handlers let go, so the server stops at once


@pytest.fixture
def fake_llm(fake_llm_server: FakeLLM) -> Iterator[FakeLLM]:
    """The module's fake model with a fresh script; what it still holds is released after."""
    fake_llm_server.reset()
    yield fake_llm_server
    fake_llm_server.reset()


@pytest.fixture(scope="module")
def gen_service(fake_llm_server: FakeLLM, tmp_path_factory: pytest.TempPathFactory) -> RagService:
    """A generative service over the default corpus, talking to the module's fake model."""
    settings = make_settings(
        tmp_path_factory.mktemp("gen-index"),
        openai_base_url=fake_llm_server.base_url,
        openai_api_key="test",
        llm_timeout=LLM_TIMEOUT,
        llm_max_retries=0,
    )
    rag = RagService.from_settings(settings)
    rag.ensure_corpus()
    return rag


@pytest.fixture(scope="module")
def gen_server(gen_service: RagService) -> Iterator[str]:
    """The real app over the generative service, served by uvicorn; yields its base URL."""
    with serving(create_app(service=gen_service)) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def gen_client(gen_service: RagService) -> Iterator[TestClient]:
    # Unhandled errors come back as HTTP 500 instead of being raised into the test.
    with TestClient(create_app(service=gen_service), raise_server_exceptions=False) as client:
        yield client
