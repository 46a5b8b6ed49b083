"""Shared fixtures: one real embedded index over the default articles for the whole run, read
by every module and written by none (a module that writes builds its own).

The developer's shell configures nothing here: every `RAG_*`, `OPENAI_*` and `CHROMA_*`
variable is dropped before the tests run (and so from the processes they start), and
`make_settings` reads neither the environment nor a `.env` file."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

os.environ.setdefault("HF_HUB_OFFLINE", "1")
for name in [n for n in os.environ if n.startswith(("RAG_", "OPENAI_", "CHROMA_"))]:
    del os.environ[name]

from api.main import create_app  # noqa: E402
from rag.config import DEFAULT_ARTICLES_DIR, Settings  # noqa: E402
from rag.service import RagService  # noqa: E402
from tests.servers import serving  # noqa: E402

DEFAULT_IDS = sorted(p.stem for p in DEFAULT_ARTICLES_DIR.glob("*.txt"))
OFFER_ARTICLE = "000_85aa625414b9aaa7"  # Musk's $97.4 billion offer for OpenAI


class _ExplicitSettings(Settings):
    """Settings from the values given and the defaults only, whatever a test's environment."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        **_: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def make_settings(index_dir: Path, **overrides) -> Settings:
    """Settings isolated from the developer's environment and .env file."""
    return _ExplicitSettings(index_dir=index_dir, **overrides)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> RagService:
    """Extractive service over the default corpus, indexed once per run."""
    rag = RagService.from_settings(make_settings(tmp_path_factory.mktemp("index")))
    rag.ensure_corpus()
    return rag


@pytest.fixture(scope="module")
def own_service(tmp_path_factory: pytest.TempPathFactory) -> RagService:
    """For a module whose tests write: its own index, over the default article on Musk's offer
    (small, so quick to build)."""
    root = tmp_path_factory.mktemp("own")
    (root / "articles").mkdir()
    source = DEFAULT_ARTICLES_DIR / f"{OFFER_ARTICLE}.txt"
    (root / "articles" / source.name).write_text(source.read_text())
    rag = RagService.from_settings(make_settings(root / "index", articles_dir=root / "articles"))
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
