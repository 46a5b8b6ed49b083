"""The FastAPI app: built by `create_app`, with the RagService loaded once in its lifespan."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from api.limits import BodySizeLimitMiddleware
from api.observability import RequestContextMiddleware, configure_logging, expose_metrics
from api.ratelimit import RateLimit
from api.responses import ADMIN_KEY, BODY_TOO_LARGE, RATE_LIMITED, responses
from api.routes import articles, ask, chat, health, openai_compat, widget
from api.routes.health import LivenessMiddleware
from api.security import guard_questions
from rag.config import Settings, get_settings
from rag.errors import RagError
from rag.service import RagService


async def _rag_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RagError)
    return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)


def _showable(error: dict[str, Any]) -> dict[str, Any]:
    """An error whose `input` JSON cannot carry (NaN, 1e400, a lone surrogate) shows its repr."""
    try:
        json.dumps(error.get("input"), allow_nan=False, ensure_ascii=False).encode()
    except (TypeError, ValueError):
        return {**error, "input": repr(error["input"])}
    return error


async def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, which would otherwise fail to encode such an input and answer 500."""
    assert isinstance(exc, RequestValidationError)
    errors = [_showable(error) for error in jsonable_encoder(exc.errors())]
    return JSONResponse({"detail": errors}, status_code=422)


def create_app(settings: Settings | None = None, service: RagService | None = None) -> FastAPI:
    """Pass `service` to share an already loaded one (tests, notebooks).

    Raises ValueError for a setting that cannot work (an unparsable rate limit)."""
    settings = settings or (service.settings if service else get_settings())
    question_guards = [Depends(guard_questions)]
    question_errors = responses(BODY_TOO_LARGE, *(ADMIN_KEY if settings.protect_questions else ()))
    if settings.rate_limit:
        question_guards.insert(0, Depends(RateLimit(settings.rate_limit)))
        question_errors = {**question_errors, **responses(RATE_LIMITED)}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = service or await run_in_threadpool(RagService.from_settings, settings)
        await run_in_threadpool(app.state.service.ensure_corpus)
        yield
        if service is None:
            app.state.service.close()  # the app built it: what it holds goes with the app

    app = FastAPI(
        title="News RAG",
        summary="Questions answered from news articles, every point cited.",
        version="0.1.0",
        lifespan=lifespan,
        # Starlette's slash redirect builds its absolute URL from the Host header.
        redirect_slashes=False,
    )
    app.state.settings = settings
    expose_metrics(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost, so refusals (413, 429...) also reach a widget embedded on another site.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=["Content-Type", "Authorization", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID"],
    )
    app.add_middleware(LivenessMiddleware)
    # Outside CORS, so every response, refusals included, carries its request id.
    app.add_middleware(RequestContextMiddleware)
    app.add_exception_handler(RagError, _rag_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    # Question endpoints: the ones the admin key (when required) and the rate limit guard.
    for module in (ask, chat, openai_compat):
        app.include_router(module.router, dependencies=question_guards, responses=question_errors)
    for module in (articles, health, widget):
        app.include_router(module.router)
    return app


def worker_app() -> FastAPI:
    """The app as each worker process of `rag serve --workers N` builds it (a uvicorn factory):
    settings from the environment, logs as `rag serve` writes them."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    return create_app(settings)
