"""Real HTTP servers for tests: an ASGI app run by uvicorn on 127.0.0.1, on a free port."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from api.server import server_options


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app: ASGIApp, port: int | None = None, lifespan: str = "on") -> Iterator[str]:
    """Serve `app` in a background thread; yields its base URL, stops it on exit. The
    service's app is served as `rag serve` serves it, with its timeouts and connection cap."""
    port = port or free_port()
    settings = getattr(getattr(app, "state", None), "settings", None)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan=lifespan,
        timeout_graceful_shutdown=2,
        **(server_options(settings) if settings else {}),
    )
    server = uvicorn.Server(config)  # off the main thread: no signal handlers
    thread = threading.Thread(target=server.run, name=f"server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
