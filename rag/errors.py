"""Failures the library reports to its callers, each with an HTTP status the API maps it to."""


class RagError(Exception):
    status_code = 500


class LLMUnavailableError(RagError):
    """The language model failed or answered with something unusable."""

    status_code = 502


class LLMTimeoutError(RagError):
    status_code = 504


class ArticleNotFoundError(RagError, LookupError):
    status_code = 404

    def __init__(self, *article_ids: str) -> None:
        super().__init__(f"unknown article id: {', '.join(article_ids)}")
        self.article_ids = article_ids


class ArticleError(RagError, ValueError):
    """An article that cannot be read or indexed; the message says why."""

    status_code = 422


class UnsupportedFileTypeError(ArticleError):
    """A file that is not .txt, .md or .html."""

    status_code = 415


class IndexUnavailableError(RagError):
    """The index cannot serve: its files are missing or damaged, or its server is down."""

    status_code = 503
