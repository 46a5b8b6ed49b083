"""The data shapes shared by the library, the HTTP API and its clients: one definition each."""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

ArticleId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"),
    Field(description="The article's file stem, e.g. `000_85aa625414b9aaa7`."),
]


class ArticleMeta(BaseModel):
    id: ArticleId
    title: str
    publisher: str | None = None
    date: str | None = Field(default=None, description="ISO date (YYYY-MM-DD) when stated.")
    author: str | None = None
    url: str | None = None


class ArticleSummary(ArticleMeta):
    passages: int = Field(description="How many passages the article was split into.")


class Article(ArticleMeta):
    """A cleaned article: `text` is what passages' offsets point into."""

    text: str


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
    text: str = Field(description="The quoted sentence or passage that supports the point.")
    start: int = Field(description="Character offset of `text` in the article's cleaned text.")
    end: int


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
    citations: list[Citation]
    passages: list[Passage] = Field(description="Retrieved passages, best first.")
    timings: Timings


class AskRequest(BaseModel):
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ]
    top_k: int | None = Field(default=None, ge=1, le=50)
    articles: list[ArticleId] | None = Field(
        default=None, description="Only search these article ids.", min_length=1, max_length=100
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"question": "How much did Musk offer for OpenAI?"},
                {"question": "Who leads the Stargate project?", "top_k": 3},
            ]
        }
    }
