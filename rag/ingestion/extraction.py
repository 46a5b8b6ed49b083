"""News pages (HTML) → the article's text and metadata, with trafilatura.

trafilatura finds the main text the way news extractors do (with readability- and jusText-style
fallbacks when its own rules find too little) and reads title, author, date, site name and URL
from the page's metadata. Nothing is fetched: the page is parsed from the string given. What it
gives is tidied here: whitespace inside a paragraph's source is collapsed as a browser would, the
site's name is cut from the title, authors that are not person names are dropped, and a paragraph
the page repeats is kept once.
"""

import re
from dataclasses import dataclass

import py3langid
import trafilatura
from courlan import extract_domain
from lxml.html import HtmlElement

from rag.ingestion.cleaning import person_names

# Elements whose whitespace is content (pre, textarea) or that hold no text for the reader.
_KEEP_WHITESPACE = {"pre", "textarea", "script", "style"}
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—·•:]{1,2}\s+|\s*[|–—]\s*|:\s+")
# Menus, footers and sidebars are never the story, and a fallback that takes the whole page
# would otherwise take them too.
_PAGE_CHROME = ["//nav", "//footer", "//aside"]
_TEASER_SHARE = 0.2
_TEASER_LINK_SHARE = 0.4
# A card of another story: a list item with a heading that links to another page, and no
# paragraph of its own (a listicle's items have theirs; a live blog's link within the page).
_HEADLINE_CARD = (
    "//li[.//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
    "//a[@href and not(starts-with(@href, '#'))] and not(.//p)]"
)
_CARD_LENGTH = 300
_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
_URL = re.compile(r"^https?://\S+$")
# A paragraph of prose: long, and ending as a sentence ends. Repeated short lines are data
# (a recipe's 'Portion: 1 cup' under every meal) and stay.
_PROSE_PARAGRAPH = re.compile(r"^.{100,}[.!?][\"'”’)]?$")
_MAX_FIELD = 200
# An article has at least one sentence of prose (a login wall has labels and buttons) and is
# not mostly its page's links (an index page is headlines and teasers that link to stories).
_MIN_SENTENCE_WORDS = 8
# Below this many characters, language identification guesses ('Musk sues OpenAI' reads as
# Norwegian).
_MIN_LANGUAGE_SAMPLE = 200
_MAX_LINK_SHARE = 0.5


@dataclass(frozen=True)
class Page:
    """What a page holds: `text` has one paragraph, heading or list item per line."""

    title: str | None
    text: str
    language: str | None  # ISO 639-1; None when the text is too short to tell
    author: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None


def parse_page(html: str) -> HtmlElement | None:
    """The page's element tree (None when the string holds no HTML)."""
    return trafilatura.load_html(html)


def _collapse_whitespace(tree: HtmlElement) -> None:
    """Line breaks in a paragraph's source are spaces on screen, so they must not end lines."""
    for node in tree.iter():
        if any(ancestor.tag in _KEEP_WHITESPACE for ancestor in node.iterancestors()):
            continue
        if node.text and isinstance(node.tag, str) and node.tag not in _KEEP_WHITESPACE:
            node.text = re.sub(r"\s+", " ", node.text)
        if node.tail:
            node.tail = re.sub(r"\s+", " ", node.tail)


def _visible_length(element: HtmlElement) -> int:
    return sum(len(text.strip()) for text in element.xpath(_VISIBLE_TEXT))


def _drop_teasers(tree: HtmlElement) -> None:
    """Remove teaser cards of other stories: `<article>` elements with a small share of the
    page's text, much of it links, and short list items that hold a headline linking to
    another page (a story's headline and its subline under 'Latest stories'). trafilatura
    would otherwise add them to the article."""
    page_length = _visible_length(tree)
    for article in tree.xpath("//article[not(ancestor::article)]"):
        length = _visible_length(article)
        links = sum(_visible_length(link) for link in article.iter("a"))
        if length < _TEASER_SHARE * page_length and links >= _TEASER_LINK_SHARE * length:
            article.drop_tree()
    for card in tree.xpath(_HEADLINE_CARD):
        if _visible_length(card) <= _CARD_LENGTH:
            card.drop_tree()


