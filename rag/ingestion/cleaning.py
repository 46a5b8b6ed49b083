"""Turn an article's raw text into its body and metadata.

News pages carry furniture around the story: related-headline lists, newsletter sign-ups,
copyright lines, 'summarized by AI' notices, bylines and tag lists. The rules below remove
only lines that match such furniture, so article text is never lost to a guess.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%Y/%m/%d")
_DATE_LINE = re.compile(
    rf"^(?:(?:{_MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}|\d{{1,2}} (?:{_MONTHS})[a-z]* \d{{4}}"
    r"|\d{4}[-/]\d{2}[-/]\d{2})$"
)
# Control characters and zero-width marks: invisible, and text made only of them is no text.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
# A copyright LINE: one that opens with the notice ('©', '(c) 2025', 'Copyright 2025',
# 'Copyright ©') or ends with 'All rights reserved.' as a sentence. A body sentence that merely
# starts with the word ('Copyright lawyers said...') or a list item '(c) any vessel...' is text.
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4}))|(?:^|[.!?)]\s*)all rights reserved\.?$",
    re.IGNORECASE,
)
_COPYRIGHT_OWNER = re.compile(
    r"^(?:copyright\s*(?:©|\(c\))?|©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?"
    r"(?P<owner>[^(.©]+?)\s*(?:\(|\.|$)",
    re.IGNORECASE,
)
_AI_NOTICE = re.compile(
    r"summari[sz]ed (?:using|by|with) (?:an? )?(?:artificial intelligence|AI)"
    r"|key content in the text may be excluded",
    re.IGNORECASE,
)
# Sign-up prompts: short lines that start with the call (a body sentence may say 'sign up for').
_NEWSLETTER = re.compile(
    r"^newsletters?$|^(?:sign up for|subscribe to (?:our|the)).{0,60}$|be the first to get news",
    re.IGNORECASE,
)
_TIME_AGO = re.compile(r"^\d+ (?:seconds?|minutes?|hours?|days?) ago$", re.IGNORECASE)
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_BYLINE = re.compile(
    r"^(?:reporter|by|written by)\s+(?P<name>[A-Z][\w'-]+(?: [A-Z][\w'-]+){1,3})"
    r"(?:\s+[\w.+-]+@[\w-]+\.[\w.]+)?$",
    re.IGNORECASE,
)
# 'By Mira Okonkwo', 'By Pete Evans, Anna Lee', 'By Jo Park and Sam Ruiz' under the title.
_TOP_BYLINE = re.compile(r"^by\s+(?P<names>.+)$", re.IGNORECASE)
_NAME_LIST_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*", re.IGNORECASE)
_NAME_PARTICLES = {"de", "da", "del", "der", "di", "du", "la", "le", "van", "von", "bin", "al"}
# Words that make a capitalized phrase a label or a phrase ('Read Later', 'Filed Under',
# 'Staff Writer', 'The Russian Defense Ministry'), not a person's name.
_NOT_NAME_WORDS = {
    "a", "about", "after", "all", "an", "and", "are", "at", "before", "by", "for", "from",
    "here", "in", "is", "its", "later", "more", "new", "now", "of", "on", "or", "our", "over",
    "the", "their", "this", "to", "under", "with", "your",
    "admin", "agency", "bureau", "comment", "comments", "contributor", "correspondent", "desk",
    "editor", "editors", "filed", "follow", "home", "international", "latest", "media", "menu",
    "news", "newsroom", "posted", "press", "read", "related", "reporter", "reports", "share",
    "sign", "staff", "story", "subscribe", "team", "topics", "updated", "video", "wire",
    "writer",
}  # fmt: skip
_MIN_KEPT_SHARE = 0.6
_IMAGE_CREDIT = re.compile(r"\|\s*(?:image|photo)(?: credit)?\s*:?\s*$", re.IGNORECASE)
# Captions under their screen-reader label: 'Media caption, Farmers say...', 'Image source, AP'.
_CAPTION = re.compile(r"^(?:image|media|video|photo) (?:caption|source)\b", re.IGNORECASE)
_COMMENT_COUNT = re.compile(
    r"^(?:view )?\d[\d,]* comments?$|^comments? \(\d[\d,]*\)$", re.IGNORECASE
)
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


def person_name(text: str) -> str | None:
    """`text` when it reads as a person's name (two to four capitalized words), else None."""
    words = text.split()
    if not 2 <= len(words) <= 4:
        return None
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1 and word in _NAME_PARTICLES:
            continue
        letters = word.replace(".", "").replace("-", "").replace("'", "").replace("’", "")
        if not (letters.isalpha() and word[0].isupper()) or word.lower() in _NOT_NAME_WORDS:
            return None
        if len(letters) > 2 and letters.isupper():
            return None
    return " ".join(words)


