from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse, format_sse_event
from starlette.concurrency import run_in_threadpool

from api.deps import Service
from api.responses import QUESTION, Responses, responses
from rag.models import Answer, ChatEvent, ChatRequest

router = APIRouter(prefix="/v1", tags=["questions"])

_RESPONSES: Responses = {
    200: {
        "description": "The answer as JSON, or with `stream: true` as Server-Sent Events "
        "(`sources`, `citation`, `delta`, `done` or `error`; see docs/api.md).",
        "content": {
            "text/event-stream": {
                "itemSchema": {
                    "type": "object",
                    "properties": {"event": {"type": "string"}, "data": {"type": "string"}},
                    "required": ["event", "data"],
                }
            }
        },
    },
    **responses(*QUESTION),
}


async def _server_sent(events: AsyncGenerator[ChatEvent, None]) -> AsyncIterator[bytes]:
    """Closing `events` at once when the client goes away closes the model's stream too."""
    async with aclosing(events):
        async for event in events:
            yield format_sse_event(event=event.event, data_str=event.model_dump_json())


@router.post("/chat", response_model=Answer, responses=_RESPONSES)
async def chat(request: ChatRequest, service: Service) -> Answer | EventSourceResponse:
    """Answer the last question of a conversation, as JSON or streamed as it is written."""
    if not request.stream:
        return await service.chat(request.messages, request.top_k, request.articles)
    # The article check reads the index: off the event loop.
    events = await run_in_threadpool(
        service.chat_stream, request.messages, request.top_k, request.articles
    )
    return EventSourceResponse(_server_sent(events), headers={"Cache-Control": "no-cache"})
