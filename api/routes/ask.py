from fastapi import APIRouter

from api.deps import Service
from api.responses import QUESTION, responses
from rag.models import Answer, AskRequest

router = APIRouter(prefix="/v1", tags=["questions"])


@router.post("/ask", response_model=Answer, responses=responses(*QUESTION))
def ask(request: AskRequest, service: Service) -> Answer:
    """Answer a question from the articles, citing the article behind every point."""
    return service.ask(request.question, top_k=request.top_k, articles=request.articles)
