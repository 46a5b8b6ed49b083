"""Property-based requests from the app's own OpenAPI schema: no 5xx, and every response is
declared in the schema and matches it. The admin key is sent, so articles are really added and
deleted: the app runs over a throwaway index."""

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from rag.config import DEFAULT_ARTICLES_DIR
from rag.service import RagService
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

KEY = "fuzzing-admin-key-0123456789"


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    root = tmp_path_factory.mktemp("fuzz")
    articles = root / "articles"
    articles.mkdir()
    for path in sorted(DEFAULT_ARTICLES_DIR.glob("*.txt"))[:2]:
        (articles / path.name).write_text(path.read_text())
    rag = RagService.from_settings(
        make_settings(root / "index", articles_dir=articles, api_key=KEY)
    )
    app = create_app(service=rag)
    with TestClient(app):  # runs the app's lifespan for the schema's calls
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {KEY}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
