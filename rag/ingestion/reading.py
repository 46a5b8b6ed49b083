"""Read article files (.txt, .md, .html) into cleaned articles.

HTML goes through `rag.ingestion.extraction` (the page's main text and metadata; nothing
fetched), then the same furniture rules as plain text. Articles sent over HTTP (JSON or an
uploaded file) become the same `Article`.
"""

import hashlib
import re
from pathlib import Path

from rag.errors import ArticleError, UnsupportedFileTypeError
from rag.ingestion.cleaning import clean
from rag.ingestion.extraction import extract_page, parse_page
from rag.models import Article, ArticleCreate

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
UPLOAD_CONTENT_TYPES = {
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/html": ".html",
}
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
# News pages have a few thousand elements (at most 1,737 in the extraction benchmark's 181);
# far more is no article page, and extraction time grows with the count (8.6 s for 120,000).
MAX_PAGE_ELEMENTS = 30_000
MAX_TEXT_CHARS = 500_000  # as for an article sent as JSON (`ArticleCreate.text`)


def _html_article(article_id: str, html: str) -> Article:
    tree = parse_page(html)
    if tree is not None and (elements := sum(1 for _ in tree.iter())) > MAX_PAGE_ELEMENTS:
        raise ArticleError(
            f"article {article_id!r}: the page has {elements:,} HTML elements, more than the "
            f"{MAX_PAGE_ELEMENTS:,} an article page can have"
        )
    page = extract_page(tree) if tree is not None else None
    if page is None:
        raise ArticleError(
            f"article {article_id!r}: the page holds no article text (an index page, a login "
            "wall or an empty body?)"
        )
    if page.language not in ("en", None):
        raise ArticleError(
            f"article {article_id!r}: only English articles are supported (the page reads as "
            f"language {page.language!r})"
        )
    cleaned = clean(page.text, title=page.title)
    return Article(
        id=article_id,
        title=cleaned.title,
        text=cleaned.text,
        publisher=page.publisher or cleaned.publisher,
        date=page.date or cleaned.date,
        author=page.author or cleaned.author,
        url=page.url,
    )


def _markdown_to_text(markdown: str) -> tuple[str | None, str]:
    """The first level-one heading as title, and the text without Markdown syntax."""
    title_match = re.search(r"^#\s+(.+)$", markdown, flags=re.MULTILINE)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", markdown)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__|`)", "", text)
    return (title_match[1].strip() if title_match else None), text


def article_from_text(article_id: str, raw: str, suffix: str = ".txt") -> Article:
    """Clean raw article content given in one of the supported formats."""
    if not _ID_PATTERN.match(article_id):
        raise ArticleError(
            f"article id {article_id!r} must be 1-128 letters, digits, '.', '_' or '-'"
        )
    suffix = suffix.lower()
    if suffix in (".html", ".htm"):
        article = _html_article(article_id, raw)
    else:
        title = None
        if suffix in (".md", ".markdown"):
            title, raw = _markdown_to_text(raw)
        cleaned = clean(raw, title=title)
        article = Article(
            id=article_id,
            title=cleaned.title,
            text=cleaned.text,
            publisher=cleaned.publisher,
            date=cleaned.date,
            author=cleaned.author,
        )
    if not article.text.strip() or not article.title:
        raise ArticleError(f"article {article_id!r} has no text after cleaning")
    if len(article.text) > MAX_TEXT_CHARS:
        raise ArticleError(
            f"article {article_id!r} has {len(article.text):,} characters of text, more than "
            f"the {MAX_TEXT_CHARS:,} an article may have"
        )
    return article


def read_article(path: Path) -> Article:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ArticleError(f"{path.name}: unsupported file type (use {SUPPORTED_SUFFIXES})")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(f"{path.name}: cannot be read as UTF-8 text ({exc})") from exc
    return article_from_text(path.stem, raw, path.suffix)


def find_article_files(paths: list[Path]) -> list[Path]:
    """Article files named directly or found under the given folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            found.append(path)
    return found


def derive_article_id(title: str, text: str) -> str:
    """A readable, stable id: the title's slug and a short hash of the text."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{slug}-{digest}" if slug else digest


def article_from_create(create: ArticleCreate) -> Article:
    return Article(
        id=create.id or derive_article_id(create.title, create.text),
        **create.model_dump(exclude={"id"}),
    )


def upload_suffix(filename: str | None, content_type: str | None) -> str:
    """The article format of an uploaded file, by its extension or else its content type."""
    suffix = Path(filename or "").suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return suffix
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in UPLOAD_CONTENT_TYPES:
        return UPLOAD_CONTENT_TYPES[media_type]
    raise UnsupportedFileTypeError(
        f"unsupported file {filename or '(unnamed)'!r} of type {media_type or 'unknown'}: "
        f"send .txt, .md or .html"
    )


def article_from_upload(filename: str | None, content_type: str | None, raw: bytes) -> Article:
    """An uploaded file read like `rag ingest` reads it; its id is the file name's stem when
    that is a valid id, else derived from the title and text."""
    suffix = upload_suffix(filename, content_type)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{filename or 'the file'} is not UTF-8 text") from exc
    stem = Path(filename or "").stem
    if _ID_PATTERN.match(stem):
        return article_from_text(stem, text, suffix)
    article = article_from_text("upload", text, suffix)
    return article.model_copy(update={"id": derive_article_id(article.title, article.text)})
