"""Who may call what: the admin key guards corpus changes (and questions, when configured).

The key travels as `Authorization: Bearer <key>` and is compared in constant time. With no key
set, everything is open: that is for local use only (docs/operations.md).
"""

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rag.config import Settings

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminKey",
    description="The admin key (RAG_API_KEY), required when it is set.",
)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def require_admin(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """401 without the key, 403 with a wrong one; open when no key is configured. Async (no
    I/O), so FastAPI does not hand it to its threadpool."""
    expected = _settings(request).api_key
    if expected is None:
        return
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="this endpoint needs the admin key: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="the admin key is wrong")


async def guard_questions(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """The admin key on question endpoints, only when `protect_questions` is set."""
    if _settings(request).protect_questions:
        await require_admin(request, credentials)
