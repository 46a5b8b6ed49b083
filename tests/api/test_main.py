"""The HTTP API through the real app, over the real index, in extractive mode."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from rag.config import DEFAULT_ARTICLES_DIR
from rag.service import RagService
from tests.conftest import DEFAULT_IDS, OFFER_ARTICLE, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_ask_cites_the_article_with_the_offer(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "How much did Musk offer for OpenAI?"})
    assert response.status_code == 200
    body = response.json()
    assert body["answered"] is True
    assert body["mode"] == "extractive"
    assert "97.4 billion" in body["answer"]
    offer = [c for c in body["citations"] if "97.4 billion" in c["text"]]
    assert offer and offer[0]["article_id"] == OFFER_ARTICLE
    assert f"[{offer[0]['marker']}]" in body["answer"]
    article = client.get(f"/v1/articles/{OFFER_ARTICLE}").json()
    assert article["text"][offer[0]["start"] : offer[0]["end"]] == offer[0]["text"]
    scores = [p["score"] for p in body["passages"]]
    assert scores == sorted(scores, reverse=True) and len(scores) == 5
    assert set(body["timings"]) == {"retrieve_ms", "answer_ms", "total_ms"}


def test_every_citation_marker_is_in_the_answer(client: TestClient) -> None:
    body = client.post("/v1/ask", json={"question": "Who did Musk meet in 2012?"}).json()
    assert body["answered"] and "Hassabis" in body["answer"]
    for citation in body["citations"]:
        assert f"[{citation['marker']}]" in body["answer"]
    hassabis = [c for c in body["citations"] if "Hassabis" in c["text"]]
    assert hassabis[0]["article_id"] == "002_7e74fc949ae09983"


def test_question_outside_the_articles_is_declined(client: TestClient) -> None:
    for question in (
        "What did Mark Zuckerberg say about Stargate?",
        "What is the capital of France?",
    ):
        body = client.post("/v1/ask", json={"question": question}).json()
        assert body["answered"] is False, question
        assert body["citations"] == []
        assert "do not cover" in body["answer"]


def test_short_question_about_a_name_is_answered_from_the_passage_naming_it(
    client: TestClient,
) -> None:
    # 'What is Colossus?' embeds far from every passage; the passage naming it still answers.
    body = client.post("/v1/ask", json={"question": "What is Colossus?"}).json()
    assert body["answered"] is True
    assert "supercomputer" in body["citations"][0]["text"]
    assert all("Colossus" in c["text"] for c in body["citations"])
    assert all(not c["text"].endswith("?") for c in body["citations"])


def test_ask_restricted_to_articles(client: TestClient) -> None:
    only = ["003_155f2f5638679cf8"]
    body = client.post(
        "/v1/ask",
        json={
            "question": "How much did Nadella say Microsoft is good for?",
            "articles": only,
            "top_k": 2,
        },
    ).json()
    assert {p["article_id"] for p in body["passages"]} == set(only)
    assert len(body["passages"]) == 2
    assert "80 billion" in body["answer"]


def test_articles_list_and_detail(client: TestClient) -> None:
    listing = client.get("/v1/articles").json()
    assert [a["id"] for a in listing] == DEFAULT_IDS
    titles = {a["id"]: a["title"] for a in listing}
    assert titles["002_7e74fc949ae09983"].startswith("The Story Behind Elon Musk and AI")
    assert all(a["passages"] > 0 for a in listing)
    detail = client.get("/v1/articles/002_7e74fc949ae09983").json()
    assert detail["author"] == "Sungwoo Bae" and detail["date"] == "2024-09-09"
    assert "Newsletter" not in detail["text"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["articles"] == len(DEFAULT_IDS)


def test_openapi_has_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["schemas"]["AskRequest"]["examples"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": 42}, "question"),
        ({"question": None}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({}, "question"),
        ({"question": "ok?", "top_k": 0}, "top_k"),
        ({"question": "ok?", "top_k": 51}, "top_k"),
        ({"question": "ok?", "articles": []}, "articles"),
        ({"question": "ok?", "articles": ["../etc/passwd"]}, "articles"),
    ],
)
def test_bad_questions_get_422_naming_the_field(client: TestClient, payload, field) -> None:
    response = client.post("/v1/ask", json=payload)
    assert response.status_code == 422
    assert field in {loc for error in response.json()["detail"] for loc in error["loc"]}


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/ask", content=b'{"question": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_unknown_article_ids(client: TestClient) -> None:
    response = client.get("/v1/articles/no-such-article")
    assert response.status_code == 404
    assert response.json() == {"detail": "unknown article id: no-such-article"}
    response = client.post("/v1/ask", json={"question": "Who?", "articles": ["missing-one"]})
    assert response.status_code == 404
    assert "missing-one" in response.json()["detail"]


def test_oversized_body_is_413(client: TestClient) -> None:
    huge = b'{"question": "' + b"a" * 1_100_000 + b'"}'
    response = client.post("/v1/ask", content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_oversized_streamed_body_is_413(client: TestClient) -> None:
    def chunks():
        for _ in range(120):
            yield b"a" * 10_000

    response = client.post(
        "/v1/ask", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.fixture(scope="module")
def writable(own_service: RagService) -> Iterator[TestClient]:
    """The app with its write routes open, over the module's own index."""
    with TestClient(create_app(service=own_service)) as test_client:
        yield test_client


