"""Shared fixtures: one real embedded index over the default articles for the whole run."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

os.environ.setdefault("HF_HUB_OFFLINE", "1")
for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST"):
    os.environ.pop(name, None)

from api.main import create_app  # noqa: E402
from rag.config import DEFAULT_ARTICLES_DIR, Settings  # noqa: E402
from rag.service import RagService  # noqa: E402
from tests.servers import serving  # noqa: E402

DEFAULT_IDS = sorted(p.stem for p in DEFAULT_ARTICLES_DIR.glob("*.txt"))


def make_settings(index_dir: Path, **overrides) -> Settings:
    """Settings isolated from the developer's environment and .env file."""
    return Settings(_env_file=None, index_dir=index_dir, **overrides)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> RagService:
    """Extractive service over the default corpus, indexed once per run."""
    rag = RagService.from_settings(make_settings(tmp_path_factory.mktemp("index")))
    rag.ensure_corpus()
    return rag


@pytest.fixture(scope="session")
def live_server(service: RagService) -> Iterator[str]:
    """The real app over the shared index, served by uvicorn; yields its base URL."""
    with serving(create_app(service=service)) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def client(service: RagService) -> Iterator[TestClient]:
    with TestClient(create_app(service=service)) as test_client:
        yield test_client
