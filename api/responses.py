"""The ways a request can fail, described once for the OpenAPI schema of every route.

A route (or a router, for its guards) lists the failures it can meet with `responses(...)`, so
a status keeps the same words wherever it appears and two causes of one status are described
together instead of one silently replacing the other.
"""

from typing import Any, NamedTuple

from pydantic import BaseModel

Responses = dict[int | str, dict[str, Any]]


class Failure(NamedTuple):
    status: int | str  # "default": any status not listed
    description: str


ADMIN_KEY_MISSING = Failure(401, "The admin key is required and was not sent.")
ADMIN_KEY_WRONG = Failure(403, "The admin key sent is wrong.")
ADMIN_KEY = (ADMIN_KEY_MISSING, ADMIN_KEY_WRONG)
BODY_TOO_LARGE = Failure(413, "The body is larger than RAG_MAX_BODY_BYTES.")
RATE_LIMITED = Failure(
    429, "Too many requests from this client; retry after `Retry-After` seconds."
)

UNREADABLE_BODY = Failure(400, "The body could not be read (for example, it is not UTF-8).")
INVALID_PARAMETERS = Failure(400, "Invalid or unsupported parameters.")
NO_SUCH_ARTICLE = Failure(404, "No article has this id.")
UNKNOWN_ARTICLE_FILTER = Failure(404, "An article id in `articles` is unknown.")
UNKNOWN_MODEL = Failure(404, "No model has this id (`code: model_not_found`).")
MODEL_FAILED = Failure(502, "The language model failed or returned garbage.")
MODEL_TIMED_OUT = Failure(504, "The language model did not answer in time.")
# The failures every question endpoint shares.
QUESTION = (UNREADABLE_BODY, UNKNOWN_ARTICLE_FILTER, MODEL_FAILED, MODEL_TIMED_OUT)

UNREADABLE_MULTIPART = Failure(400, "The multipart body cannot be parsed.")
UNSUPPORTED_ARTICLE_TYPE = Failure(415, "Neither JSON nor a .txt, .md or .html file.")
INVALID_ARTICLE = Failure(422, "The article is invalid; `detail` says why.")
NOT_READY = Failure(503, "The index is empty, damaged or unreachable.")
OTHER_OPENAI_FAILURE = Failure(
    "default", "Any other failure, in the same shape (this route never answers 422)."
)


def responses(*failures: Failure, model: type[BaseModel] | None = None) -> Responses:
    """FastAPI's `responses` for these failures, each body described by `model` when given."""
    described: dict[int | str, list[str]] = {}
    for status, description in failures:
        described.setdefault(status, []).append(description)
    body = {"model": model} if model else {}
    return {
        status: {"description": " ".join(descriptions), **body}
        for status, descriptions in described.items()
    }
