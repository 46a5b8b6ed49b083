"""All settings in one place, read from the environment and an optional `.env` file."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_ARTICLES_DIR = Path(__file__).parent / "data" / "articles"


class Settings(BaseSettings):
    """Every field is documented in `.env.example`; the env name is `RAG_<FIELD>` unless aliased."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", extra="ignore", populate_by_name=True
    )

    articles_dir: Path = Field(
        default=DEFAULT_ARTICLES_DIR,
        description="Articles (.txt, .md, .html) indexed on first start and by `rag ingest`.",
    )
    index_dir: Path = Field(
        default=Path(".rag-index"),
        description="Folder of the embedded Chroma index; with CHROMA_HOST, of this "
        "machine's lexical indexes only.",
    )
    collection: str = Field(default="news", description="Prefix of the index's collections.")

    chroma_host: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CHROMA_HOST"),
        description="A Chroma server to use instead of the embedded index.",
    )
    chroma_port: int = Field(
        default=8000, validation_alias=AliasChoices("CHROMA_PORT"), description="Its port."
    )

    embedding_model: str = Field(
        default="",
        description="Path of a sentence-transformers model (empty: the bundled MiniLM), or "
        "with embedding_url the endpoint's model name.",
    )
    embedding_url: str | None = Field(
        default=None, description="An OpenAI-compatible API (…/v1) to embed with instead."
    )
    embedding_api_key: str | None = Field(default=None, description="Its API key, if any.")

    openai_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY"),
        description="Answers written by OpenAI's models (unset, with no base URL: extractive).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL"),
        description="An OpenAI-compatible server (vLLM, Ollama, llama.cpp) to write answers.",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="The model's name on that server.")
    llm_timeout: float = Field(
        default=30.0, gt=0, description="Seconds to wait for one model response (then 504)."
    )
    llm_max_retries: int = Field(
        default=2, ge=0, description="Retries on connection errors, 429 and 5xx (then 502)."
    )
    llm_temperature: float = Field(default=0.0, ge=0, le=2, description="Sampling temperature.")
    llm_fallback_extractive: bool = Field(
        default=False, description="Answer with quotes when the model fails, not with an error."
    )

    top_k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")
    fusion_mode: Literal["relative_score", "reciprocal_rerank", "dist_based_score"] = Field(
        default="relative_score", description="How dense and BM25 rankings are fused."
    )
    chunk_size: int = Field(
        default=200, ge=64, le=254, description="Passage size in word pieces, title included."
    )
    chunk_overlap: int = Field(
        default=40, ge=0, description="Word pieces shared by consecutive passages."
    )
    min_relevance: float = Field(
        default=0.3,
        ge=-1,
        le=1,
        description="Cosine similarity the best passage needs for a question to be covered.",
    )

    max_body_bytes: int = Field(
        default=1_000_000, ge=1024, description="Largest request body accepted (then 413)."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[], description="Origins allowed to call the API from a browser, comma-separated."
    )
    api_key: str | None = Field(
        default=None, min_length=16, description="Admin key for writes and /metrics."
    )
    protect_questions: bool = Field(
        default=False, description="Require the admin key on the question endpoints too."
    )
    rate_limit: str | None = Field(
        default=None, description="Per-client limit on questions, e.g. 60/minute (then 429)."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Log level."
    )
    log_json: bool = Field(default=True, description="JSON log lines (else plain text).")

    host: str = Field(default="127.0.0.1", description="Address `rag serve` listens on.")
    port: int = Field(default=8000, description="Port `rag serve` listens on.")
    header_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a client has to send a request's headers."
    )
    body_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a client has to send a request's body."
    )
    keep_alive_timeout: int = Field(
        default=5, ge=1, description="Seconds an idle keep-alive connection stays open."
    )
    max_connections: int = Field(
        default=500, ge=1, description="Open connections `rag serve` keeps."
    )

    url: str | None = Field(
        default=None, description="A running service for `rag ask` (and rag.client) to call."
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Comma-separated in the environment: `https://a.example,https://b.example`."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("api_key", "rate_limit", "url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("chunk_overlap must be smaller than chunk_size")
        if self.protect_questions and not self.api_key:
            raise ValueError("protect_questions needs an api_key (RAG_API_KEY) to check")
        return self

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)


@lru_cache
def get_settings() -> Settings:
    return Settings()
