"""Request dependencies: the one RagService the app built at start-up."""

from typing import Annotated

from fastapi import Depends, Request

from rag.service import RagService


async def get_service(request: Request) -> RagService:
    """Async, as every dependency that does no I/O: FastAPI runs a sync one in its threadpool,
    a thread hand-off per request that costs more than the lookup."""
    return request.app.state.service


Service = Annotated[RagService, Depends(get_service)]