def person_names(candidates: Iterable[str]) -> list[str]:
    """The candidates that read as person names, in order, once each."""
    names = (person_name(candidate) for candidate in candidates)
    return list(dict.fromkeys(name for name in names if name))


def _byline_author(line: str) -> str | None:
    """The author in a byline under the title; its first name must be a person's."""
    match = _TOP_BYLINE.match(line)
    if not match:
        return None
    # Wire copy prints bylines in capitals: 'By PETE EVANS'.
    parts = [p.title() if p.isupper() else p for p in _NAME_LIST_SEPARATOR.split(match["names"])]
    names = person_names(parts)
    return ", ".join(names) if names and names[0] == person_name(parts[0]) else None


def parse_date(value: str) -> str | None:
    """ISO date for the formats news sites print, or None."""
    value = value.strip()
    # 'Dec. 15, 2016' and 'Sept. 9, 2024' as strptime's '%b' reads them.
    month_name = re.sub(r"^Sept\b", "Sep", value.replace(".", ""))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(month_name, fmt).date().isoformat()
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

    A known `title` (from HTML or Markdown) is dropped where the text repeats it. Under the
    title, a date line, a byline ('By Name, Name') and a bare person's name may come in any
    order.
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
    while lines:
        if _DATE_LINE.match(lines[0]) and article_date is None:
            article_date = parse_date(lines[0])
        elif author is None and (byline := _byline_author(lines[0]) or person_name(lines[0])):
            author = byline
        else:
            break
        lines = lines[1:]
    return title, article_date, author, lines


def _cut_tail(lines: list[str]) -> tuple[list[str], str | None, str | None]:
    """Drop a closing byline and the site furniture after it; keep the author and publisher.

    Only a byline in the body's second half counts, and only when what stays before it is most
    of the text: a byline is a poor reason to lose the story.
    """
    total = sum(map(len, lines))
    for i in range(len(lines) - 1, max(len(lines) - 15, len(lines) // 2), -1):
        match = _BYLINE.match(lines[i])
        if match and sum(map(len, lines[:i])) >= _MIN_KEPT_SHARE * total:
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
    lines = [re.sub(r"\s+", " ", line).strip() for line in _INVISIBLE.sub("", raw).splitlines()]
    lines = [line for line in lines if line]

    publisher = None
    kept: list[str] = []
    for i, line in enumerate(lines):
        if _COPYRIGHT.search(line):
            owner = _COPYRIGHT_OWNER.match(line)
            publisher = publisher or (owner["owner"].strip() if owner else None)
            continue
        if any(rule.search(line) for rule in (_AI_NOTICE, _NEWSLETTER, _CAPTION, _COMMENT_COUNT)):
            continue
        if _IMAGE_CREDIT.search(line):
            # The caption's credit ('AP') stands alone on the next line.
            if i + 1 < len(lines) and len(lines[i + 1].split()) <= 3:
                lines[i + 1] = ""
            continue
        if line:
            kept.append(line)

    kept = _drop_related_headlines(kept)
    title, article_date, author, kept = _split_header(kept, title)
    kept, byline_author, tail_publisher = _cut_tail(kept)
    if kept and _is_tag_line(kept[-1]):
        kept = kept[:-1]
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