def test_bad_input_leaves_the_index_intact(writable: TestClient, own_service: RagService) -> None:
    rag, client = own_service, writable
    before = client.get("/v1/articles").json()
    passages = sorted(n.node_id for n in rag.index.all_passages())
    junk = {"content-type": "application/json"}
    refusals = [
        (client.post("/v1/articles", content=b"\x00\xff", headers=junk), 422),
        (client.post("/v1/articles", content=b'{"id": "x", "title": ', headers=junk), 422),
        (client.post("/v1/articles", json={"id": OFFER_ARTICLE, "title": "T", "text": ""}), 422),
        (client.post("/v1/articles", json=[{"title": "A list", "text": "Not one article."}]), 422),
        (client.post("/v1/articles", json={"id": "../../etc", "title": "T", "text": "Te."}), 422),
        (client.post("/v1/articles", files={"file": ("x.pdf", b"%PDF-1.7")}), 415),
        (client.post("/v1/articles", files={"file": ("x.txt", "é".encode("latin-1"))}), 422),
        (client.delete("/v1/articles/never_added"), 404),
        (client.post("/v1/ask", content=b"\x00\xff", headers=junk), 422),
        (client.post("/v1/ask", json={"question": "x" * 5000}), 422),
    ]
    for number, (response, status) in enumerate(refusals):
        assert response.status_code == status, (number, response.text)
        assert response.json()["detail"], number
    assert client.get("/v1/articles").json() == before
    assert sorted(n.node_id for n in rag.index.all_passages()) == passages
    assert client.post("/v1/ask", json={"question": "How much did Musk offer?"}).json()["answered"]


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400"])
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/v1/ask", b'{"question": "Who?", "top_k": %s}'),
        ("/v1/chat", b'{"messages": [{"role": "user", "content": "Who?"}], "top_k": %s}'),
    ],
)
def test_numbers_json_cannot_carry_are_422(
    client: TestClient, path: str, template: bytes, number: bytes
) -> None:
    response = client.post(
        path, content=template % number, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "top_k"] and "finite number" in error["msg"]


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/v1/ask", b'{"question": "\\ud800"}', ["body", "question"]),
        ("/v1/ask", b'{"question": "Who leads \\udfff Stargate?"}', ["body", "question"]),
        (
            "/v1/chat",
            b'{"messages": [{"role": "user", "content": "Who \\ud800?"}]}',
            ["body", "messages", 0, "content"],
        ),
    ],
)
def test_a_lone_surrogate_is_422(client: TestClient, path: str, body: bytes, loc: list) -> None:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == loc and "unicode" in error["msg"]
    assert "\\ud" in error["input"]  # shown escaped


def test_a_trailing_slash_is_not_redirected_to_the_host_it_names(client: TestClient) -> None:
    response = client.get("/v1/articles/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert "location" not in response.headers
    assert response.status_code == 404 and response.json()["detail"]


def test_an_app_made_from_settings_alone_loads_its_service_and_answers(tmp_path) -> None:
    """How a server that imports the app factory runs it: no service passed in."""
    articles = tmp_path / "articles"
    articles.mkdir()
    source = DEFAULT_ARTICLES_DIR / f"{OFFER_ARTICLE}.txt"
    (articles / source.name).write_text(source.read_text())
    settings = make_settings(tmp_path / "index", articles_dir=articles)
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/ask", json={"question": "How much did Musk offer?"})
    assert response.status_code == 200
    assert [c["article_id"] for c in response.json()["citations"]] == [OFFER_ARTICLE]
