from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import Service
from api.responses import NOT_READY, responses

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive. Served by `LivenessMiddleware`; declared here for the schema."""
    return {"status": "ok"}


class LivenessMiddleware:
    """Answers `GET /healthz` on the event loop, ahead of CORS, metrics, the body limit and
    routing: a sync route waited for a threadpool thread behind every question being
    answered, and an orchestrator restarts a process whose liveness probe times out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/healthz" and scope["method"] == "GET":
            await JSONResponse(await healthz())(scope, receive, send)
            return
        await self.app(scope, receive, send)


@router.get("/readyz", responses=responses(NOT_READY))
def readyz(service: Service) -> JSONResponse:
    """The index answers queries: a real, cheap query runs against it."""
    try:
        articles = service.check()
    except Exception as exc:  # any store failure means: not ready
        return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
    if not articles:
        return JSONResponse({"status": "empty", "articles": 0}, status_code=503)
    return JSONResponse({"status": "ready", "articles": articles, "mode": service.mode})
