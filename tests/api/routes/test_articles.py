"""Article administration over HTTP: the admin key, JSON and file uploads, replace and delete."""

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

import rag.service as service_module
from api.cli import app as cli
from api.main import create_app
from rag.config import Settings, get_settings
from rag.service import RagService
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KEY = "admin-key-for-tests-0123"
ADMIN = {"Authorization": f"Bearer {KEY}"}
TIDES = {
    "id": "tides",
    "title": "Tidal power plant opens in Brittany",
    "text": "The Rance tidal station near Saint-Malo produces 240 megawatts. "
    "Engineers from Électricité de France maintain its 24 turbines every winter.",
    "publisher": "Coastal Times",
    "date": "2024-05-02",
}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("admin")
    (root / "articles").mkdir()
    return make_settings(root / "index", articles_dir=root / "articles", api_key=KEY)


@pytest.fixture(scope="module")
def rag(settings: Settings) -> RagService:
    return RagService.from_settings(settings)


@pytest.fixture(scope="module")
def admin(settings: Settings, rag: RagService) -> Iterator[TestClient]:
    with TestClient(create_app(settings, service=rag)) as client:
        yield client


def _passage_ids(rag: RagService, article_id: str) -> list[str]:
    return [n.node_id for n in rag.index.all_passages() if n.metadata["article_id"] == article_id]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("POST", "/v1/articles", TIDES), ("DELETE", "/v1/articles/tides", None)],
)
def test_admin_routes_need_the_key(
    admin: TestClient, rag: RagService, method: str, path: str, body: dict | None
) -> None:
    before = rag.articles()
    missing = admin.request(method, path, json=body)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert "admin key" in missing.json()["detail"]
    for wrong in (f"Bearer {KEY[:-1]}x", f"Bearer {KEY}{KEY}", "Bearer x"):
        response = admin.request(method, path, json=body, headers={"Authorization": wrong})
        assert response.status_code == 403, wrong
        assert response.json()["detail"] == "the admin key is wrong"
    # The key under another scheme is no bearer key at all: the key is missing.
    other_scheme = admin.request(method, path, json=body, headers={"Authorization": f"Basic {KEY}"})
    assert other_scheme.status_code == 401
    assert "admin key" in other_scheme.json()["detail"]
    assert rag.articles() == before


def test_metrics_need_the_key_when_set(admin: TestClient) -> None:
    assert admin.get("/metrics").status_code == 401
    assert admin.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    metrics = admin.get("/metrics", headers=ADMIN)
    assert metrics.status_code == 200 and "http_requests_total" in metrics.text


def test_add_replace_and_delete_an_article(admin: TestClient, rag: RagService) -> None:
    created = admin.post("/v1/articles", json=TIDES, headers=ADMIN)
    assert created.status_code == 201
    assert created.headers["Location"] == "/v1/articles/tides"
    summary = created.json()
    assert summary["id"] == "tides" and summary["publisher"] == "Coastal Times"
    assert summary["passages"] == len(_passage_ids(rag, "tides")) >= 1
    assert admin.get("/v1/articles/tides").json()["text"] == TIDES["text"]

    answer = admin.post(
        "/v1/ask", json={"question": "How many megawatts does the Rance station produce?"}
    ).json()
    assert answer["answered"] and "240 megawatts" in answer["answer"]
    assert answer["citations"][0]["article_id"] == "tides"

    again = admin.post("/v1/articles", json=TIDES, headers=ADMIN)
    assert again.status_code == 200 and again.json() == summary

    changed = {**TIDES, "text": "The Rance tidal station was closed for repairs in 2025."}
    replaced = admin.post("/v1/articles", json=changed, headers=ADMIN)
    assert replaced.status_code == 201
    assert admin.get("/v1/articles/tides").json()["text"] == changed["text"]
    texts = [n.text for n in rag.index.all_passages() if n.metadata["article_id"] == "tides"]
    assert texts == [changed["text"]]

    assert admin.delete("/v1/articles/tides", headers=ADMIN).status_code == 204
    assert admin.get("/v1/articles/tides").status_code == 404
    assert _passage_ids(rag, "tides") == []
    assert rag.index._passages.get(where={"article_id": "tides"})["ids"] == []
    gone = admin.delete("/v1/articles/tides", headers=ADMIN)
    assert gone.status_code == 404 and "tides" in gone.json()["detail"]


