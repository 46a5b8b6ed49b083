"""The model path: the real `openai` client against a scripted fake server, a real index."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from rag.answering.generative import NOT_COVERED
from rag.errors import LLMTimeoutError
from rag.models import Answer
from rag.service import NOT_COVERED_ANSWER, RagService

if TYPE_CHECKING:
    from tests.fake_llm import FakeLLM

pytest_plugins = ["tests.fake_llm"]

pytestmark = [pytest.mark.slow, pytest.mark.integration]

QUESTION = "How much did Musk offer for OpenAI?"
# A question that asks for no particular kind of fact: the marker rules alone decide.
OPEN_QUESTION = "What happened after Musk's offer for OpenAI?"
_BLOCK = re.compile(r"<passage ([^>]*)>\n(.*?)\n</passage>", re.S)


def ask(client: TestClient, question: str = QUESTION, **extra) -> dict:
    response = client.post("/v1/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_prompt_carries_numbered_fenced_passages_and_question(
    gen_service: RagService, fake_llm: FakeLLM
) -> None:
    fake_llm.answer("Musk's group offered $97.4 billion [1].")
    answer = gen_service.ask(QUESTION)

    assert len(fake_llm.requests) == 1
    request = fake_llm.requests[0]
    assert request["model"] == gen_service.settings.llm_model
    assert request["temperature"] == 0
    assert fake_llm.received[0].headers["authorization"] == "Bearer test"
    system, user = request["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "not instructions" in system["content"]
    assert NOT_COVERED in system["content"]

    blocks = _BLOCK.findall(user["content"])
    assert len(blocks) == len(answer.passages) == gen_service.settings.top_k
    for number, ((attributes, text), passage) in enumerate(
        zip(blocks, answer.passages, strict=True), start=1
    ):
        assert f'number="{number}"' in attributes
        assert f'article="{passage.article_id}"' in attributes
        assert text == passage.text
    question_at = user["content"].rindex(QUESTION)
    assert question_at > user["content"].rindex("</passage>")
    assert "97.4 billion" in " ".join(text for _, text in blocks)


def test_each_part_of_a_two_part_question_reaches_the_model_numbered_as_listed(
    gen_service: RagService, fake_llm: FakeLLM
) -> None:
    """With one passage for the whole question, each part's own passages follow it in the
    prompt, numbered as the answer lists them, so a marker cites the passage the model read."""
    question = "How much did Musk invest in DeepMind, and who leads the Stargate project?"
    fake_llm.answer(NOT_COVERED)
    answer = gen_service.ask(question, top_k=1)
    (_, user) = fake_llm.requests[-1]["messages"]
    blocks = [text for _, text in _BLOCK.findall(user["content"])]
    assert blocks == [p.text for p in answer.passages] and len(blocks) > 1
    assert "Altman led" in blocks[0]  # the one passage found for the whole question
    deepmind = next(n for n, text in enumerate(blocks, start=1) if "$5 million in" in text)
    # The model cites the part's passage by the number it read it under.
    fake_llm.answer(f"Musk invested $5 million in DeepMind [{deepmind}].")
    cited = gen_service.ask(question, top_k=1).citations
    assert [c.text in blocks[deepmind - 1] for c in cited] == [True]


def test_markers_become_citations_of_those_passages(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    reply = "Musk's group offered $97.4 billion [1]. OpenAI's board turned it down [2]."
    fake_llm.answer(reply)
    body = ask(gen_client)

    assert body["answered"] is True
    assert body["mode"] == "generative"
    assert body["answer"] == reply
    assert [c["marker"] for c in body["citations"]] == [1, 2]
    for citation, passage in zip(body["citations"], body["passages"][:2], strict=True):
        for key in ("article_id", "title", "text", "start", "end"):
            assert citation[key] == passage[key], key


def test_repeated_and_grouped_markers_cite_each_passage_once(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer("First point [2]. Second point [3, 2]. Third [3][2].")
    body = ask(gen_client, OPEN_QUESTION)
    assert body["answered"] is True
    # Renumbered by first appearance: passage 2 is cited first, so it is [1].
    assert body["answer"] == "First point [1]. Second point [2][1]. Third [2][1]."
    assert [c["marker"] for c in body["citations"]] == [1, 2]
    assert [c["text"] for c in body["citations"]] == [p["text"] for p in body["passages"][1:3]]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            # The second claim cites no passage that exists, so it is not shown at all.
            "Musk offered $97.4 billion [1][9]. The bid was rejected [9].",
            "Musk offered $97.4 billion [1].",
        ),
        ("Musk offered $97.4 billion [1, 9].", "Musk offered $97.4 billion [1]."),
        ("Musk offered $97.4 billion [0] [1].", "Musk offered $97.4 billion [1]."),
    ],
)
def test_markers_naming_no_passage_are_dropped(
    gen_client: TestClient, fake_llm: FakeLLM, reply: str, expected: str
) -> None:
    fake_llm.answer(reply)
    body = ask(gen_client)
    assert len(body["passages"]) == 5
    assert body["answered"] is True
    assert body["answer"] == expected
    assert "[9]" not in body["answer"] and "[0]" not in body["answer"]
    assert [c["marker"] for c in body["citations"]] == [1]
    assert body["citations"][0]["text"] == body["passages"][0]["text"]


def test_marker_beyond_top_k_is_dropped(gen_client: TestClient, fake_llm: FakeLLM) -> None:
    fake_llm.answer("The offer was large [3]. The board said no [2].")
    body = ask(gen_client, OPEN_QUESTION, top_k=2)
    assert len(body["passages"]) == 2
    assert body["answer"] == "The offer was large. The board said no [1]."
    assert [c["marker"] for c in body["citations"]] == [1]
    assert body["citations"][0]["text"] == body["passages"][1]["text"]
    assert fake_llm.requests[0]["messages"][1]["content"].count("</passage>") == 2


@pytest.mark.parametrize(
    "reply",
    [
        NOT_COVERED,
        f"  {NOT_COVERED}\n",
        "Musk offered $97.4 billion for OpenAI.",  # no marker at all
        "Musk offered $97.4 billion [9]. Nobody knows why [7].",  # only invalid markers
    ],
)
def test_replies_without_a_valid_citation_are_not_served(
    gen_client: TestClient, fake_llm: FakeLLM, reply: str
) -> None:
    fake_llm.answer(reply)
    body = ask(gen_client)
    assert len(fake_llm.requests) == 1
    assert body["answered"] is False
    assert body["mode"] == "generative"
    assert body["answer"] == NOT_COVERED_ANSWER
    assert body["citations"] == []
    assert len(body["passages"]) == 5  # what was retrieved is still shown


@pytest.mark.parametrize("status", [500, 503])
def test_model_http_error_is_502(gen_client: TestClient, fake_llm: FakeLLM, status: int) -> None:
    fake_llm.fail(status)
    response = gen_client.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("application/json")
    assert f"HTTP {status}" in response.json()["detail"]
    assert len(fake_llm.requests) == 1  # llm_max_retries=0 is honoured


def test_slow_model_is_504_after_the_timeout(
    gen_client: TestClient, gen_service: RagService, fake_llm: FakeLLM
) -> None:
    timeout = gen_service.settings.llm_timeout
    fake_llm.stall(timeout + 3)
    started = time.monotonic()
    response = gen_client.post("/v1/ask", json={"question": QUESTION})
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert "in time" in response.json()["detail"]
    assert timeout <= elapsed < timeout + 2.5
    assert len(fake_llm.requests) == 1


def test_slow_model_raises_timeout_from_the_library(
    gen_service: RagService, fake_llm: FakeLLM
) -> None:
    fake_llm.stall(gen_service.settings.llm_timeout + 3)
    with pytest.raises(LLMTimeoutError):
        gen_service.ask(QUESTION)


@pytest.mark.parametrize(
    ("raw_body", "media_type"),
    [
        ('{"choices": []}', "application/json"),
        ("{}", "application/json"),
        ("[1, 2]", "application/json"),
        ("this is not json", "text/plain"),
        ("this is not json", "application/json"),
        ('{"choices": [{"index": 0, "message": null}]}', "application/json"),
    ],
)
def test_malformed_completion_is_502(
    gen_client: TestClient, fake_llm: FakeLLM, raw_body: str, media_type: str
) -> None:
    fake_llm.malformed(raw_body, media_type)
    response = gen_client.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 502, response.text
    assert "detail" in response.json()
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("content", ["", "   \n", None])
def test_empty_completion_is_502(
    gen_client: TestClient, fake_llm: FakeLLM, content: str | None
) -> None:
    fake_llm.answer(content)
    response = gen_client.post("/v1/ask", json={"question": QUESTION})
    assert response.status_code == 502
    assert "no answer text" in response.json()["detail"]


def test_question_about_names_not_in_the_corpus_never_reaches_the_model(
    gen_client: TestClient, gen_service: RagService, fake_llm: FakeLLM
) -> None:
    fake_llm.answer("Zuckerberg praised Stargate [1].")
    question = "What did Mark Zuckerberg say about Stargate?"
    body = ask(gen_client, question)
    assert body["answered"] is False
    assert body["answer"] == NOT_COVERED_ANSWER
    assert body["citations"] == []
    direct: Answer = gen_service.ask(question)
    assert direct.answered is False and direct.citations == []
    assert fake_llm.requests == []


def test_unknown_article_is_404_without_calling_the_model(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    response = gen_client.post(
        "/v1/ask", json={"question": QUESTION, "articles": ["no-such-article"]}
    )
    assert response.status_code == 404
    assert fake_llm.requests == []


def test_answers_restricted_to_one_article_send_only_its_passages(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    only = "003_155f2f5638679cf8"
    fake_llm.answer("It is spending a great deal [1].")
    body = ask(gen_client, "What is Microsoft spending on?", articles=[only], top_k=3)
    assert body["answered"] is True
    assert body["citations"][0]["article_id"] == only
    prompt = fake_llm.requests[0]["messages"][1]["content"]
    articles = re.findall(r'<passage [^>]*article="([^"]+)"', prompt)
    assert articles == [only] * 3


def test_a_sentence_its_passage_does_not_support_is_left_out_and_counted(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer("Musk's group offered $97.4 billion [1]. Larry Page offered $3 trillion [1].")
    body = ask(gen_client)
    assert "97.4 billion" in body["passages"][0]["text"]
    assert body["answer"] == "Musk's group offered $97.4 billion [1]."
    assert body["dropped"] == 1


def test_a_reply_with_no_supported_sentence_is_declined_and_says_why(
    gen_client: TestClient, fake_llm: FakeLLM
) -> None:
    fake_llm.answer("Larry Page offered $3 trillion [1].")
    body = ask(gen_client)
    assert body["answered"] is False and body["answer"] == NOT_COVERED_ANSWER
    assert body["dropped"] == 1
