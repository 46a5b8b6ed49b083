"""Request ids on every response and log line, JSON logs, Prometheus metrics."""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from api.observability import RequestContextMiddleware, configure_logging
from rag.config import DEFAULT_ARTICLES_DIR
from rag.service import RagService
from tests.conftest import make_settings
from tests.paths import ROOT
from tests.servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

QUESTION = {"question": "Who leads the Stargate project?"}


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The app's logs as JSON lines in a buffer; the previous logging setup is restored."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("INFO", as_json=True, stream=buffer)
    try:
        yield buffer
    finally:
        root.handlers, root.level = saved[0], saved[1]


def _parsed(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    sent = client.post("/v1/ask", json=QUESTION, headers={"X-Request-ID": "trace-42.a"})
    assert sent.headers["X-Request-ID"] == "trace-42.a"
    for bad in ("has spaces in it", "x" * 200, "<script>"):
        response = client.get("/healthz", headers={"X-Request-ID": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), bad
    made = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(made) == 3
    for refused in (
        client.get("/v1/articles/nope"),
        client.post("/v1/ask", json={"question": ""}),
        client.post("/v1/ask", content=b"x" * 2_000_000),
    ):
        assert refused.status_code in (404, 413, 422)
        assert re.fullmatch(r"[0-9a-f]{32}", refused.headers["X-Request-ID"])


def test_log_lines_are_json_with_the_request_id(tmp_path: Path, log_lines: io.StringIO) -> None:
    (tmp_path / "articles").mkdir()
    scratch = RagService.from_settings(
        make_settings(tmp_path / "index", articles_dir=tmp_path / "articles")
    )
    with TestClient(create_app(service=scratch)) as client:
        article = {"id": "kiln", "title": "Kiln", "text": "The kiln fired 300 bowls."}
        response = client.post("/v1/articles", json=article, headers={"X-Request-ID": "ingest-1"})
        assert response.status_code == 201
        client.get("/v1/articles/kiln", headers={"X-Request-ID": "read-2"})
    lines = _parsed(log_lines)
    indexed = [line for line in lines if line["message"] == "article indexed"]
    # Logged from the worker thread that ran the ingest, still with the request's id.
    assert indexed == [
        {
            **indexed[0],
            "logger": "rag.index.store",
            "level": "INFO",
            "request_id": "ingest-1",
            "article_id": "kiln",
            "status": "added",
            "passages": 1,
        }
    ]
    access = {line["request_id"]: line for line in lines if line["logger"] == "rag.access"}
    assert access["ingest-1"]["method"] == "POST" and access["ingest-1"]["status"] == 201
    assert access["read-2"]["path"] == "/v1/articles/kiln" and access["read-2"]["status"] == 200
    assert all(line["duration_ms"] >= 0 for line in access.values())


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    client.post("/v1/ask", json=QUESTION)
    client.post("/v1/ask", json={"question": ""})
    text = client.get("/metrics").text
    assert re.search(
        r'^http_requests_total\{handler="/v1/ask",method="POST",status="2xx"\} [1-9]', text, re.M
    )
    assert 'http_requests_total{handler="/v1/ask",method="POST",status="4xx"}' in text
    assert "http_request_duration_seconds_bucket" in text
    assert re.search(r"^process_resident_memory_bytes [0-9.e+]+$", text, re.M)
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_rag_serve_writes_json_lines_with_request_ids(tmp_path: Path) -> None:
    """The real command: its log configuration, uvicorn's logs and the app's all as JSON."""
    articles = tmp_path / "articles"
    articles.mkdir()
    first = sorted(DEFAULT_ARTICLES_DIR.glob("*.txt"))[0]
    (articles / first.name).write_text(first.read_text())
    port = free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_ARTICLES_DIR": str(articles),
        "RAG_LOG_JSON": "true",
        "RAG_HEADER_TIMEOUT": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import app; app()", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline
            time.sleep(0.3)
        response = httpx.post(f"{base}/v1/ask", json=QUESTION, headers={"X-Request-ID": "e2e-7"})
        assert response.status_code == 200 and response.headers["X-Request-ID"] == "e2e-7"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
            slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: te")  # and nothing more
            started = time.monotonic()
            assert slow.recv(1) == b""
            assert time.monotonic() - started < 4
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
    ask = [line for line in lines if line["request_id"] == "e2e-7"]
    assert any(line["logger"] == "rag.access" and line["path"] == "/v1/ask" for line in ask)
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    assert any("headers did not arrive within 1 s" in line["message"] for line in lines)
    assert not any("\x1b" in str(value) for line in lines for value in line.values())


def test_answers_log_their_stage_timings(client: TestClient, log_lines: io.StringIO) -> None:
    response = client.post("/v1/ask", json=QUESTION, headers={"X-Request-ID": "timed-1"})
    timed = [
        line
        for line in _parsed(log_lines)
        if line["request_id"] == "timed-1" and "retrieve_ms" in line
    ]
    assert len(timed) == 1
    timings = response.json()["timings"]
    assert (timed[0]["retrieve_ms"], timed[0]["answer_ms"]) == (
        timings["retrieve_ms"],
        timings["answer_ms"],
    )


def test_an_unhandled_error_is_a_500_with_its_request_id_on_the_traceback(
    log_lines: io.StringIO,
) -> None:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware)

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken", headers={"X-Request-ID": "broken-1"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert response.headers["X-Request-ID"] == "broken-1"
    logged = [line for line in _parsed(log_lines) if line["request_id"] == "broken-1"]
    assert any("RuntimeError: a bug" in line.get("exception", "") for line in logged)
    assert any(line.get("status") == 500 for line in logged)


def test_plain_text_logs_escape_control_characters(client: TestClient) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging("INFO", as_json=False, stream=buffer)
    try:
        client.get("/v1/articles/x%0a2026-01-01 00:00:00,000 INFO rag.access [-] GET /forged 200")
        client.get("/v1/articles/y%0d%1b%5b2J%e2%80%a8z")
    finally:
        root.handlers, root.level = saved
    lines = [line for line in buffer.getvalue().splitlines() if " rag.access " in line]
    assert len(lines) == 2
    assert "/v1/articles/x\\x0a2026-01-01" in lines[0] and lines[0].endswith(" 404")
    assert "/v1/articles/y\\x0d\\x1b[2J\\u2028z 404" in lines[1]
