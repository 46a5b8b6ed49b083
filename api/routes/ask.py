from fastapi import APIRouter

from api.deps import Service
from rag.models import Answer, AskRequest

router = APIRouter(prefix="/v1", tags=["questions"])

# What any question endpoint may answer besides 200 and 422.
QUESTION_ERRORS: dict[int | str, dict] = {
    400: {"description": "The body could not be read (for example, it is not UTF-8)."},
    404: {"description": "An article id in `articles` is unknown."},
    502: {"description": "The language model failed or returned garbage."},
    504: {"description": "The language model did not answer in time."},
}


@router.post("/ask", response_model=Answer, responses=QUESTION_ERRORS)
def ask(request: AskRequest, service: Service) -> Answer:
    """Answer a question from the articles, citing the article behind every point."""
    return service.ask(request.question, top_k=request.top_k, articles=request.articles)
