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

    articles_dir: Path = DEFAULT_ARTICLES_DIR
    index_dir: Path = Path(".rag-index")
    collection: str = "news"

    chroma_host: str | None = Field(default=None, validation_alias=AliasChoices("CHROMA_HOST"))
    chroma_port: int = Field(default=8000, validation_alias=AliasChoices("CHROMA_PORT"))

    embedding_model: str = Field(
        default="",
        description="Path of a sentence-transformers model (empty: the bundled MiniLM), or "
        "with embedding_url the endpoint's model name.",
    )
    embedding_url: str | None = Field(
        default=None, description="An OpenAI-compatible API (…/v1) to embed with instead."
    )
    embedding_api_key: str | None = None

    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OPENAI_BASE_URL")
    )
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    llm_temperature: float = Field(default=0.0, ge=0, le=2)
    llm_fallback_extractive: bool = False

    top_k: int = Field(default=5, ge=1, le=50)
    fusion_mode: Literal["relative_score", "reciprocal_rerank", "dist_based_score"] = (
        "relative_score"
    )
    chunk_size: int = Field(default=200, ge=64, le=254)
    chunk_overlap: int = Field(default=40, ge=0)
    min_relevance: float = Field(default=0.3, ge=-1, le=1)

    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    cors_origins: Annotated[list[str], NoDecode] = []
    api_key: str | None = Field(default=None, min_length=16)
    protect_questions: bool = False
    rate_limit: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_json: bool = True

    host: str = "127.0.0.1"
    port: int = 8000
    header_timeout: float = Field(default=10.0, gt=0)
    body_timeout: float = Field(default=30.0, gt=0)
    keep_alive_timeout: int = Field(default=5, ge=1)
    max_connections: int = Field(default=500, ge=1)

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
