"""The server `rag serve` runs, over real sockets: a request that arrives too slowly is cut
off, and past the connection cap the longest-waiting connection makes room, so slow clients
can neither hold the service's descriptors nor lock out a health check."""

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import httpx
import pytest

from api.main import create_app
from rag.service import RagService
from tests.servers import serving

pytestmark = [pytest.mark.slow, pytest.mark.integration]

HEAD = b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"


@contextmanager
def _served(service: RagService, **limits: float) -> Iterator[tuple[str, int]]:
    """The app served as `rag serve` serves it, with these limits; yields its address."""
    settings = service.settings.model_copy(update=limits)
    with serving(create_app(settings, service=service)) as base_url:
        address = urlsplit(base_url)
        yield address.hostname, address.port


@pytest.fixture(scope="module")
def strict(service: RagService) -> Iterator[tuple[str, int]]:
    """One-second read deadlines."""
    with _served(service, header_timeout=1.0, body_timeout=1.0) as address:
        yield address


def _connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=10)


def _seconds_until_closed(sock: socket.socket) -> float:
    """Reads until the server closes the connection; fails the test after 10 s."""
    started = time.monotonic()
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:  # closed with our bytes unread
        pass
    return time.monotonic() - started


@pytest.mark.parametrize(
    "sent",
    [
        b"",  # connects and says nothing
        b"GET /healthz HTTP/1.1\r\nHost: te",  # half a header
        b"POST /v1/ask HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b'Content-Length: 200\r\n\r\n{"question": "Who',  # half a body
    ],
    ids=["nothing", "half a header", "half a body"],
)
def test_a_request_that_does_not_arrive_in_time_is_cut_off(
    strict: tuple[str, int], sent: bytes
) -> None:
    with _connect(strict) as sock:
        sock.sendall(sent)
        waited = _seconds_until_closed(sock)
    assert 0.5 <= waited < 4


def test_a_header_trickled_in_byte_by_byte_is_cut_off_at_the_deadline(
    strict: tuple[str, int],
) -> None:
    with _connect(strict) as sock:
        started = time.monotonic()
        with pytest.raises(OSError):  # the server closes while bytes still trickle in
            for byte in HEAD[:-2]:
                sock.sendall(bytes([byte]))
                time.sleep(0.1)
            assert sock.recv(1) == b""
    assert time.monotonic() - started < 4


def test_requests_in_time_are_served_and_keep_alive_works(strict: tuple[str, int]) -> None:
    with _connect(strict) as sock:
        for _ in range(3):  # each request gets the full deadline again
            sock.sendall(HEAD[:20])
            time.sleep(0.6)
            sock.sendall(HEAD[20:])
            reply = sock.recv(65536)
            assert reply.startswith(b"HTTP/1.1 200") and b'{"status":"ok"}' in reply


def test_past_the_cap_a_new_connection_replaces_the_longest_waiting_one(
    service: RagService,
) -> None:
    """Slow clients holding every slot cannot lock a health check out."""
    with _served(service, max_connections=4) as address, ExitStack() as held:
        slow = []
        for _ in range(4):
            slow.append(held.enter_context(_connect(address)))
            slow[-1].sendall(HEAD[:10])
            time.sleep(0.1)
        response = httpx.get("http://{}:{}/healthz".format(*address), timeout=5)
        assert response.status_code == 200
        assert _seconds_until_closed(slow[0]) < 1  # the one that waited longest made room
        slow[1].settimeout(0.5)
        with pytest.raises(TimeoutError):  # the others still wait for their deadline
            slow[1].recv(1)


def test_past_the_cap_with_every_connection_busy_a_new_one_is_closed(
    service: RagService,
) -> None:
    half_body = b"POST /v1/ask HTTP/1.1\r\nHost: t\r\nContent-Length: 99\r\n\r\n{"
    with _served(service, max_connections=4) as address, ExitStack() as held:
        for _ in range(4):  # each in the middle of sending its body: none can be evicted
            held.enter_context(_connect(address)).sendall(half_body)
        time.sleep(0.3)
        with _connect(address) as extra:
            extra.sendall(HEAD)
            assert _seconds_until_closed(extra) < 1  # closed unanswered, at once


def test_liveness_is_answered_while_every_worker_thread_is_busy(
    service: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Questions are answered in the threadpool (40 threads); /healthz must not wait for one."""
    release = threading.Event()
    busy = threading.Semaphore(0)

    def stuck_ask(*args: object, **kwargs: object) -> None:
        busy.release()
        release.wait(30)
        raise RuntimeError("released")

    monkeypatch.setattr(service, "ask", stuck_ask)
    with (
        serving(create_app(service=service)) as base_url,
        ThreadPoolExecutor(max_workers=45) as askers,
    ):
        try:
            for _ in range(45):
                askers.submit(httpx.post, f"{base_url}/v1/ask", json={"question": "Who?"})
            for _ in range(40):  # every worker thread of the app is now held
                assert busy.acquire(timeout=30)
            response = httpx.get(f"{base_url}/healthz", timeout=3)
            assert response.status_code == 200 and response.json() == {"status": "ok"}
            assert response.headers["X-Request-ID"]
        finally:
            release.set()
