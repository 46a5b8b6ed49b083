"""How `rag serve` runs the app: uvicorn, with every connection's reading bounded.

uvicorn times out idle keep-alive connections but not a request that arrives slowly: a
client sending half a header or half a body holds its connection, and a descriptor, forever.
Its h11 protocol (which refuses a head still incomplete past 16 KiB) is extended here: the
head must arrive within `RAG_HEADER_TIMEOUT` of the connection opening or of the previous
response, the body within `RAG_BODY_TIMEOUT` of the head, or the connection is closed. Past
`RAG_MAX_CONNECTIONS`, a new connection makes room by closing the one that has waited longest
for a request head, or is itself closed when none is waiting. uvicorn's own `limit_concurrency`
is not used: it answers 503 only once a request head has been read, so it frees nothing a
slow client holds. The deadlines follow h11's `their_state` (IDLE: waiting for a head;
SEND_BODY: reading a body), h11's public state machine, rather than uvicorn's internals.
"""

import asyncio
import logging
from functools import partial
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from rag.config import Settings

logger = logging.getLogger(__name__)


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with this module's read deadlines and connection cap."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timeouts = {h11.IDLE: settings.header_timeout, h11.SEND_BODY: settings.body_timeout}
        self._max_connections = settings.max_connections
        self._awaiting: type[h11.IDLE] | type[h11.SEND_BODY] | None = None
        self._since = 0.0  # when the part awaited began
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._max_connections and not self._evict_a_waiting_one():
            logger.warning(
                "connection limit of %d reached, every connection busy; closing a new one",
                self._max_connections,
            )
            transport.close()
            return
        self._watch()

    def _evict_a_waiting_one(self) -> bool:
        """Makes room by closing the connection that has waited longest for a request head
        (a slow client, or an idle keep-alive one): slow clients cannot lock others out."""
        waiting = [
            other
            for other in self.connections
            if isinstance(other, BoundedH11Protocol)
            and other._awaiting is h11.IDLE
            and not other.transport.is_closing()
        ]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda other: other._since)
        logger.warning(
            "connection limit of %d reached; closing the one from %s that waited longest "
            "for its request headers",
            self._max_connections,
            oldest.client[0] if oldest.client else "unknown",
        )
        oldest.transport.close()
        return True

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._arm(None)
        super().connection_lost(exc)

    def _watch(self) -> None:
        """A deadline while part of a request is still to come; none while the app works."""
        state = self.conn.their_state
        self._arm(state if state in self._timeouts else None)

    def _arm(self, awaiting: type[h11.IDLE] | type[h11.SEND_BODY] | None) -> None:
        if awaiting is self._awaiting:
            return  # the deadline runs from when this part began, not from the last byte
        if self._deadline is not None:
            self._deadline.cancel()
        self._awaiting = awaiting
        self._since = self.loop.time()
        self._deadline = (
            self.loop.call_later(self._timeouts[awaiting], self._expire, awaiting)
            if awaiting is not None
            else None
        )

    def _expire(self, awaiting: type[h11.IDLE] | type[h11.SEND_BODY]) -> None:
        part = "headers" if awaiting is h11.IDLE else "body"
        # A connection that sent nothing (a browser's spare one) is routine; half a request not.
        started = awaiting is h11.SEND_BODY or bool(self.conn.trailing_data[0])
        logger.log(
            logging.INFO if started else logging.DEBUG,
            "closing a connection from %s: its request %s did not arrive within %g s",
            self.client[0] if self.client else "unknown",
            part,
            self._timeouts[awaiting],
        )
        self._deadline = None
        self.transport.close()


def server_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run` or `uvicorn.Config`."""
    return {
        "http": partial(BoundedH11Protocol, settings=settings),
        "timeout_keep_alive": settings.keep_alive_timeout,
    }
