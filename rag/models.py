"""The data shapes shared by the library, the HTTP API and its clients: one definition each."""

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

MAX_QUESTION_CHARS = 2000
MAX_CHAT_MESSAGES = 50
MAX_CHAT_CHARS = 20_000

ArticleId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"),
    Field(description="The article's file stem, e.g. `000_85aa625414b9aaa7`."),
]


def _visible(value: str) -> str:
    """Spaces, control and zero-width characters alone would index an article with no words."""
    if all(unicodedata.category(char)[0] in "CZ" for char in value):
        raise ValueError("has no visible characters (only spaces, control or zero-width ones)")
    return value


def _calendar_date(value: str) -> str:
    """The pattern admits 2024-02-30 and 9999-99-99; the calendar does not."""
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value} is not a calendar date ({exc})") from None
    return value


IsoDate = Annotated[
    str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_calendar_date)
]


class ArticleMeta(BaseModel):
    id: ArticleId
    title: str
    publisher: str | None = None
    date: str | None = Field(default=None, description="ISO date (YYYY-MM-DD) when stated.")
    author: str | None = None
    url: str | None = None


class ArticleCreate(BaseModel):
    """An article sent over HTTP; without `id`, one is derived from the title and text."""

    id: ArticleId | None = None
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
        AfterValidator(_visible),
    ]
    text: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=500_000),
        AfterValidator(_visible),
    ]
    publisher: Annotated[str, StringConstraints(max_length=200)] | None = None
    date: IsoDate | None = None
    author: Annotated[str, StringConstraints(max_length=200)] | None = None
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)] | None = None


class ArticleSummary(ArticleMeta):
    passages: int = Field(description="How many passages the article was split into.")


class Article(ArticleMeta):
    """A cleaned article: `text` is what passages' offsets point into."""

    text: str


class IngestStatus(StrEnum):
    added = "added"
    updated = "updated"
    unchanged = "unchanged"


@dataclass(frozen=True)
class IngestResult:
    article_id: str
    status: IngestStatus
    passages: int


class AddedArticle(ArticleSummary):
    """What an intake wrote, and whether it was new, replaced or already there."""

    status: IngestStatus


class ArticleDetail(ArticleSummary):
    text: str


class Passage(BaseModel):
    """A retrieved passage, with its place in the article's cleaned text."""

    article_id: str
    title: str
    text: str
    score: float = Field(description="Fused dense + BM25 score; passages come best first.")
    relevance: float = Field(description="Cosine similarity of passage and question.")
    start: int
    end: int


class Citation(BaseModel):
    marker: int = Field(description="The number that stands as [n] in the answer.")
    article_id: str
    title: str
    publisher: str | None = None
    date: str | None = None
    text: str = Field(description="The quoted sentence or passage that supports the point.")
    start: int = Field(description="Character offset of `text` in the article's cleaned text.")
    end: int

    @property
    def source(self) -> str:
        """Publisher and date as source lists show them: 'Korea Economic Daily, 2024-09-09'."""
        return ", ".join(filter(None, [self.publisher, self.date]))


class Mode(StrEnum):
    generative = "generative"
    extractive = "extractive"


class Timings(BaseModel):
    retrieve_ms: float
    answer_ms: float
    total_ms: float


class Answer(BaseModel):
    answer: str
    answered: bool = Field(description="False when the articles do not hold the answer.")
    mode: Mode
    query: str = Field(
        description="What was searched: the question, or a chat follow-up made standalone."
    )
    citations: list[Citation]
    passages: list[Passage] = Field(description="Retrieved passages, best first.")
    timings: Timings
    dropped: int = Field(
        default=0,
        description="Sentences of the model's reply left out because the passages they cite "
        "do not state their names or figures; with nothing left, the answer is declined.",
    )

    def _repr_markdown_(self) -> str:
        """Notebooks show the answer with its citations as footnotes naming the article."""
        lines = [self.answer, ""]
        for citation in self.citations:
            lines.append(
                f"{citation.marker}. **{citation.title}**"
                + (f" ({citation.source})" if citation.source else "")
                + f" `{citation.article_id}`: “{citation.text}”"
            )
        lines.append(f"\n*{self.mode} mode, {self.timings.total_ms:.0f} ms*")
        return "\n".join(lines)


TopK = Annotated[int | None, Field(default=None, ge=1, le=50)]
ArticleFilter = Annotated[
    list[ArticleId] | None,
    Field(default=None, description="Only search these article ids.", min_length=1, max_length=100),
]


class AskRequest(BaseModel):
    question: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS),
    ]
    top_k: TopK = None
    articles: ArticleFilter = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"question": "How much did Musk offer for OpenAI?"},
                {"question": "Who leads the Stargate project?", "top_k": 3},
            ]
        }
    }


class ChatMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CHAT_CHARS)]


class ChatRequest(BaseModel):
    """A conversation whose last message is the user's question."""

    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_CHAT_MESSAGES)
    stream: bool = Field(default=False, description="Server-Sent Events (docs/api.md).")
    top_k: TopK = None
    articles: ArticleFilter = None

    @model_validator(mode="after")
    def _ends_with_a_question(self) -> "ChatRequest":
        if self.messages[-1].role != "user":
            raise ValueError("the last message must be the user's question")
        question = self.messages[-1].content.strip()
        if not question or len(question) > MAX_QUESTION_CHARS:
            raise ValueError(f"the question must have 1 to {MAX_QUESTION_CHARS} characters")
        if sum(len(m.content) for m in self.messages) > MAX_CHAT_CHARS:
            raise ValueError(f"the conversation is longer than {MAX_CHAT_CHARS} characters")
        return self

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "messages": [
                        {"role": "user", "content": "What is Stargate?"},
                        {"role": "assistant", "content": "A data-centre venture... [1]"},
                        {"role": "user", "content": "How much will they invest?"},
                    ],
                    "stream": False,
                }
            ]
        }
    }


class SourcesEvent(BaseModel):
    """First event of a stream: what was searched and the passages found, in rank order."""

    event: Literal["sources"] = "sources"
    query: str
    mode: Mode
    passages: list[Passage]


class DeltaEvent(BaseModel):
    """The next piece of answer text; markers in it are complete and valid."""

    event: Literal["delta"] = "delta"
    text: str


class CitationEvent(BaseModel):
    """Sent just before the delta whose marker first cites this source."""

    event: Literal["citation"] = "citation"
    citation: Citation


class DoneEvent(BaseModel):
    """Last event: the whole answer, as `POST /v1/ask` returns it."""

    event: Literal["done"] = "done"
    answer: Answer


class ErrorEvent(BaseModel):
    """Ends a stream that failed after it began; `status` is what a plain request would get."""

    event: Literal["error"] = "error"
    status: int
    detail: str


ChatEvent = Annotated[
    SourcesEvent | DeltaEvent | CitationEvent | DoneEvent | ErrorEvent,
    Field(discriminator="event"),
]
