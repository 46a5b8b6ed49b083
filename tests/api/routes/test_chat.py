"""POST /v1/chat: follow-ups, the SSE stream's order and content, markers, errors, disconnects."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi.testclient import TestClient
from httpx_sse import EventSource
from pydantic import TypeAdapter

from api.main import create_app
from rag.models import ChatEvent, CitationEvent, DeltaEvent, DoneEvent, ErrorEvent, SourcesEvent
from rag.service import NOT_COVERED_ANSWER, RagService
from tests.servers import serving

if TYPE_CHECKING:
    from tests.fake_llm import FakeLLM

pytest_plugins = ["tests.fake_llm"]

pytestmark = [pytest.mark.slow, pytest.mark.integration]

_EVENT = TypeAdapter(ChatEvent)
_WHOLE_MARKER = re.compile(r"\[(\d+)\]")
QUESTION = "How much did Musk offer for OpenAI?"


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


def assistant(content: str) -> dict[str, str]:
    return {"role": "assistant", "content": content}


def stream(client: TestClient, messages: list[dict], **extra) -> list[Any]:
    response = client.post("/v1/chat", json={"messages": messages, "stream": True, **extra})
    assert response.status_code == 200, response.text
    events = []
    for sse in EventSource(response).iter_sse():  # checks the text/event-stream type too
        event = _EVENT.validate_json(sse.data)
        assert sse.event == event.event  # each `event:` line names its data's event
        events.append(event)
    return events


def check_stream_contract(events: list[Any]) -> DoneEvent:
    """What every successful stream promises (docs/api.md)."""
    assert isinstance(events[0], SourcesEvent)
    assert isinstance(events[-1], DoneEvent)
    middle = events[1:-1]
    assert all(isinstance(e, CitationEvent | DeltaEvent) for e in middle)
    announced: dict[int, Any] = {}
    text = ""
    for event in middle:
        if isinstance(event, CitationEvent):
            assert event.citation.marker == len(announced) + 1  # numbered by first appearance
            announced[event.citation.marker] = event.citation
        else:
            for marker in _WHOLE_MARKER.findall(event.text):
                assert int(marker) in announced, f"[{marker}] sent before its citation"
            assert not re.search(r"\[\d*$|^\d*\]", event.text), f"split marker in {event.text!r}"
            text += event.text
    answer = events[-1].answer
    assert text == answer.answer
    assert answer.citations == list(announced.values())
    assert answer.query == events[0].query
    assert answer.passages == events[0].passages
    return events[-1]


def without_timings(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "timings"}


# Extractive mode (the shared service).


def test_stream_sends_sources_citations_deltas_then_the_answer_ask_gives(
    client: TestClient,
) -> None:
    events = stream(client, [user(QUESTION)])
    done = check_stream_contract(events)
    assert done.answer.answered and done.answer.mode == "extractive"
    assert "97.4 billion" in done.answer.answer
    deltas = [e for e in events if isinstance(e, DeltaEvent)]
    assert len(deltas) == len(done.answer.citations)  # one sentence per delta
    asked = client.post("/v1/ask", json={"question": QUESTION}).json()
    assert without_timings(done.answer.model_dump(mode="json")) == without_timings(asked)


def test_a_part_the_top_passages_miss_is_quoted_from_its_own_search(
    client: TestClient,
) -> None:
    """The one passage found for the whole question holds one part: the other part is
    searched alone, and what that finds is listed with the sources it is quoted from."""
    question = "How much did Musk invest in DeepMind, and who leads the Stargate project?"
    events = stream(client, [user(question)], top_k=1)
    done = check_stream_contract(events)
    answer = done.answer
    assert "$5 million in DeepMind" in answer.answer and "Altman led" in answer.answer
    assert len({c.article_id for c in answer.citations}) == 2
    assert len(answer.passages) > 1
    for citation in answer.citations:
        assert any(
            p.article_id == citation.article_id and citation.text in p.text for p in answer.passages
        )
    # A question of one part is searched once: its sources are its top k.
    single = client.post("/v1/ask", json={"question": QUESTION, "top_k": 1}).json()
    assert len(single["passages"]) == 1


def test_non_streamed_chat_is_the_ask_json(client: TestClient) -> None:
    response = client.post("/v1/chat", json={"messages": [user(QUESTION)]})
    assert response.status_code == 200
    asked = client.post("/v1/ask", json={"question": QUESTION}).json()
    assert without_timings(response.json()) == without_timings(asked)


def test_follow_up_carries_the_earlier_question_names(client: TestClient) -> None:
    follow_up = "And who are its partners?"
    alone = client.post("/v1/chat", json={"messages": [user(follow_up)]}).json()
    conversation = [
        user("Who leads the Stargate project?"),
        assistant("Altman led the announcement [1]."),
        user(follow_up),
    ]
    events = stream(client, conversation)
    done = check_stream_contract(events)
    assert done.answer.query == f"{follow_up} (Stargate)"
    assert done.answer.answered
    assert all("Stargate" in c.text for c in done.answer.citations)
    assert not any("Stargate" in c["text"] for c in alone["citations"])


def test_new_topic_after_a_conversation_is_not_mixed_with_it(client: TestClient) -> None:
    conversation = [
        user(QUESTION),
        assistant("He offered $97.4 billion [1]."),
        user("What is the capital of France?"),
    ]
    answer = client.post("/v1/chat", json={"messages": conversation}).json()
    assert answer["query"] == "What is the capital of France?"
    assert answer["answered"] is False


def test_unanswerable_question_streams_the_decline(client: TestClient) -> None:
    events = stream(client, [user("What did Angela Merkel say about xAI?")])
    done = check_stream_contract(events)
    assert [e.text for e in events if isinstance(e, DeltaEvent)] == [NOT_COVERED_ANSWER]
    assert done.answer.answered is False and done.answer.citations == []


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"messages": []}, "at least 1"),
        ({"messages": [user("Hi"), assistant("Hello")]}, "last message must be the user"),
        ({"messages": [{"role": "system", "content": "x"}]}, "'user' or 'assistant'"),
        ({"messages": [user("x" * 2001)]}, "2000 characters"),
        ({"messages": [user("a"), assistant("b")] * 25 + [user("c")]}, "at most 50"),
        ({"messages": [assistant("y" * 19_990), user("What is xAI?")]}, "20000 characters"),
        ({"messages": [user(QUESTION)], "top_k": 0}, "greater than or equal to 1"),
    ],
)
def test_bad_conversations_are_422_with_a_reason(
    client: TestClient, body: dict, complaint: str
) -> None:
    response = client.post("/v1/chat", json={**body, "stream": True})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert complaint in json.dumps(response.json()["detail"])


def test_unknown_article_is_a_plain_404_before_any_stream(client: TestClient) -> None:
    response = client.post(
        "/v1/chat", json={"messages": [user(QUESTION)], "stream": True, "articles": ["nope"]}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "unknown article id: nope"}


# Generative mode (the real openai client against the scripted model server).


def test_model_tokens_stream_through_with_split_and_invalid_markers_fixed(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    fake_llm.stream(
        [
            "Musk offered ",
            "a lot ",
            "[",
            "2",
            "]. ",
            "Altman refused [",
            "9]",
            " it [1",
            "].",
        ]
    )
    # A question that asks for no particular kind of fact: the marker rules alone decide.
    events = stream(gen_client, [user("What happened after Musk's offer for OpenAI?")])
    done = check_stream_contract(events)
    # Passage 2 is cited first, so it becomes [1]; [9] names no passage and is dropped.
    assert done.answer.answer == "Musk offered a lot [1]. Altman refused it [2]."
    sources = events[0].passages
    assert [c.text for c in done.answer.citations] == [sources[1].text, sources[0].text]
    deltas = [e.text for e in events if isinstance(e, DeltaEvent)]
    assert len(deltas) >= 3  # passed through as it came, not in one piece
    assert fake_llm.requests[-1]["stream"] is True


def test_model_text_reaches_the_client_while_the_model_is_still_writing(
    gen_server: str, fake_llm: FakeLLM
) -> None:
    fake_llm.stream(["Musk offered ", "$97.4 billion [1]", " for control", " [1]."], hold_after=2)
    body = {"messages": [user(QUESTION)], "stream": True}
    with httpx.stream("POST", f"{gen_server}/v1/chat", json=body, timeout=30) as response:
        assert response.status_code == 200
        seen = ""
        sse = EventSource(response).iter_sse()
        while "$97.4 billion" not in seen:
            event = _EVENT.validate_json(next(sse).data)
            assert not isinstance(event, DoneEvent), "the answer came whole, not streamed"
            seen += event.text if isinstance(event, DeltaEvent) else ""
        # The model holds its last pieces: the service cannot have buffered the whole reply.
        assert fake_llm.streams_finished == 0
        fake_llm.finish_stream()
        rest = [_EVENT.validate_json(event.data) for event in sse]
    assert isinstance(rest[-1], DoneEvent)
    assert rest[-1].answer.answer == "Musk offered $97.4 billion [1] for control [1]."


def test_text_before_the_first_valid_marker_is_held_back(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    fake_llm.stream(["Musk ", "offered ", "a lot ", "[7]. ", "Then ", "$97.4 billion ", "[1]."])
    events = stream(gen_client, [user(QUESTION)])
    done = check_stream_contract(events)
    first_delta = next(e for e in events if isinstance(e, DeltaEvent))
    assert first_delta.text.startswith("Musk offered a lot. Then $97.4 billion [1]")
    assert done.answer.answer == "Musk offered a lot. Then $97.4 billion [1]."


@pytest.mark.parametrize(
    "pieces", [["NOT_IN_", "ARTICLES"], ["Nothing ", "here ", "[8]."], ["No ", "markers."]]
)
def test_uncited_model_answers_stream_only_the_decline(
    gen_client: TestClient, fake_llm: FakeLLM, pieces: list[str]
) -> None:
    fake_llm.stream(pieces)
    events = stream(gen_client, [user(QUESTION)])
    done = check_stream_contract(events)
    assert [e.text for e in events if isinstance(e, DeltaEvent)] == [NOT_COVERED_ANSWER]
    assert done.answer.answered is False and done.answer.mode == "generative"


def test_model_failure_mid_stream_ends_with_an_error_event(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    fake_llm.fail(503)
    events = stream(gen_client, [user(QUESTION)])
    assert [type(e) for e in events] == [SourcesEvent, ErrorEvent]
    assert events[1].status == 502 and "503" in events[1].detail


def test_failed_model_falls_back_to_extractive_when_configured(
    gen_client: TestClient, gen_service: RagService, fake_llm: FakeLLM, monkeypatch
) -> None:
    monkeypatch.setattr(gen_service.settings, "llm_fallback_extractive", True)
    fake_llm.fail(500)
    done = check_stream_contract(stream(gen_client, [user(QUESTION)]))
    assert done.answer.mode == "extractive" and done.answer.answered
    asked = gen_client.post("/v1/ask", json={"question": QUESTION}).json()
    assert asked["mode"] == "extractive" and asked["answer"] == done.answer.answer


def test_follow_up_is_condensed_by_the_model_without_old_markers(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    standalone = "How much did Elon Musk offer to buy OpenAI?"
    fake_llm.then(standalone)
    fake_llm.answer("He offered $97.4 billion [1].")
    conversation = [
        user("Who is Elon Musk?"),
        assistant("The founder of xAI [1][2]."),
        user("How much did he offer for OpenAI?"),
    ]
    response = gen_client.post("/v1/chat", json={"messages": conversation})
    assert response.status_code == 200, response.text
    assert response.json()["query"] == standalone
    condense, answer = fake_llm.requests
    transcript = condense["messages"][-1]["content"]
    assert "The founder of xAI" in transcript and "[1]" not in transcript
    assert "How much did he offer for OpenAI?" in transcript
    assert answer["messages"][-1]["content"].endswith(f"Question: {standalone}")


def test_client_disconnect_stops_the_model_stream(
    gen_service: RagService, fake_llm: FakeLLM
) -> None:
    fake_llm.stream(["Musk offered $97.4 billion [1]"] + [" and more"] * 100, delay=0.1)
    body = {"messages": [user(QUESTION)], "stream": True}
    with serving(create_app(service=gen_service)) as base_url:
        with httpx.stream("POST", f"{base_url}/v1/chat", json=body, timeout=10) as response:
            for line in response.iter_lines():
                if line.startswith("event: delta"):
                    break  # leave mid-answer
        fake_llm.wait_for_abandoned_stream()
    assert fake_llm.streams_abandoned == 1
    assert fake_llm.streams_finished == 0
