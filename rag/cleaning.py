"""Turn an article's raw text into its body and metadata.

News pages carry furniture around the story: related-headline lists, newsletter sign-ups,
copyright lines, 'summarized by AI' notices, bylines and tag lists. The rules below remove
only lines that match such furniture, so article text is never lost to a guess.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%Y/%m/%d")
_DATE_LINE = re.compile(
    rf"^(?:(?:{_MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}|\d{{1,2}} (?:{_MONTHS})[a-z]* \d{{4}}"
    r"|\d{4}[-/]\d{2}[-/]\d{2})$"
)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|all rights reserved", re.IGNORECASE)
_COPYRIGHT_OWNER = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<owner>[^(.©]+?)\s*(?:\(|\.|$)", re.IGNORECASE
)
_AI_NOTICE = re.compile(
    r"summari[sz]ed (?:using|by|with) (?:an? )?(?:artificial intelligence|AI)"
    r"|key content in the text may be excluded",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(
    r"^newsletters?$|sign up for|subscribe to (?:our|the)|be the first to get news",
    re.IGNORECASE,
)
_TIME_AGO = re.compile(r"^\d+ (?:seconds?|minutes?|hours?|days?) ago\b", re.IGNORECASE)
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_BYLINE = re.compile(
    r"^(?:reporter|by|written by)\s+(?P<name>[A-Z][\w'-]+(?: [A-Z][\w'-]+){1,3})"
    r"(?:\s+[\w.+-]+@[\w-]+\.[\w.]+)?$",
    re.IGNORECASE,
)
_PERSON_NAME = re.compile(r"^[A-Z][a-z'-]+(?: [A-Z][a-z'-]+){1,2}$")
_IMAGE_CREDIT = re.compile(r"\|\s*(?:image|photo)(?: credit)?\s*:?\s*$", re.IGNORECASE)
_TITLE_SITE_SUFFIX = re.compile(
    r"^(?P<title>.{20,}?)(?:\s+[-|–]\s*|\s*[-|–]\s+)(?P<site>[\w.]{2,20})$"
)


@dataclass(frozen=True)
class CleanArticle:
    title: str
    text: str
    publisher: str | None = None
    date: str | None = None
    author: str | None = None


def parse_date(value: str) -> str | None:
    """ISO date for the formats news sites print, or None."""
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _is_tag_line(line: str) -> bool:
    """A closing list of topic tags, like 'AI, Musk, Altman'."""
    parts = [p.strip() for p in line.split(",")]
    return (
        len(parts) >= 2
        and all(0 < len(p.split()) <= 3 and p[:1].isupper() for p in parts)
        and not re.search(r"[.!?\"“”]", line)
    )


def _split_header(
    lines: list[str], title: str | None
) -> tuple[str, str | None, str | None, list[str]]:
    """Title, date and author from the opening lines, and the lines after them.

    A known `title` (from HTML or Markdown) is dropped where the text repeats it.
    """
    article_date = None
    while lines and _DATE_LINE.match(lines[0]):
        article_date = article_date or parse_date(lines[0])
        lines = lines[1:]
    if title is None:
        title, lines = (lines[0], lines[1:]) if lines else ("", [])
    elif lines and lines[0] == title:
        lines = lines[1:]
    author = None
    if lines and _PERSON_NAME.match(lines[0]):
        author, lines = lines[0], lines[1:]
    return title, article_date, author, lines


def _cut_tail(lines: list[str]) -> tuple[list[str], str | None, str | None]:
    """Drop a closing byline and the site furniture after it; keep the author and publisher."""
    for i in range(len(lines) - 1, max(len(lines) - 15, -1), -1):
        match = _BYLINE.match(lines[i])
        if match:
            after = [line for line in lines[i + 1 :] if not _EMAIL.search(line) and len(line) <= 60]
            publisher = after[0] if after else None
            return lines[:i], match["name"], publisher
    return lines, None, None


def _drop_related_headlines(lines: list[str]) -> list[str]:
    """Remove 'N hours ago' link lists: each timestamp and the headline before it."""
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if _TIME_AGO.match(line) or _MARKDOWN_IMAGE.search(line):
            drop.add(i)
            if i > 0:
                drop.add(i - 1)
    if drop:
        first = min(drop)
        # A link list is the page's end: a short label just above it ('PiCK News') goes too.
        if first > 0 and len(lines[first - 1].split()) <= 3:
            drop.add(first - 1)
    return [line for i, line in enumerate(lines) if i not in drop]


def clean(raw: str, title: str | None = None) -> CleanArticle:
    """Split raw article text into metadata and the cleaned body.

    `title` is given when the source format states it (HTML, Markdown); the header is then
    still scanned for a date and an author.
    """
    lines = [re.sub(r"\s+", " ", line).strip() for line in raw.splitlines()]
    lines = [line for line in lines if line]

    publisher = None
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _COPYRIGHT.search(line):
            owner = _COPYRIGHT_OWNER.match(line)
            publisher = publisher or (owner["owner"].strip() if owner else None)
            continue
        if _AI_NOTICE.search(line) or _NEWSLETTER.search(line):
            continue
        if _IMAGE_CREDIT.search(line):
            # The caption's credit ('AP') stands alone on the next line.
            if i + 1 < len(lines) and len(lines[i + 1].split()) <= 3:
                lines[i + 1] = ""
            continue
        if line:
            kept.append(line)

    kept = _drop_related_headlines(kept)
    kept, byline_author, tail_publisher = _cut_tail(kept)
    if kept and _is_tag_line(kept[-1]):
        kept = kept[:-1]

    title, article_date, author, kept = _split_header(kept, title)
    suffix = _TITLE_SITE_SUFFIX.match(title)
    if suffix:
        title, publisher = suffix["title"], publisher or suffix["site"]

    return CleanArticle(
        title=title.strip(),
        text="\n".join(kept),
        publisher=publisher or tail_publisher,
        date=article_date,
        author=author or byline_author,
    )
