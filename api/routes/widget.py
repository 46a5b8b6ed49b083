"""The chat widget script and the demo page that embeds it, served from `api/static`."""

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# StaticFiles gives content types, ETag/Last-Modified and 304 answers to revalidation.
_static = StaticFiles(directory=STATIC_DIR)

router = APIRouter(include_in_schema=False)


async def _serve(request: Request, name: str, cache_control: str) -> Response:
    response = await _static.get_response(name, request.scope)
    response.headers["Cache-Control"] = cache_control
    return response


@router.api_route("/", methods=["GET", "HEAD"])
async def demo_page(request: Request) -> Response:
    """Always revalidated, so a new release shows at once."""
    return await _serve(request, "index.html", "no-cache")


@router.api_route("/widget.js", methods=["GET", "HEAD"])
async def widget_script(request: Request) -> Response:
    """Embedded on other sites: cached briefly, then revalidated by ETag."""
    return await _serve(request, "widget.js", "public, max-age=300, must-revalidate")
