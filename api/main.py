"""The FastAPI app: built by `create_app`, with the RagService loaded once in its lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from api.limits import BodySizeLimitMiddleware
from api.routes import articles, ask, chat, health, widget
from rag.config import Settings, get_settings
from rag.errors import RagError
from rag.service import RagService


async def _rag_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RagError)
    return JSONResponse({"detail": str(exc)}, status_code=exc.status_code)


def create_app(settings: Settings | None = None, service: RagService | None = None) -> FastAPI:
    """Pass `service` to share an already loaded one (tests, notebooks)."""
    settings = settings or (service.settings if service else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = service or await run_in_threadpool(RagService, settings)
        await run_in_threadpool(app.state.service.ensure_corpus)
        yield

    app = FastAPI(
        title="News RAG",
        summary="Questions answered from news articles, every point cited.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    # Outermost, so refusals (413, 429...) also reach a widget embedded on another site.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["Retry-After", "X-Request-ID"],
    )
    app.add_exception_handler(RagError, _rag_error)
    # Question endpoints: the ones the admin key (when required) and the rate limit guard.
    for module in (ask, chat):
        app.include_router(module.router)
    for module in (articles, health, widget):
        app.include_router(module.router)
    return app
