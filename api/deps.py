"""Request dependencies: the one RagService the app built at start-up."""

from typing import Annotated

from fastapi import Depends, Request

from rag.service import RagService


def get_service(request: Request) -> RagService:
    return request.app.state.service


Service = Annotated[RagService, Depends(get_service)]
