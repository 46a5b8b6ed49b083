"""The article collection: open to read, the admin key to add or delete."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import Service
from api.responses import (
    ADMIN_KEY,
    BODY_TOO_LARGE,
    INVALID_ARTICLE,
    NO_SUCH_ARTICLE,
    UNREADABLE_MULTIPART,
    UNSUPPORTED_ARTICLE_TYPE,
    responses,
)
from api.security import require_admin
from rag.models import (
    AddedArticle,
    ArticleCreate,
    ArticleDetail,
    ArticleId,
    ArticleSummary,
    IngestStatus,
)
from rag.service import RagService

router = APIRouter(prefix="/v1/articles", tags=["articles"])

_UPLOAD_FIELDS = ("id", "title", "publisher", "date", "author", "url")
_UPLOAD_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": ".txt, .md or .html"},
        **{
            name: {"type": "string", "description": f"Overrides the {name} read from the file."}
            for name in _UPLOAD_FIELDS
        },
    },
}


@router.get("", response_model=list[ArticleSummary])
def list_articles(service: Service) -> list[ArticleSummary]:
    return service.articles()


@router.get("/{article_id}", response_model=ArticleDetail, responses=responses(NO_SUCH_ARTICLE))
def get_article(
    service: Service,
    article_id: str = Path(examples=["000_85aa625414b9aaa7"], max_length=128),
) -> ArticleDetail:
    """An article's metadata and its full cleaned text (passage offsets point into it)."""
    return service.article(article_id)


def _validated(fields: object) -> ArticleCreate:
    try:
        return ArticleCreate.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


async def _add_upload(request: Request, service: RagService) -> AddedArticle:
    """An uploaded file; the form's other fields override the metadata read from it."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(422, detail="a multipart body needs a `file` field with the article")
    raw = await upload.read()
    overrides = {name: form[name] for name in _UPLOAD_FIELDS if isinstance(form.get(name), str)}
    # Parsing a large HTML page takes seconds of CPU: off the event loop.
    return await run_in_threadpool(
        service.add_upload, upload.filename, upload.content_type, raw, overrides
    )


async def _add_json(request: Request, service: RagService) -> AddedArticle:
    try:
        body = await request.json()
    except ValueError as exc:
        raise HTTPException(422, detail=f"the body is not valid JSON: {exc}") from exc
    return await run_in_threadpool(service.add_article, _validated(body))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ArticleSummary,
    dependencies=[Depends(require_admin)],
    responses={
        200: {"model": ArticleSummary, "description": "Already indexed with this content."},
        201: {"description": "Added, or replaced an article with the same id."},
        **responses(
            UNREADABLE_MULTIPART,
            *ADMIN_KEY,
            BODY_TOO_LARGE,
            UNSUPPORTED_ARTICLE_TYPE,
            INVALID_ARTICLE,
        ),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": ArticleCreate.model_json_schema()},
                "multipart/form-data": {"schema": _UPLOAD_SCHEMA},
            },
        }
    },
)
async def add_article(request: Request, service: Service, response: Response) -> AddedArticle:
    """Index an article (JSON, or an uploaded .txt/.md/.html `file`). Without an id, one is
    derived from the title and text. 201 when added or replaced, 200 when unchanged."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "multipart/form-data":
        added = await _add_upload(request, service)
    elif media_type == "application/json":
        added = await _add_json(request, service)
    else:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail="send the article as application/json or as a multipart/form-data `file`",
        )
    if added.status == IngestStatus.unchanged:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"{router.prefix}/{added.id}"
    return added


@router.delete(
    "/{article_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(require_admin)],
    responses=responses(NO_SUCH_ARTICLE, *ADMIN_KEY),
)
def delete_article(service: Service, article_id: Annotated[ArticleId, Path()]) -> None:
    """Remove an article and all its passages."""
    service.delete(article_id)
