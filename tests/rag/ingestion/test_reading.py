"""News pages uploaded to the real app: stored as extracted, cited at the right offsets, and
refused with a 422 that says why."""

import gzip
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from rag.ingestion.reading import article_from_text
from rag.service import RagService
from tests.conftest import make_settings
from tests.paths import DATA

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KEY = "admin-key-for-tests-0123"
ADMIN = {"Authorization": f"Bearer {KEY}"}
PAGES = DATA / "pages"
TECHCRUNCH = "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892"
ITALIAN = "20b2b64916b00b25203c9f1bf14248922f4d522f18328e9f876cce116df0083e"


def _page(page_id: str) -> bytes:
    return gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes())


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("pages")
    (root / "articles").mkdir()
    settings = make_settings(root / "index", articles_dir=root / "articles", api_key=KEY)
    with TestClient(create_app(settings, service=RagService.from_settings(settings))) as client:
        yield client


def test_uploaded_page_is_stored_as_extracted_and_cited_at_its_offsets(
    admin: TestClient,
) -> None:
    html = _page(TECHCRUNCH)
    response = admin.post(
        "/v1/articles", files={"file": ("wework.html", html, "text/html")}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    stored = admin.get("/v1/articles/wework").json()
    expected = article_from_text("wework", html.decode(), ".html")
    assert stored["text"] == expected.text
    assert stored["title"] == "New York State Attorney General reportedly investigating WeWork"
    assert (stored["author"], stored["publisher"]) == ("Catherine Shu", "TechCrunch")
    assert stored["url"].startswith("http://social.techcrunch.com/2019/11/18/")

    answer = admin.post(
        "/v1/ask", json={"question": "Who is investigating WeWork?", "articles": ["wework"]}
    ).json()
    assert answer["answered"] and answer["citations"]
    for citation in answer["citations"]:
        assert stored["text"][citation["start"] : citation["end"]] == citation["text"]


@pytest.mark.parametrize(
    ("name", "body", "complaint"),
    [
        ("italian.html", _page(ITALIAN), "only English articles are supported"),
        ("front.html", (PAGES / "index-page.html").read_bytes(), "holds no article text"),
        ("huge.html", b"<html><body>" + b"<p>x</p>" * 120_000 + b"</body></html>", "elements"),
        ("blank.txt", "\u200b\u200d\ufeff".encode() * 40, "no text"),
    ],
    ids=["not English", "index page", "120,000 elements", "zero-width only"],
)
def test_unusable_pages_are_422_with_the_reason(
    admin: TestClient, name: str, body: bytes, complaint: str
) -> None:
    response = admin.post("/v1/articles", files={"file": (name, body)}, headers=ADMIN)
    assert response.status_code == 422
    assert complaint in response.json()["detail"]
