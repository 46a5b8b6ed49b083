from fastapi import APIRouter, Path

from api.deps import Service
from rag.models import ArticleDetail, ArticleSummary

router = APIRouter(prefix="/v1/articles", tags=["articles"])


@router.get("", response_model=list[ArticleSummary])
def list_articles(service: Service) -> list[ArticleSummary]:
    return service.articles()


@router.get(
    "/{article_id}",
    response_model=ArticleDetail,
    responses={404: {"description": "No article has this id."}},
)
def get_article(
    service: Service,
    article_id: str = Path(examples=["000_85aa625414b9aaa7"], max_length=128),
) -> ArticleDetail:
    """An article's metadata and its full cleaned text (passage offsets point into it)."""
    return service.article(article_id)
