"""Request ids, structured logs and Prometheus metrics.

Every request gets an id (the caller's `X-Request-ID` when it is sane, else a new one): it is
sent back in the response header and stamped on every log line written while the request runs,
through a context variable that a logging filter reads.
"""

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import TextIO

from fastapi import Depends, FastAPI
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_fastapi_instrumentator import Instrumentator
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter
from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.security import require_admin

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_id: ContextVar[str] = ContextVar("request_id", default="-")
access_log = logging.getLogger("rag.access")
logger = logging.getLogger(__name__)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def _json_formatter() -> JsonFormatter:
    """One JSON object per line: level, logger, message, request id, any `extra=` fields and
    the time; not uvicorn's copy of its message with terminal colours."""
    return JsonFormatter(
        "{levelname}{name}{message}{request_id}",
        style="{",
        rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
        timestamp="time",
        reserved_attrs=[*RESERVED_ATTRS, "color_message"],
    )


# C0 and C1 controls, DEL and the Unicode line separators, written as escapes.
_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


class PlainFormatter(logging.Formatter):
    """Text lines in which a request path or header cannot start a forged line: control
    characters in the line are escaped (a traceback after it keeps its own newlines)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record).translate(_CONTROL_ESCAPES)


def configure_logging(level: str, as_json: bool, stream: TextIO | None = None) -> None:
    """Route all logs (the app's, uvicorn's, libraries') through one request-id-aware handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setLevel(level.upper())  # also for libraries that set their own loggers' levels
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        _json_formatter()
        if as_json
        else PlainFormatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True


class RequestContextMiddleware:
    """Sets the request id, echoes it in the response, and logs one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = (
            dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        )
        rid = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        started_response = False
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Handled here rather than by Starlette's outermost handler, so the traceback is
            # logged and the 500 is sent while the request id is still known.
            logger.exception("unhandled error")
            if started_response:
                raise
            error = JSONResponse({"detail": "internal server error"}, status_code=500)
            await error(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                },
            )
            request_id.reset(token)


def expose_metrics(app: FastAPI) -> None:
    """`GET /metrics` in Prometheus format, behind the admin key when one is set; a registry
    per app so several apps can coexist."""
    registry = CollectorRegistry()
    for collector in (ProcessCollector, PlatformCollector, GCCollector):
        collector(registry=registry)
    Instrumentator(registry=registry, excluded_handlers=["/metrics"]).instrument(app).expose(
        app, include_in_schema=False, dependencies=[Depends(require_admin)]
    )
