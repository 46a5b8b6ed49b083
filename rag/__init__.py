"""Question answering over news articles, every point cited.

The public surface: `RagService` (the library, in-process), `RagClient` and `AsyncRagClient`
(a running service over HTTP), `Settings`, the models they exchange, and their errors. The
service and the clients are imported on first use, so `import rag` stays light.
"""

from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.errors import (
    ArticleError,
    ArticleNotFoundError,
    IndexUnavailableError,
    LLMTimeoutError,
    LLMUnavailableError,
    RagError,
    UnsupportedFileTypeError,
)
from rag.models import (
    AddedArticle,
    Answer,
    Article,
    ArticleCreate,
    ArticleDetail,
    ArticleSummary,
    ChatEvent,
    ChatMessage,
    Citation,
    IngestResult,
    IngestStatus,
    Mode,
    Passage,
)

if TYPE_CHECKING:
    from rag.client import AsyncRagClient, RagClient, RagServiceError
    from rag.service import RagService

_LAZY = {
    "RagService": "rag.service",
    "RagClient": "rag.client",
    "AsyncRagClient": "rag.client",
    "RagServiceError": "rag.client",
}

__all__ = [
    "AddedArticle",
    "Answer",
    "Article",
    "ArticleCreate",
    "ArticleDetail",
    "ArticleError",
    "ArticleNotFoundError",
    "ArticleSummary",
    "AsyncRagClient",
    "ChatEvent",
    "ChatMessage",
    "Citation",
    "IndexUnavailableError",
    "IngestResult",
    "IngestStatus",
    "LLMTimeoutError",
    "LLMUnavailableError",
    "Mode",
    "Passage",
    "RagClient",
    "RagError",
    "RagService",
    "RagServiceError",
    "Settings",
    "UnsupportedFileTypeError",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
