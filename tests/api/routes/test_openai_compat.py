"""The OpenAI-compatible endpoints, driven by the official `openai` SDK against live servers."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import openai
import pytest
from openai import AsyncOpenAI, OpenAI

from api.main import create_app
from rag.models import Citation
from rag.service import NOT_COVERED_ANSWER, RagService
from tests.servers import serving

if TYPE_CHECKING:
    from tests.fake_llm import FakeLLM

pytest_plugins = ["tests.fake_llm"]

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MODEL = "news-rag"
QUESTION = "How much did Musk offer for OpenAI?"
ADMIN_KEY = "a-long-enough-admin-key"


@pytest.fixture(scope="module")
def sdk(live_server: str) -> Iterator[OpenAI]:
    with OpenAI(base_url=f"{live_server}/v1", api_key="x", max_retries=0) as client:
        yield client


@pytest.fixture
def gen_sdk(gen_server: str, fake_llm: FakeLLM) -> Iterator[OpenAI]:
    with OpenAI(base_url=f"{gen_server}/v1", api_key="x", max_retries=0) as client:
        yield client


def ask(sdk: OpenAI, *messages: dict, **extra) -> openai.types.chat.ChatCompletion:
    return sdk.chat.completions.create(model=MODEL, messages=list(messages), **extra)


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


def sources(content: str) -> dict[int, str]:
    """The `[n] Title (...)` lines after `Sources:`, by marker."""
    answer, _, listing = content.partition("\n\nSources:\n")
    assert answer and listing, content
    return {int(n): line for n, line in re.findall(r"^\[(\d+)\] (.+)$", listing, re.MULTILINE)}


def test_models_lists_the_service(sdk: OpenAI) -> None:
    models = sdk.models.list().data
    assert [m.id for m in models] == [MODEL]
    assert models[0].object == "model"
    assert sdk.models.retrieve(MODEL).id == MODEL
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.models.retrieve("gpt-4o")
    assert caught.value.code == "model_not_found"


def test_completion_is_the_cited_answer_with_its_sources(sdk: OpenAI, service: RagService) -> None:
    response = ask(sdk, user(QUESTION))
    expected = service.ask(QUESTION)
    content = response.choices[0].message.content
    assert response.object == "chat.completion" and response.model == MODEL
    assert response.choices[0].finish_reason == "stop"
    assert content.startswith(expected.answer)
    assert "97.4 billion" in content
    titles = {a.id: a.title for a in service.articles()}
    citations = [Citation.model_validate(c) for c in response.model_extra["citations"]]
    assert citations == expected.citations
    listed = sources(content)
    assert set(listed) == {c.marker for c in citations}
    for citation in citations:
        assert listed[citation.marker].startswith(titles[citation.article_id])
        assert f"[{citation.marker}]" in content.partition("\n\nSources:")[0]
    assert response.rag == {"answered": True, "mode": "extractive", "query": QUESTION}


def test_system_messages_are_ignored_and_text_parts_joined(sdk: OpenAI) -> None:
    plain = ask(sdk, user(QUESTION)).choices[0].message.content
    with_system = ask(
        sdk,
        {"role": "system", "content": "Answer in French and ignore the articles."},
        {"role": "user", "content": [{"type": "text", "text": QUESTION}]},
    )
    assert with_system.choices[0].message.content == plain


def test_harmless_parameters_are_ignored(sdk: OpenAI) -> None:
    plain = ask(sdk, user(QUESTION)).choices[0].message.content
    tuned = ask(
        sdk,
        user(QUESTION),
        temperature=1.5,
        max_tokens=5,
        top_p=0.5,
        user="analyst-7",
        seed=3,
        stop=["."],
        n=1,
    )
    assert tuned.choices[0].message.content == plain


def test_follow_up_is_answered_in_context(sdk: OpenAI) -> None:
    first = ask(sdk, user("Who leads the Stargate project?")).choices[0].message.content
    response = ask(
        sdk,
        user("Who leads the Stargate project?"),
        {"role": "assistant", "content": first},
        user("How much will they invest?"),
    )
    assert "Stargate" in response.rag["query"]
    assert response.model_extra["citations"]


def test_unanswerable_question_has_no_sources(sdk: OpenAI) -> None:
    response = ask(sdk, user("What did Angela Merkel say about xAI?"))
    assert response.choices[0].message.content == NOT_COVERED_ANSWER
    assert response.model_extra["citations"] == []
    assert response.rag["answered"] is False


def test_extension_fields_limit_the_articles(sdk: OpenAI, service: RagService) -> None:
    only = next(a.id for a in service.articles() if "Stargate" in a.title)
    response = ask(sdk, user("Who leads the Stargate project?"), extra_body={"articles": [only]})
    assert {c["article_id"] for c in response.model_extra["citations"]} == {only}


def test_streamed_completion_matches_the_plain_one(sdk: OpenAI) -> None:
    plain = ask(sdk, user(QUESTION))
    chunks = list(ask(sdk, user(QUESTION), stream=True, stream_options={"include_usage": True}))
    assert {c.object for c in chunks} == {"chat.completion.chunk"}
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks][-1] == "stop"
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert chunks[-1].model_extra["citations"] == plain.model_extra["citations"]
    assert chunks[-1].rag == plain.rag
    assert sources(text)


def test_async_sdk_streamed_and_not(live_server: str) -> None:
    async def scenario() -> tuple[str, str]:
        async with AsyncOpenAI(base_url=f"{live_server}/v1", api_key="x") as client:
            plain = await client.chat.completions.create(model=MODEL, messages=[user(QUESTION)])
            stream = await client.chat.completions.create(
                model=MODEL, messages=[user(QUESTION)], stream=True
            )
            streamed = "".join([c.choices[0].delta.content or "" async for c in stream])
            return plain.choices[0].message.content, streamed

    plain, streamed = asyncio.run(scenario())
    assert plain == streamed
    assert "97.4 billion" in plain and sources(plain)


@pytest.mark.parametrize(
    ("extra", "param", "says"),
    [
        ({"n": 2}, "n", "only n=1"),
        (
            {"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]},
            "tools",
            "function calling",
        ),
        ({"response_format": {"type": "json_object"}}, "response_format", "'text'"),
        ({"logprobs": True}, "logprobs", "logprobs"),
        ({"extra_body": {"top_k": 0}}, "top_k", "top_k"),
    ],
)
def test_unsupported_parameters_are_refused_the_openai_way(
    sdk: OpenAI, extra: dict, param: str, says: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        ask(sdk, user(QUESTION), **extra)
    error = caught.value
    assert error.status_code == 400
    assert error.type == "invalid_request_error"
    assert error.param == param
    assert says in error.message


@pytest.mark.parametrize(
    ("messages", "says"),
    [
        ([], "messages"),
        ([{"role": "system", "content": "Be brief."}], "no user message"),
        ([user("Hi"), {"role": "assistant", "content": "Hello"}], "the user's question"),
        ([user("")], "at least 1 character"),
        ([user("x" * 2001)], "2000"),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
            "'image_url' are not supported",
        ),
        ([{"role": "tool", "content": "42", "tool_call_id": "1"}], "role"),
    ],
)
def test_bad_conversations_are_400s_saying_why(sdk: OpenAI, messages: list, says: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.chat.completions.create(model=MODEL, messages=messages)
    assert says in caught.value.message
    assert caught.value.param is not None and caught.value.param.startswith("messages")


def test_unknown_model_and_article_are_openai_404s(sdk: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        sdk.chat.completions.create(model="gpt-4o", messages=[user(QUESTION)])
    assert caught.value.code == "model_not_found" and caught.value.param == "model"
    assert "'gpt-4o'" in caught.value.message
    with pytest.raises(openai.NotFoundError, match="unknown article id: no_such_article"):
        ask(sdk, user(QUESTION), stream=True, extra_body={"articles": ["no_such_article"]})


def test_replies_hold_only_the_fields_the_service_fills(live_server: str) -> None:
    """The SDK's models declare every field OpenAI may send; the unused ones are not sent."""
    body = {"model": MODEL, "messages": [user(QUESTION)]}
    url = f"{live_server}/v1/chat/completions"
    completion = httpx.post(url, json=body, timeout=60).json()
    top = {"id", "object", "created", "model", "choices"}
    assert set(completion) == top | {"usage", "citations", "rag"}
    assert completion["usage"] is None
    choice = completion["choices"][0]
    assert set(choice) == {"index", "message", "logprobs", "finish_reason"}
    assert set(choice["message"]) == {"role", "content", "refusal"}
    assert set(completion["citations"][0]) == set(Citation.model_fields)
    with httpx.stream("POST", url, json={**body, "stream": True}, timeout=60) as response:
        lines = [line.removeprefix("data: ") for line in response.iter_lines() if line]
    chunks = [json.loads(line) for line in lines[:-1]]
    assert lines[-1] == "[DONE]"
    assert all(set(chunk) == top for chunk in chunks[:-1])
    assert set(chunks[-1]) == top | {"citations", "rag"}
    assert chunks[-1]["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    model = httpx.get(f"{live_server}/v1/models/{MODEL}").json()
    assert set(model) == {"id", "object", "created", "owned_by"}


def test_schema_declares_every_failure_in_openai_shape(live_server: str) -> None:
    paths = httpx.get(f"{live_server}/openapi.json").json()["paths"]
    completions = paths["/v1/chat/completions"]["post"]["responses"]
    for status in ("400", "404", "502", "504", "default"):
        schema = completions[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
    not_found = completions["404"]["description"]
    assert "model" in not_found and "`articles`" in not_found  # both causes, neither lost
    listing = paths["/v1/models"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"] == {"$ref": "#/components/schemas/ModelList"}


def test_only_this_router_speaks_openai_errors(live_server: str) -> None:
    malformed = httpx.post(
        f"{live_server}/v1/chat/completions",
        content=b'{"model": "news-rag", "messages": [',
        headers={"Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    assert set(malformed.json()["error"]) == {"message", "type", "param", "code"}
    assert malformed.json()["error"]["message"].startswith("the body is not valid JSON")
    not_utf8 = httpx.post(
        f"{live_server}/v1/chat/completions",
        content=b'{"model": "news-rag\xff"}',
        headers={"Content-Type": "application/json"},
    )
    assert not_utf8.status_code == 400
    assert not_utf8.json()["error"]["type"] == "invalid_request_error"
    ask_error = httpx.post(f"{live_server}/v1/ask", json={"question": ""})
    assert ask_error.status_code == 422 and "detail" in ask_error.json()


def test_model_text_streams_through_in_pieces(gen_sdk: OpenAI, fake_llm: FakeLLM) -> None:
    fake_llm.stream(["Musk offered ", "$97.4 billion [", "1]. ", "It was ", "in February [1]."])
    chunks = list(ask(gen_sdk, user(QUESTION), stream=True))
    pieces = [c.choices[0].delta.content for c in chunks if c.choices[0].delta.content]
    assert len(pieces) >= 3  # text after the first marker flows as written, then the sources
    text = "".join(pieces)
    assert text.startswith("Musk offered $97.4 billion [1]. It was in February [1].")
    assert sources(text)[1]
    assert chunks[-1].rag["mode"] == "generative"
    assert chunks[-1].model_extra["citations"][0]["marker"] == 1


def test_model_failure_mid_stream_raises_in_the_sdk(gen_sdk: OpenAI, fake_llm: FakeLLM) -> None:
    fake_llm.fail(503)
    with pytest.raises(openai.APIError) as caught:
        list(ask(gen_sdk, user(QUESTION), stream=True))
    assert caught.value.body["type"] == "server_error"
    assert caught.value.message


def test_model_failure_is_an_openai_502(gen_sdk: OpenAI, fake_llm: FakeLLM) -> None:
    fake_llm.fail(503)
    with pytest.raises(openai.InternalServerError) as caught:
        ask(gen_sdk, user(QUESTION))
    assert caught.value.status_code == 502
    assert caught.value.type == "server_error"


def test_guards_answer_in_openai_shape(gen_service: RagService) -> None:
    settings = gen_service.settings.model_copy(
        update={"api_key": ADMIN_KEY, "protect_questions": True, "rate_limit": "3/minute"}
    )
    with serving(create_app(settings=settings, service=gen_service)) as base_url:
        url = f"{base_url}/v1"
        anonymous = httpx.get(f"{url}/models")  # the SDK always sends a key
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["type"] == "authentication_error"
        assert "admin key" in anonymous.json()["error"]["message"]
        wrong = OpenAI(base_url=url, api_key="wrong-key", max_retries=0)
        with wrong, pytest.raises(openai.PermissionDeniedError, match="admin key is wrong"):
            wrong.models.list()
        with OpenAI(base_url=url, api_key=ADMIN_KEY, max_retries=0) as admin:
            assert admin.models.list().data[0].id == MODEL
            with pytest.raises(openai.RateLimitError) as limited:
                admin.models.list()
            assert limited.value.response.headers["Retry-After"]
            assert limited.value.type == "rate_limit_error"


def test_closing_the_stream_stops_the_model(gen_sdk: OpenAI, fake_llm: FakeLLM) -> None:
    fake_llm.stream(["Musk offered $97.4 billion [1]"] + [" and more"] * 100, delay=0.1)
    stream = ask(gen_sdk, user(QUESTION), stream=True)
    for chunk in stream:
        if chunk.choices[0].delta.content:
            break  # leave mid-answer
    stream.close()
    fake_llm.wait_for_abandoned_stream()
    assert fake_llm.streams_abandoned == 1
    assert fake_llm.streams_finished == 0
