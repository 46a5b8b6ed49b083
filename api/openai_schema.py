"""The part of OpenAI's chat-completions wire format the service speaks (docs/client.md).

Requests are validated here, so that anything the service cannot honour (several choices,
tools, JSON output, images) is refused with a message naming the parameter, while harmless
sampling options are ignored. Responses are the `openai` package's own models, extended with
the citations; the package ships no pydantic model for requests (only TypedDicts).

The package's models declare every field OpenAI may send. They are sent with only the fields
set (`exclude_unset`), as the SDK's own `to_json` does, so a reply holds what the service fills
in and not a null for each feature it lacks (audio, tool calls, moderation...).
"""

import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from openai.pagination import SyncPage
from openai.types import ErrorObject, Model, chat
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rag.models import ArticleFilter, ChatMessage, ChatRequest, Citation, Mode, TopK

MODEL_ID = "news-rag"


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: Literal["text"]
    text: str


class CompletionMessage(BaseModel):
    """`tool` messages are refused with the tools themselves; `name` and the like are ignored."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[ContentPart]

    @field_validator("content", mode="before")
    @classmethod
    def _text_parts_only(cls, value: Any) -> Any:
        if isinstance(value, list):
            for part in value:
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                if kind != "text":
                    raise ValueError(f"content parts of type {kind!r} are not supported, only text")
        return value

    @property
    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(part.text for part in self.content)


def _where(error: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in error["loc"] if part != "body")


def describe_errors(errors: Sequence[Mapping[str, Any]]) -> str:
    """pydantic's (or FastAPI's) error list as one line: `where: what; ...`."""
    problems = []
    for error in errors:
        where, what = _where(error), str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {what}" if where else what)
    return "; ".join(problems)


def first_param(errors: Sequence[Mapping[str, Any]]) -> str | None:
    """The parameter the first error is about, as OpenAI's `param` names it."""
    if not errors:
        return None
    return _where(errors[0]) or None


class ChatCompletionRequest(BaseModel):
    """Parameters not listed here (temperature, max_tokens, stream_options, user, seed...)
    change nothing in a cited answer and are ignored."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"model": MODEL_ID, "messages": [{"role": "user", "content": "What is Grok 2?"}]},
                {
                    "model": MODEL_ID,
                    "messages": [{"role": "user", "content": "Who leads the Stargate project?"}],
                    "stream": True,
                },
            ]
        },
    )

    model: str = Field(examples=[MODEL_ID])
    messages: list[CompletionMessage] = Field(min_length=1)
    stream: bool = False
    n: int = 1
    tools: list[Any] | None = None
    functions: list[Any] | None = None
    tool_choice: Any = None
    function_call: Any = None
    response_format: dict[str, Any] | None = None
    logprobs: bool | None = None
    top_k: TopK = Field(default=None, description="Extension: passages to retrieve.")
    articles: ArticleFilter = Field(default=None, description="Extension: only these articles.")

    @field_validator("n")
    @classmethod
    def _one_choice(cls, value: int) -> int:
        if value != 1:
            raise ValueError("only n=1 is supported: the service gives one cited answer")
        return value

    @field_validator("tools", "functions")
    @classmethod
    def _no_tools(cls, value: list[Any] | None) -> list[Any] | None:
        if value:
            raise ValueError("tools and function calling are not supported")
        return value

    @field_validator("tool_choice", "function_call")
    @classmethod
    def _no_tool_choice(cls, value: Any) -> Any:
        if value not in (None, "none", "auto"):
            raise ValueError("tools and function calling are not supported")
        return value

    @field_validator("response_format")
    @classmethod
    def _text_format(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value and value.get("type") != "text":
            raise ValueError("only the 'text' response format is supported")
        return value

    @field_validator("logprobs")
    @classmethod
    def _no_logprobs(cls, value: bool | None) -> bool | None:
        if value:
            raise ValueError("logprobs are not supported")
        return value

    def chat_request(self) -> ChatRequest:
        """The conversation as the service's own chat request; system messages are dropped.

        Raises ValueError with the service's rule that the conversation breaks."""
        conversation = []
        for index, message in enumerate(self.messages):
            if message.role not in ("user", "assistant"):
                continue
            try:
                conversation.append(ChatMessage(role=message.role, content=message.text))
            except ValidationError as error:
                raise ValueError(f"messages.{index}.{describe_errors(error.errors())}") from error
        if not conversation:
            raise ValueError("messages: the conversation has no user message")
        try:
            return ChatRequest(messages=conversation, top_k=self.top_k, articles=self.articles)
        except ValidationError as error:
            raise ValueError(describe_errors(error.errors())) from error


class RagInfo(BaseModel):
    """Extension: how the answer came about."""

    answered: bool = Field(description="False when the articles do not hold the answer.")
    mode: Mode
    query: str = Field(description="What was searched (a follow-up made standalone).")


class ChatCompletion(chat.ChatCompletion):
    """OpenAI's completion with the answer's sources; the SDK keeps the extra fields."""

    citations: list[Citation] = Field(
        description="Extension: the source of every [n] marker in the content."
    )
    rag: RagInfo


class ChatCompletionChunk(chat.ChatCompletionChunk):
    """One streamed piece; the last one also carries `citations` and `rag`."""

    citations: list[Citation] | None = Field(
        default=None, description="Extension: the source of every [n] marker in the content."
    )
    rag: RagInfo | None = None


class ModelList(SyncPage[Model]):
    """The page `client.models.list()` parses, under a plain name in the schema."""


class ErrorResponse(BaseModel):
    """OpenAI's error envelope: the SDK raises its exceptions from `error`."""

    error: ErrorObject


def new_completion() -> tuple[str, int]:
    """A fresh id and creation time for one completion (shared by all its chunks)."""
    return f"chatcmpl-{uuid.uuid4().hex}", int(time.time())


def sources_text(citations: list[Citation]) -> str:
    """The list that ends the content: `[1] Title (publisher, date)`, one line per marker."""
    if not citations:
        return ""
    lines = []
    for citation in citations:
        source = f" ({citation.source})" if citation.source else ""
        lines.append(f"[{citation.marker}] {citation.title}{source}")
    return "\n\nSources:\n" + "\n".join(lines)
