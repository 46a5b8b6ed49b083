from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import Service

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get(
    "/readyz", responses={503: {"description": "The index is empty, damaged or unreachable."}}
)
def readyz(service: Service) -> JSONResponse:
    """The index answers queries: a real, cheap query runs against it."""
    try:
        service.check()
        articles = service.index.count()
    except Exception as exc:  # any store failure means: not ready
        return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
    if not articles:
        return JSONResponse({"status": "empty", "articles": 0}, status_code=503)
    return JSONResponse({"status": "ready", "articles": articles, "mode": service.mode})
