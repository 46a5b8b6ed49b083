"""OpenAI-compatible endpoints, so OpenAI's SDKs and chat front ends use the service unchanged.

A completion is the service's chat answer: the cited text followed by its sources, with the
structured citations in the extra `citations` field. Failures on these routes, validation
included, come in OpenAI's error shape instead of `{"detail": ...}` (docs/client.md).
"""

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import aclosing
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.sse import EventSourceResponse, format_sse_event
from openai.types import ErrorObject, Model
from openai.types.chat import ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.chat.chat_completion_chunk import Choice as ChunkChoice
from openai.types.chat.chat_completion_chunk import ChoiceDelta
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException  # FastAPI raises this base class too

from api.deps import Service
from api.openai_schema import (
    MODEL_ID,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ErrorResponse,
    ModelList,
    RagInfo,
    describe_errors,
    first_param,
    new_completion,
    sources_text,
)
from api.responses import (
    INVALID_PARAMETERS,
    OTHER_OPENAI_FAILURE,
    QUESTION,
    UNKNOWN_MODEL,
    responses,
)
from rag.errors import RagError
from rag.models import Answer, ChatEvent, DeltaEvent, DoneEvent, ErrorEvent

MODEL_CREATED = 1_767_225_600  # 2026-01-01: a stable `created` for the one model

_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
}


class CompletionError(Exception):
    """A refusal with OpenAI's `param` and `code`."""

    def __init__(
        self, status_code: int, message: str, param: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.status_code, self.param, self.code = status_code, param, code


def _error_body(
    status_code: int, message: str, param: str | None = None, code: str | None = None
) -> ErrorResponse:
    error_type = _ERROR_TYPES.get(status_code, "server_error" if status_code >= 500 else "error")
    error = ErrorObject(message=message, type=error_type, param=param, code=code)
    return ErrorResponse(error=error)


def _openai_error(
    status_code: int,
    message: str,
    param: str | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = _error_body(status_code, message, param, code).model_dump(exclude_unset=True)
    return JSONResponse(body, status_code=status_code, headers=headers)


def _validation_error(error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 as OpenAI's 400, naming the first offending parameter."""
    problems = error.errors()
    if problems and problems[0]["type"] == "json_invalid":
        reason = problems[0].get("ctx", {}).get("error", "")
        return _openai_error(400, f"the body is not valid JSON: {reason}".rstrip(": "))
    return _openai_error(400, describe_errors(problems), param=first_param(problems))


class OpenAIErrorRoute(APIRoute):
    """Routes whose every failure is answered in OpenAI's error shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_openai_shape(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as error:
                return _validation_error(error)
            except CompletionError as error:
                return _openai_error(error.status_code, str(error), error.param, error.code)
            except HTTPException as error:
                return _openai_error(error.status_code, str(error.detail), headers=error.headers)
            except RagError as error:
                return _openai_error(error.status_code, str(error))

        return handle_in_openai_shape


router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], route_class=OpenAIErrorRoute)


_MODEL = Model(id=MODEL_ID, object="model", created=MODEL_CREATED, owned_by="news-rag")


def _known_model(model: str) -> None:
    if model != MODEL_ID:
        raise CompletionError(
            404,
            f"the model {model!r} does not exist; use {MODEL_ID!r}",
            param="model",
            code="model_not_found",
        )


_SSE_CHUNK = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "string",
            "description": "A `chat.completion.chunk` as JSON, an `error` object, or `[DONE]`.",
        }
    },
}


@router.get("/models", response_model=ModelList, response_model_exclude_unset=True)
def list_models() -> ModelList:
    """The one model: the service itself."""
    return ModelList(object="list", data=[_MODEL])


@router.get(
    "/models/{model}",
    response_model=Model,
    response_model_exclude_unset=True,
    responses=responses(UNKNOWN_MODEL, model=ErrorResponse),
)
def get_model(model: str) -> Model:
    _known_model(model)
    return _MODEL


def _rag_info(answer: Answer) -> RagInfo:
    return RagInfo(answered=answer.answered, mode=answer.mode, query=answer.query)


def _completion(answer: Answer, completion_id: str, created: int) -> ChatCompletion:
    content = answer.answer + sources_text(answer.citations)
    message = ChatCompletionMessage(role="assistant", content=content, refusal=None)
    choice = Choice(index=0, message=message, logprobs=None, finish_reason="stop")
    return ChatCompletion(
        id=completion_id,
        object="chat.completion",
        created=created,
        model=MODEL_ID,
        choices=[choice],
        usage=None,  # the service counts no tokens
        citations=answer.citations,
        rag=_rag_info(answer),
    )


async def _chunks(
    events: AsyncIterator[ChatEvent], completion_id: str, created: int
) -> AsyncIterator[bytes]:
    """The service's events as OpenAI chunks: role, the text, the sources, stop, [DONE]."""

    def chunk(delta: ChoiceDelta, last: Answer | None = None) -> bytes:
        """`finish_reason` is always sent; `citations` and `rag` only with the last chunk."""
        extra = {"citations": last.citations, "rag": _rag_info(last)} if last else {}
        choice = ChunkChoice(index=0, delta=delta, finish_reason="stop" if last else None)
        piece = ChatCompletionChunk(
            id=completion_id,
            object="chat.completion.chunk",
            created=created,
            model=MODEL_ID,
            choices=[choice],
            **extra,
        )
        return format_sse_event(data_str=piece.model_dump_json(exclude_unset=True))

    yield chunk(ChoiceDelta(role="assistant", content=""))
    async with aclosing(events):
        async for event in events:
            if isinstance(event, DeltaEvent):
                yield chunk(ChoiceDelta(content=event.text))
            elif isinstance(event, ErrorEvent):
                error = _error_body(event.status, event.detail)
                yield format_sse_event(data_str=error.model_dump_json(exclude_unset=True))
                return
            elif isinstance(event, DoneEvent):
                if event.answer.citations:
                    yield chunk(ChoiceDelta(content=sources_text(event.answer.citations)))
                yield chunk(ChoiceDelta(), last=event.answer)
    yield format_sse_event(data_str="[DONE]")


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    response_model_exclude_unset=True,
    responses={
        200: {
            "description": "A `chat.completion`, or with `stream: true` `chat.completion.chunk`"
            " Server-Sent Events ending in `data: [DONE]`.",
            "content": {"text/event-stream": {"itemSchema": _SSE_CHUNK}},
        },
        **responses(
            INVALID_PARAMETERS,
            UNKNOWN_MODEL,
            *QUESTION,
            OTHER_OPENAI_FAILURE,
            model=ErrorResponse,
        ),
    },
)
async def chat_completions(
    request: ChatCompletionRequest, service: Service
) -> ChatCompletion | EventSourceResponse:
    """Answer the conversation's last user message from the articles, every point cited.

    System messages are ignored; `model` must be the one `GET /v1/models` lists."""
    _known_model(request.model)
    try:
        chat = request.chat_request()
    except ValueError as error:
        raise CompletionError(400, str(error), param="messages") from error
    completion_id, created = new_completion()
    if not request.stream:
        answer = await service.chat(chat.messages, chat.top_k, chat.articles)
        return _completion(answer, completion_id, created)
    # The article check reads the index: off the event loop.
    events = await run_in_threadpool(service.chat_stream, chat.messages, chat.top_k, chat.articles)
    return EventSourceResponse(
        _chunks(events, completion_id, created), headers={"Cache-Control": "no-cache"}
    )
