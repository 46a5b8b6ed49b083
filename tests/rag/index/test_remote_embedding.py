"""Embeddings from an OpenAI-compatible endpoint (a small fake server on 127.0.0.1), through
the real `openai` client, the real Chroma and the real app code."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI, Header

from rag.errors import IndexUnavailableError
from rag.models import Article
from rag.service import RagService
from tests.conftest import make_settings
from tests.servers import serving

pytestmark = [pytest.mark.slow, pytest.mark.integration]

DIM = 64


def _vector(text: str) -> list[float]:
    """A bag of hashed words: texts sharing words are close, as with a real model."""
    vector = np.zeros(DIM)
    for word in text.lower().split():
        digest = hashlib.sha256(word.strip(".,?!").encode()).digest()
        vector[digest[0] % DIM] += 1.0
    return vector.tolist()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, list[tuple[str, int, str | None]]]]:
    calls: list[tuple[str, int, str | None]] = []
    app = FastAPI()

    @app.post("/v1/embeddings")
    def embeddings(body: dict, authorization: str | None = Header(default=None)) -> dict:
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        calls.append((body["model"], len(texts), authorization))
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(t)}
            for i, t in enumerate(texts)
        ]
        return {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": 0, "total_tokens": 0},
        }

    with serving(app) as url:
        yield f"{url}/v1", calls


def test_an_endpoint_embeds_passages_sentences_and_questions(endpoint, tmp_path: Path) -> None:
    url, calls = endpoint
    settings = make_settings(
        tmp_path / "index",
        articles_dir=tmp_path,
        embedding_url=url,
        embedding_api_key="sk-test-embeddings",
        embedding_model="fake-embed-1",
    )
    rag = RagService.from_settings(settings)
    text = (
        "The Quorvath beacon was lit on the north pier at dawn by harbour master Ewan Tully. "
        "Fishing boats followed it home through the fog."
    )
    rag.ingest([Article(id="beacon", title="Beacon", text=text)])
    calls.clear()
    answer = rag.ask("Who lit the Quorvath beacon on the north pier?")
    assert answer.answered and answer.citations[0].article_id == "beacon"
    assert calls == [("fake-embed-1", 1, "Bearer sk-test-embeddings")]  # the question alone
    # Another model on the same index is refused; its own collection is fine.
    with pytest.raises(IndexUnavailableError, match="fake-embed-1"):
        RagService.from_settings(make_settings(tmp_path / "index", articles_dir=tmp_path))
    with pytest.raises(IndexUnavailableError, match="fake-embed-1"):
        RagService.from_settings(settings.model_copy(update={"embedding_model": "fake-embed-2"}))