def test_the_201_describes_the_write_even_when_a_delete_follows_at_once(
    admin: TestClient, rag: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest = rag.index.ingest_many

    def ingest_then_deleted(articles: list) -> list:
        results = ingest(articles)
        rag.delete(results[0].article_id)  # a DELETE landing before the POST answers
        return results

    monkeypatch.setattr(rag.index, "ingest_many", ingest_then_deleted)
    response = admin.post("/v1/articles", json=TIDES, headers=ADMIN)
    assert response.status_code == 201, response.text
    metadata = {name: value for name, value in TIDES.items() if name != "text"}
    assert response.json() == {**metadata, "author": None, "url": None, "passages": 1}
    assert admin.get("/v1/articles/tides").status_code == 404


def test_uploads_are_parsed_off_the_event_loop(
    admin: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    parse = service_module.article_from_upload
    parsed_on: list[str] = []

    def recording(*args: object) -> object:
        try:
            asyncio.get_running_loop()
            parsed_on.append("the event loop")
        except RuntimeError:
            parsed_on.append("a worker thread")
        return parse(*args)

    monkeypatch.setattr(service_module, "article_from_upload", recording)
    page = (
        b"<html><body><h1>Quay reopens</h1><p>The quay at the harbour reopened on Monday after "
        b"three months of repairs to its old stone walls.</p></body></html>"
    )
    response = admin.post(
        "/v1/articles", files={"file": ("quay.html", page, "text/html")}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    assert parsed_on == ["a worker thread"]
    assert admin.delete("/v1/articles/quay", headers=ADMIN).status_code == 204


def test_id_is_derived_from_title_and_text(admin: TestClient) -> None:
    body = {k: v for k, v in TIDES.items() if k != "id"}
    first = admin.post("/v1/articles", json=body, headers=ADMIN).json()["id"]
    assert first.startswith("tidal-power-plant-opens-in-brittany-")
    other = admin.post("/v1/articles", json={**body, "text": "Another text."}, headers=ADMIN)
    assert other.json()["id"] != first
    for article_id in (first, other.json()["id"]):
        assert admin.delete(f"/v1/articles/{article_id}", headers=ADMIN).status_code == 204


@pytest.mark.parametrize(
    ("body", "complaint"),
    [
        ({"text": "No title here."}, "title"),
        ({**TIDES, "text": "   "}, "text"),
        ({**TIDES, "date": "May 2nd"}, "date"),
        ({**TIDES, "date": "9999-99-99"}, "not a calendar date"),
        ({**TIDES, "date": "2023-02-29"}, "not a calendar date"),
        ({**TIDES, "title": "\x00\x00\x00"}, "no visible characters"),
        ({**TIDES, "title": "\u200b\u200d\ufeff"}, "no visible characters"),
        ({**TIDES, "text": "\x01\x7f \u2060\u200c"}, "no visible characters"),
        ({**TIDES, "id": "../etc/passwd"}, "id"),
        ({**TIDES, "url": "javascript:alert(1)"}, "url"),
        (["not", "an", "object"], "dict"),
    ],
)
def test_bad_articles_are_422_with_the_reason(
    admin: TestClient, rag: RagService, body: object, complaint: str
) -> None:
    before = rag.articles()
    response = admin.post("/v1/articles", json=body, headers=ADMIN)
    assert response.status_code == 422
    assert complaint in str(response.json()["detail"])
    assert rag.articles() == before


def test_bodies_that_are_not_articles(admin: TestClient) -> None:
    broken = admin.post(
        "/v1/articles",
        content=b'{"title": "x", ',
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["detail"]
    plain = admin.post(
        "/v1/articles", content=b"title", headers={**ADMIN, "Content-Type": "text/plain"}
    )
    assert plain.status_code == 415 and "multipart" in plain.json()["detail"]
    no_file = admin.post("/v1/articles", data={"title": "x"}, files={"other": ("a.txt", b"x")})
    assert no_file.status_code == 401
    no_file = admin.post(
        "/v1/articles", data={"title": "x"}, files={"other": ("a.txt", b"x")}, headers=ADMIN
    )
    assert no_file.status_code == 422 and "`file`" in no_file.json()["detail"]


def test_upload_markdown_with_overrides(admin: TestClient) -> None:
    markdown = (
        "# Wind farm reaches full output\n\n"
        "The **Hornsea** wind farm delivered 1.3 gigawatts on Monday, its operator said.\n"
    )
    response = admin.post(
        "/v1/articles",
        files={"file": ("hornsea-wind.md", markdown.encode(), "text/markdown")},
        data={"publisher": "Energy Weekly", "date": "2024-03-04"},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    summary = response.json()
    assert summary["id"] == "hornsea-wind"
    assert summary["title"] == "Wind farm reaches full output"
    assert (summary["publisher"], summary["date"]) == ("Energy Weekly", "2024-03-04")
    text = admin.get("/v1/articles/hornsea-wind").json()["text"]
    assert "1.3 gigawatts" in text and "**" not in text and "#" not in text
    assert admin.delete("/v1/articles/hornsea-wind", headers=ADMIN).status_code == 204


def test_upload_by_content_type_and_refusals(admin: TestClient) -> None:
    html = (
        b"<html><head><title>Dam</title><style>p{color:red}</style></head><body>"
        b"<h1>Dam upgrade finished</h1><script>steal()</script>"
        b"<p>The Itaipu dam now runs 20 units after the upgrade.</p></body></html>"
    )
    unnamed = admin.post(
        "/v1/articles", files={"file": ("dam story", html, "text/html")}, headers=ADMIN
    )
    assert unnamed.status_code == 201, unnamed.text
    article_id = unnamed.json()["id"]
    assert article_id.startswith("dam-upgrade-finished-")
    text = admin.get(f"/v1/articles/{article_id}").json()["text"]
    assert "Itaipu" in text and "steal" not in text and "color" not in text
    assert admin.delete(f"/v1/articles/{article_id}", headers=ADMIN).status_code == 204

    pdf = admin.post(
        "/v1/articles",
        files={"file": ("report.pdf", b"%PDF-1.7", "application/pdf")},
        headers=ADMIN,
    )
    assert pdf.status_code == 415 and "report.pdf" in pdf.json()["detail"]
    latin1 = admin.post(
        "/v1/articles", files={"file": ("caf.txt", "Café".encode("latin-1"))}, headers=ADMIN
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.json()["detail"]
    empty = admin.post("/v1/articles", files={"file": ("blank.txt", b"  \n ")}, headers=ADMIN)
    assert empty.status_code == 422 and "no text" in empty.json()["detail"]


def test_questions_stay_open_unless_protected(
    settings: Settings, rag: RagService, admin: TestClient
) -> None:
    question = {"question": "What does the Rance station produce?"}
    assert admin.post("/v1/ask", json=question).status_code == 200
    protected = settings.model_copy(update={"protect_questions": True})
    with TestClient(create_app(protected, service=rag)) as client:
        assert client.post("/v1/ask", json=question).status_code == 401
        assert client.post("/v1/ask", json=question, headers=ADMIN).status_code == 200
        chat = {"messages": [{"role": "user", "content": question["question"]}]}
        assert client.post("/v1/chat", json=chat).status_code == 401
        assert client.get("/v1/articles").status_code == 200


def test_admin_routes_are_open_without_a_key(settings: Settings, rag: RagService) -> None:
    open_settings = settings.model_copy(update={"api_key": None})
    with TestClient(create_app(open_settings, service=rag)) as client:
        body = {"id": "open-note", "title": "Note", "text": "A short note about canals."}
        assert client.post("/v1/articles", json=body).status_code == 201
        assert client.delete("/v1/articles/open-note").status_code == 204


def test_openapi_declares_the_bearer_scheme(admin: TestClient) -> None:
    schema = admin.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["AdminKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The admin key (RAG_API_KEY), required when it is set.",
    }
    post = schema["paths"]["/v1/articles"]["post"]
    assert post["security"] == [{"AdminKey": []}]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"200", "201", "401", "403", "415", "422"} <= set(post["responses"])


@pytest.mark.parametrize("command", [["serve"], ["ingest"], ["ask", "Who leads Stargate?"]])
@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("RAG_API_KEY", "too-short", "16 characters"),
        ("RAG_LOG_LEVEL", "verbose", "RAG_LOG_LEVEL"),
        ("RAG_PROTECT_QUESTIONS", "true", "needs an api_key"),
    ],
)
def test_bad_settings_are_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: list[str],
    variable: str,
    value: str,
    named: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, command)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and named in lines[0]


def test_settings_refuse_a_short_key_and_protection_without_a_key() -> None:
    with pytest.raises(ValidationError, match="at least 16 characters"):
        Settings(_env_file=None, api_key="too-short")
    with pytest.raises(ValidationError, match="needs an api_key"):
        Settings(_env_file=None, protect_questions=True)
    assert Settings(_env_file=None, log_level="debug").log_level == "DEBUG"
