from fastapi import APIRouter

from api.deps import Service
from rag.models import Answer, AskRequest

router = APIRouter(prefix="/v1", tags=["questions"])

_ERRORS = {
    404: {"description": "An article id in `articles` is unknown."},
    502: {"description": "The language model failed or returned garbage."},
    504: {"description": "The language model did not answer in time."},
}


@router.post("/ask", response_model=Answer, responses=_ERRORS)
def ask(request: AskRequest, service: Service) -> Answer:
    """Answer a question from the articles, citing the article behind every point."""
    return service.ask(request.question, top_k=request.top_k, articles=request.articles)
