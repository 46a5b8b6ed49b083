"""Hybrid retrieval: one fusion retriever serves every question, each with its own snapshot,
candidate count and article filter, including questions running at the same time."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from chromadb.errors import ChromaError
from llama_index.core.schema import QueryBundle

from rag.service import RagService
from tests.conftest import DEFAULT_IDS
from tests.paths import DATA

QUESTIONS = [
    json.loads(line)["question"] for line in (DATA / "questions.jsonl").read_text().splitlines()
]

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _ranking(
    service: RagService, question: str, top_k: int, articles: list[str] | None
) -> list[tuple[str, float]]:
    bundle = QueryBundle(question, embedding=service.embed_model.get_query_embedding(question))
    found = service.retriever.retrieve(bundle, top_k, articles)
    return [(p.node.node.node_id, p.fused_score) for p in found]


def test_each_question_cuts_its_own_top_k(service: RagService) -> None:
    question = QUESTIONS[0]
    longer = _ranking(service, question, 8, None)
    assert len(longer) == 8
    assert _ranking(service, question, 3, None) == longer[:3]


def test_an_article_filter_keeps_both_sides_to_those_articles(service: RagService) -> None:
    within = DEFAULT_IDS[:2]
    for question in QUESTIONS[:10]:
        bundle = QueryBundle(question, embedding=service.embed_model.get_query_embedding(question))
        found = service.retriever.retrieve(bundle, 10, within)
        assert found
        assert {p.node.node.metadata["article_id"] for p in found} <= set(within)


def test_concurrent_questions_get_what_each_gets_alone(service: RagService) -> None:
    asked = [
        (question, top_k, articles)
        for n, question in enumerate(QUESTIONS[:24])
        for top_k, articles in [((n % 3) + 2, None), (5, DEFAULT_IDS[n % 5 : n % 5 + 2])]
    ]
    alone = [_ranking(service, *each) for each in asked]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda each: _ranking(service, *each), asked))
    assert together == alone


def test_a_part_searched_alone_adds_to_the_answer_and_its_failure_takes_nothing(
    service: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one passage for the whole question, the other part is searched alone; when the
    store fails that search, the answer still stands on what the whole question found."""
    question = "How much did Musk invest in DeepMind, and who leads the Stargate project?"
    whole = service.ask(question, top_k=1)
    assert len({c.article_id for c in whole.citations}) == 2 and len(whole.passages) > 1

    retrieve = service.retriever.retrieve

    def store_down_for_parts(bundle: QueryBundle, top_k: int, articles=None):
        if bundle.query_str != question:
            raise ChromaError("the store went away")
        return retrieve(bundle, top_k, articles)

    monkeypatch.setattr(service.retriever, "retrieve", store_down_for_parts)
    alone = service.ask(question, top_k=1)
    assert alone.answered and len(alone.passages) == 1
    assert {c.article_id for c in alone.citations} == {alone.passages[0].article_id}