def _normalized(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower()).removeprefix("the")


def _site_names(sitename: str | None, url: str | None) -> set[str]:
    """The site's name and its domain's name ('bbc' for www.bbc.co.uk), normalized."""
    names = {_normalized(sitename)} if sitename else set()
    domain = extract_domain(url) if url else None
    if domain:
        names.add(_normalized(domain.split(".")[0]))
    return {name for name in names if len(name) >= 3}


def _names_site(part: str, names: set[str]) -> bool:
    """'BBC News' names bbc (the name and one more word), 'Inexhibit' names 'Inexhibit
    magazine'; 'Time to act' does not name time.com."""
    words = [word for word in map(_normalized, part.split()) if word]
    if len("".join(words)) < 3:
        return False
    return any(
        name.startswith("".join(words))
        or any("".join(words[:k]) == name for k in range(max(1, len(words) - 1), len(words) + 1))
        for name in names
    )


def strip_site_name(title: str, sitename: str | None, url: str | None) -> str:
    """The title without a leading or trailing part that names the site ('... - BBC News')."""
    names = _site_names(sitename, url)
    if sitename and title.lower().startswith(sitename.lower()):
        rest = _TITLE_SEPARATOR.match(title, len(sitename))
        if rest and title[rest.end() :].strip():
            return title[rest.end() :].strip()
    separators = list(_TITLE_SEPARATOR.finditer(title))
    for separator in reversed(separators):
        if _names_site(title[separator.end() :], names) and title[: separator.start()].strip():
            return title[: separator.start()].strip()
    if separators and _names_site(title[: separators[0].start()], names):
        return title[separators[0].end() :].strip() or title
    return title


def _without_repeats(text: str) -> str:
    """Each paragraph of prose once: pages repeat one as a pull quote or in a hidden copy."""
    seen: set[str] = set()
    lines = []
    for line in text.splitlines():
        paragraph = line.strip()
        if _PROSE_PARAGRAPH.match(paragraph):
            if paragraph in seen:
                continue
            seen.add(paragraph)
        lines.append(line)
    return "\n".join(lines)


def _is_article(text: str, link_texts: set[str]) -> bool:
    """At least one sentence of eight words or more, and less than half of it link text."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    linked = sum(len(line) for line in lines if line in link_texts)
    sentences = (s for line in lines for s in re.split(r"[.!?]", line)[:-1])
    has_prose = any(len(sentence.split()) >= _MIN_SENTENCE_WORDS for sentence in sentences)
    return has_prose and linked < _MAX_LINK_SHARE * sum(map(len, lines))


def _field(value: str | None) -> str | None:
    """A metadata value short enough to be one (a page's 'site name' can be a whole menu)."""
    value = (value or "").strip()
    return value if 0 < len(value) <= _MAX_FIELD else None


def extract_page(tree: HtmlElement) -> Page | None:
    """The article on the page, or None when the page holds none: no main text, or text (not
    known to be in another language) with no sentence of prose or mostly links. Other
    languages are not judged on prose: word counts mean little in scripts without spaces."""
    _collapse_whitespace(tree)
    _drop_teasers(tree)
    link_texts = {" ".join(link.text_content().split()) for link in tree.iter("a")}
    document = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        prune_xpath=_PAGE_CHROME,
    )
    text = _without_repeats(document.text) if document and document.text else ""
    language = py3langid.classify(text)[0] if len(text) >= _MIN_LANGUAGE_SAMPLE else None
    if not text.strip() or (language in ("en", None) and not _is_article(text, link_texts)):
        return None
    url = document.url if document.url and _URL.match(document.url) else None
    title = strip_site_name(document.title, document.sitename, url) if document.title else None
    authors = person_names(document.author.split(";")) if document.author else []
    return Page(
        title=title,
        text=text,
        language=language,
        author=_field(", ".join(authors)),
        date=document.date,
        publisher=_field(document.sitename),
        url=url,
    )
