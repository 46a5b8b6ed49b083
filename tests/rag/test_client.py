"""RagClient and AsyncRagClient against the real app served by uvicorn (no mocks)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from api.main import create_app
from rag.client import (
    DEFAULT_URL,
    AsyncRagClient,
    ForbiddenError,
    InvalidRequestError,
    LanguageModelError,
    LanguageModelTimeoutError,
    NotFoundError,
    RagClient,
    RagServiceError,
    RateLimitedError,
    UnauthorizedError,
)
from rag.models import (
    Answer,
    ArticleCreate,
    ArticleSummary,
    ChatMessage,
    CitationEvent,
    DeltaEvent,
    DoneEvent,
    SourcesEvent,
)
from rag.service import RagService
from tests.conftest import DEFAULT_IDS, make_settings
from tests.servers import serving

if TYPE_CHECKING:
    from tests.fake_llm import FakeLLM

pytest_plugins = ["tests.fake_llm"]

pytestmark = [pytest.mark.slow, pytest.mark.integration]

OFFER = "How much did Musk offer for OpenAI?"


@pytest.fixture(scope="module")
def rag(live_server: str) -> Iterator[RagClient]:
    with RagClient(live_server) as client:
        yield client


def _markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_ask_returns_the_answer_the_library_gives(rag: RagClient, service: RagService) -> None:
    answer = rag.ask(OFFER, top_k=3)
    local = service.ask(OFFER, top_k=3)
    assert isinstance(answer, Answer)
    assert answer.answered and "97.4 billion" in answer.answer
    assert answer.model_dump(exclude={"timings"}) == local.model_dump(exclude={"timings"})
    assert _markers(answer.answer) == {c.marker for c in answer.citations}
    assert len(answer.passages) == 3


def test_citations_point_into_the_articles_text(rag: RagClient) -> None:
    answer = rag.ask("Who leads the Stargate project?")
    assert answer.citations
    for citation in answer.citations:
        article = rag.article(citation.article_id)
        assert article.title == citation.title
        assert article.text[citation.start : citation.end] == citation.text


def test_ask_limited_to_articles(rag: RagClient) -> None:
    only = DEFAULT_IDS[0]
    answer = rag.ask("How many H100s does Colossus have?", articles=[only])
    assert answer.passages
    assert {p.article_id for p in answer.passages} == {only}


def test_articles_and_article(rag: RagClient) -> None:
    summaries = rag.articles()
    assert sorted(a.id for a in summaries) == DEFAULT_IDS
    assert all(a.passages > 0 and a.title for a in summaries)
    detail = rag.article(summaries[0].id)
    assert detail.id == summaries[0].id
    assert detail.title == summaries[0].title
    assert len(detail.text) > 1000


def test_chat_answers_a_follow_up(rag: RagClient) -> None:
    first = rag.chat("Who leads the Stargate project?")
    answer = rag.chat(
        [
            ChatMessage(role="user", content="Who leads the Stargate project?"),
            {"role": "assistant", "content": first.answer},
            {"role": "user", "content": "How much will they invest?"},
        ]
    )
    assert answer.query != "How much will they invest?"  # made standalone
    assert "Stargate" in answer.query
    assert answer.answered
    assert _markers(answer.answer) == {c.marker for c in answer.citations}


def test_chat_events_arrive_in_the_documented_order(rag: RagClient) -> None:
    events = list(rag.chat_events(OFFER))
    assert isinstance(events[0], SourcesEvent)
    assert isinstance(events[-1], DoneEvent)
    assert events[0].query == OFFER and events[0].passages
    cited: set[int] = set()
    for event in events[1:-1]:
        if isinstance(event, CitationEvent):
            cited.add(event.citation.marker)
        elif isinstance(event, DeltaEvent):
            assert _markers(event.text) <= cited  # each citation precedes its marker
    done = events[-1].answer
    assert "".join(e.text for e in events if isinstance(e, DeltaEvent)) == done.answer
    assert cited == {c.marker for c in done.citations}


def test_chat_stream_yields_the_answer_text(rag: RagClient) -> None:
    pieces = list(rag.chat_stream(OFFER))
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces) == rag.chat(OFFER).answer


def test_unknown_article_is_a_typed_not_found(rag: RagClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        rag.article("no_such_article")
    assert caught.value.status_code == 404
    assert caught.value.detail == "unknown article id: no_such_article"
    assert "unknown article id: no_such_article" in str(caught.value)
    with pytest.raises(NotFoundError, match="unknown article id: missing_one"):
        rag.ask(OFFER, articles=["missing_one"])


def test_article_ids_are_sent_as_one_path_segment(rag: RagClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        rag.article("../ask")
    assert caught.value.status_code == 404


def test_invalid_requests_are_typed_validation_errors(rag: RagClient) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        rag.ask("   ")
    assert caught.value.status_code == 422
    assert isinstance(caught.value.detail, list)
    assert "question" in str(caught.value)
    with pytest.raises(InvalidRequestError, match="top_k"):
        rag.ask(OFFER, top_k=0)
    assert issubclass(InvalidRequestError, RagServiceError)


def test_stream_refusals_raise_before_any_event(rag: RagClient) -> None:
    conversation = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]
    with pytest.raises(InvalidRequestError, match="last message must be the user's question"):
        next(rag.chat_stream(conversation))
    with pytest.raises(NotFoundError, match="missing_one"):
        next(rag.chat_events(OFFER, articles=["missing_one"]))


def test_base_url_comes_from_rag_url(live_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_URL", live_server + "/")
    with RagClient() as client:
        assert client.base_url == live_server
        assert len(client.articles()) == len(DEFAULT_IDS)
    monkeypatch.delenv("RAG_URL")
    with RagClient() as client:
        assert client.base_url == DEFAULT_URL


def test_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_API_KEY", "k" * 20)
    with RagClient("http://127.0.0.1:1") as client:
        assert client._http.headers["Authorization"] == "Bearer " + "k" * 20
    with RagClient("http://127.0.0.1:1", api_key="x" * 16) as client:
        assert client._http.headers["Authorization"] == "Bearer " + "x" * 16


def test_an_unreachable_service_is_an_httpx_error() -> None:
    with RagClient("http://127.0.0.1:9", timeout=2) as client, pytest.raises(httpx.ConnectError):
        client.articles()


def test_async_client_makes_the_same_calls(live_server: str, service: RagService) -> None:
    async def scenario() -> None:
        async with AsyncRagClient(live_server, timeout=30) as client:
            answer, articles = await asyncio.gather(client.ask(OFFER), client.articles())
            assert answer.model_dump(exclude={"timings"}) == service.ask(OFFER).model_dump(
                exclude={"timings"}
            )
            assert sorted(a.id for a in articles) == DEFAULT_IDS
            assert (await client.article(DEFAULT_IDS[1])).id == DEFAULT_IDS[1]
            streamed = [piece async for piece in client.chat_stream(OFFER)]
            assert "".join(streamed) == (await client.chat(OFFER)).answer
            events = [event async for event in client.chat_events(OFFER)]
            assert isinstance(events[0], SourcesEvent) and isinstance(events[-1], DoneEvent)
            with pytest.raises(NotFoundError, match="unknown article id: nope"):
                await client.article("nope")
            with pytest.raises(InvalidRequestError, match="question"):
                await client.ask("")

    asyncio.run(scenario())


# --- Admin calls, on a throwaway index that starts empty, behind an admin key ---

ADMIN_KEY = "client-test-admin-key"
BRIDGE = ArticleCreate(
    title="Lisbon's Zephyr Bridge Gets a Date",
    text=(
        "Lisbon's city council said on Monday that the Zephyr Bridge across the Tagus will "
        "open in March 2031. The bridge will cost 2.4 billion euros, paid by the city and the "
        "national government. Construction starts next spring."
    ),
    publisher="Tagus Herald",
    date="2026-05-04",
)


@pytest.fixture(scope="module")
def admin_service(tmp_path_factory: pytest.TempPathFactory) -> RagService:
    empty = tmp_path_factory.mktemp("no-articles")
    return RagService.from_settings(
        make_settings(tmp_path_factory.mktemp("admin-index"), articles_dir=empty, api_key=ADMIN_KEY)
    )


@pytest.fixture(scope="module")
def admin_server(admin_service: RagService) -> Iterator[str]:
    with serving(create_app(service=admin_service)) as base_url:
        yield base_url


def test_admin_adds_asks_and_deletes_an_article(admin_server: str) -> None:
    with RagClient(admin_server, api_key=ADMIN_KEY) as admin:
        added = admin.add_article(BRIDGE)
        assert isinstance(added, ArticleSummary)
        assert added.title == BRIDGE.title and added.publisher == "Tagus Herald"
        assert added.passages >= 1
        assert added.id in {a.id for a in admin.articles()}
        answer = admin.ask("When will the Zephyr Bridge open?", articles=[added.id])
        assert answer.answered and "March 2031" in answer.answer
        assert answer.citations[0].article_id == added.id
        admin.delete_article(added.id)
        with pytest.raises(NotFoundError, match=added.id):
            admin.article(added.id)
        assert added.id not in {a.id for a in admin.articles()}


def test_admin_uploads_a_file(admin_server: str, tmp_path: Path) -> None:
    path = tmp_path / "tagus_ferry.md"
    path.write_text(
        "# Tagus Ferries Go Electric\n\nThe Lisbon ferry operator will run twelve electric "
        "ferries on the Tagus by 2028, replacing its diesel fleet.\n",
        encoding="utf-8",
    )
    with RagClient(admin_server, api_key=ADMIN_KEY) as admin:
        added = admin.add_article(path)
        assert added.id == "tagus_ferry"
        assert added.title == "Tagus Ferries Go Electric"
        assert "twelve electric ferries" in admin.article("tagus_ferry").text
        admin.delete_article("tagus_ferry")


def test_admin_refusals_are_typed(admin_server: str, tmp_path: Path) -> None:
    with RagClient(admin_server, api_key="") as anonymous, pytest.raises(UnauthorizedError) as e:
        anonymous.add_article(BRIDGE)
    assert e.value.status_code == 401 and "admin key" in e.value.detail
    with RagClient(admin_server, api_key="not-the-admin-key") as wrong:
        with pytest.raises(ForbiddenError, match="the admin key is wrong"):
            wrong.delete_article("anything")
        assert wrong.articles() == RagClient(admin_server).articles()  # reading needs no key
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 not an article")
    with RagClient(admin_server, api_key=ADMIN_KEY) as admin:
        with pytest.raises(NotFoundError, match="unknown article id: never_added"):
            admin.delete_article("never_added")
        with pytest.raises(RagServiceError) as unsupported:
            admin.add_article(pdf)
        assert unsupported.value.status_code == 415
        assert "report.pdf" in str(unsupported.value)


def test_rate_limit_is_typed_with_its_wait(admin_service: RagService) -> None:
    settings = admin_service.settings.model_copy(update={"rate_limit": "1/minute"})
    app = create_app(settings=settings, service=admin_service)
    with serving(app) as base_url, RagClient(base_url) as client:
        with contextlib.suppress(InvalidRequestError):
            client.ask("")  # counted, then refused for being empty
        with pytest.raises(RateLimitedError) as caught:
            client.ask(OFFER)
    assert caught.value.status_code == 429
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 60
    assert "rate limit" in caught.value.detail


# --- Language model failures, through the generative service and the scripted model ---


def test_model_failures_are_typed(
    gen_server: str, gen_service: RagService, fake_llm: FakeLLM
) -> None:
    with RagClient(gen_server) as client:
        fake_llm.fail(500)
        with pytest.raises(LanguageModelError) as failed:
            client.ask(OFFER)
        assert failed.value.status_code == 502
        fake_llm.stall(gen_service.settings.llm_timeout + 2)
        with pytest.raises(LanguageModelTimeoutError) as late:
            client.chat(OFFER)
        assert late.value.status_code == 504


def test_a_failure_mid_stream_raises_after_the_sources(gen_server: str, fake_llm: FakeLLM) -> None:
    fake_llm.fail(503)
    seen = []
    with RagClient(gen_server) as client, pytest.raises(LanguageModelError) as failed:
        for event in client.chat_events(OFFER):
            seen.append(event)
    assert [type(e) for e in seen] == [SourcesEvent]
    assert failed.value.status_code == 502 and failed.value.detail


def test_model_answer_streams_as_text(gen_server: str, fake_llm: FakeLLM) -> None:
    fake_llm.stream(["Musk offered ", "$97.4 billion [1]. ", "That was ", "in February [1]."])
    with RagClient(gen_server) as client:
        pieces = list(client.chat_stream(OFFER))
    assert len(pieces) >= 2
    assert "".join(pieces) == "Musk offered $97.4 billion [1]. That was in February [1]."


def test_leaving_a_stream_early_stops_the_model(gen_server: str, fake_llm: FakeLLM) -> None:
    fake_llm.stream(["Musk offered $97.4 billion [1]"] + [" and more"] * 100, delay=0.1)
    with RagClient(gen_server) as client:
        stream = client.chat_stream(OFFER)
        assert "[1]" in next(stream)
        stream.close()
    fake_llm.wait_for_abandoned_stream()
    assert fake_llm.streams_abandoned == 1
    assert fake_llm.streams_finished == 0


def test_async_admin_calls(admin_server: str, tmp_path: Path) -> None:
    path = tmp_path / "harbour_notes.txt"
    path.write_text("Porto Harbour Deepens\n\nPorto will deepen its harbour by 3 metres.\n")

    async def scenario() -> list[str]:
        async with AsyncRagClient(admin_server, api_key=ADMIN_KEY) as admin:
            added = await admin.add_article(path)
            assert added.id == "harbour_notes" and added.title == "Porto Harbour Deepens"
            await admin.delete_article(added.id)
            with pytest.raises(NotFoundError):
                await admin.delete_article(added.id)
            return [a.id for a in await admin.articles()]

    assert "harbour_notes" not in asyncio.run(scenario())
