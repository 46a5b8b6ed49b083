"""Citations, and the marker rules that keep a streamed answer's [n] honest.

A model writes markers that name retrieved passages, token by token. `MarkerStream` turns that
text into what the user sees: markers renumbered 1, 2, 3... by first appearance, markers that
name no passage dropped, a marker split across tokens (`[`, `1]`) held until complete, and
each claim held until its markers come and released only when the passages they name state
its names and figures, so an uncited or unsupported sentence is never shown.
The same class serves a whole reply (one `feed`), so streamed and plain answers agree.
"""

import re
from typing import Any

from rag.answering.support import Need, claim_supported, holds_fact
from rag.models import Citation, CitationEvent, DeltaEvent
from rag.retrieval import RetrievedPassage

NOT_COVERED = "NOT_IN_ARTICLES"
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# A marker still being written is '[' then only digits, commas and spaces, and is short; a
# longer run is not a marker and is released, so a model cannot make the stream hold its text.
_MARKER_CHARS = frozenset("0123456789, \t")
# What closes the sentence of the claim before it: '.', '?', a closing quote...
_WORD = re.compile(r"\w")
_CLOSING = re.compile(r"^[.!?,;:)\]”\"'’]+")
MAX_OPEN_MARKER = 24


def open_marker_start(text: str) -> int | None:
    """Where a marker still being written starts at the end of `text`, if one does.

    A scan from the last '[', linear in the text: no pattern that can backtrack runs on what a
    model writes."""
    start = text.rfind("[", max(0, len(text) - MAX_OPEN_MARKER))
    if start == -1 or not _MARKER_CHARS.issuperset(text[start + 1 :]):
        return None
    return start


def without_marker_syntax(text: str) -> str:
    """Quoted text with its own bracketed numbers as '(2)': only the answer makes markers."""
    return _MARKER.sub(r"(\1)", text)


def cite(meta: dict[str, Any], marker: int, text: str, start: int, end: int) -> Citation:
    """A citation of `text` found at [start, end) in the article that `meta` describes."""
    return Citation(
        marker=marker,
        article_id=meta["article_id"],
        title=meta["title"],
        publisher=meta.get("publisher"),
        date=meta.get("date"),
        text=text,
        start=start,
        end=end,
    )


class MarkerStream:
    """A model's text, held claim by claim: a claim is the text up to the markers that cite it.

    A claim is released only when its markers are complete and the passages they name state
    every name and figure it does (`support.claim_supported`); otherwise it is dropped and
    counted in `dropped`. Text after the last marker cites nothing and is dropped too.

    Given what the question asks (`asked`), the answer must also state a fact of that kind
    (an amount for 'how much', a person for 'who'): claims are held until one does, and an
    answer in which none does is declined, its claims counted as dropped. A model that obeys
    an instruction planted in a passage ('reply HACKED') answers nothing that was asked.
    """

    def __init__(self, passages: list[RetrievedPassage], asked: Need | None = None) -> None:
        self._passages = passages
        self._asked = asked
        self._fact_stated = asked is None
        self._held: list[CitationEvent | DeltaEvent] = []
        self._held_claims = 0
        self._numbers: dict[int, int] = {}  # passage number -> citation marker
        self.citations: list[Citation] = []
        self._unprocessed = ""
        self._claim = ""  # text whose markers have not come yet
        self._declined = False
        self._sentence_open = False  # a released claim whose closing punctuation is to come
        self.dropped = 0
        self.text = ""

    @property
    def answered(self) -> bool:
        return bool(self.text) and not self._declined

    def feed(self, chunk: str) -> list[CitationEvent | DeltaEvent]:
        self._unprocessed += chunk
        open_at = open_marker_start(self._unprocessed)
        cut = len(self._unprocessed) if open_at is None else open_at
        ready, self._unprocessed = self._unprocessed[:cut], self._unprocessed[cut:]
        return self._process(ready)

    def close(self) -> list[CitationEvent | DeltaEvent]:
        """Everything still held back; markers left open at the end are dropped, and so is a
        last claim that no marker cites."""
        rest, self._unprocessed = self._unprocessed, ""
        open_at = open_marker_start(rest)
        events = self._process(rest if open_at is None else rest[:open_at])
        if _WORD.search(self._claim) and not self._declined:
            self.dropped += 1
        self._claim = ""
        if not self._fact_stated and self.text:
            self.dropped += self._held_claims
            self.text, self.citations, self._declined = "", [], True
        return events

    def _cited(self, match: re.Match) -> list[int]:
        """The passage numbers a marker names, those that exist, each once."""
        found = (int(n) for n in re.findall(r"\d+", match.group(1)))
        return list(dict.fromkeys(n for n in found if 1 <= n <= len(self._passages)))

    def _markers(self, numbers: list[int]) -> str:
        """The answer's own markers for these passages, citing each the first time."""
        for number in numbers:
            if number not in self._numbers:
                marker = len(self._numbers) + 1
                self._numbers[number] = marker
                node = self._passages[number - 1].node.node
                meta = node.metadata
                self.citations.append(cite(meta, marker, node.text, meta["start"], meta["end"]))
        return "".join(f"[{self._numbers[n]}]" for n in numbers)

    def _supported(self, claim: str, numbers: list[int]) -> bool:
        sources = []
        for number in numbers:
            node = self._passages[number - 1].node.node
            sources += [node.text, node.metadata.get("title", "")]
        return claim_supported(claim, sources)

    def _release(self, text: str, known: int) -> list[CitationEvent | DeltaEvent]:
        if not self.text:  # nothing before it: no sentence for punctuation to close
            text = _CLOSING.sub("", text.lstrip()).lstrip()
        if not text:
            return []
        self._sentence_open = not _CLOSING.fullmatch(text)
        self.text += text
        events: list[CitationEvent | DeltaEvent] = [
            CitationEvent(citation=c) for c in self.citations[known:]
        ]
        events.append(DeltaEvent(text=text))
        return events

    def _process(self, ready: str) -> list[CitationEvent | DeltaEvent]:
        events: list[CitationEvent | DeltaEvent] = []
        position = 0
        for match in _MARKER.finditer(ready):
            self._claim += ready[position : match.start()]
            position = match.end()
            numbers = self._cited(match)
            if not numbers:  # a marker that names no passage: gone, the claim goes on
                self._claim = self._claim.rstrip(" \t")
                continue
            events += self._settle(numbers)
        self._claim += ready[position:]
        if not self._declined:
            events += self._close_sentence()
        if NOT_COVERED in self._claim and not self.text:
            self._declined = True
        if self._declined:
            return []
        if not self._fact_stated:
            self._held += events
            return []
        events, self._held = self._held + events, []
        return events

    def _close_sentence(self) -> list[CitationEvent | DeltaEvent]:
        """Punctuation right after a released claim ends that claim's sentence: sent at once.
        After a dropped claim it belongs to the dropped sentence, and goes with it."""
        closing = _CLOSING.match(self._claim) if self._sentence_open else None
        if not closing:
            return []
        self._claim = self._claim[closing.end() :]
        return self._release(closing.group(), len(self.citations))

    def _settle(self, numbers: list[int]) -> list[CitationEvent | DeltaEvent]:
        """Release the claim with its markers, or drop it when its passages do not state it."""
        events = [] if self._declined else self._close_sentence()
        claim, self._claim = self._claim, ""
        if self._declined or NOT_COVERED in claim:
            self._declined = self._declined or not self.text
            return events
        if not self._supported(claim, numbers):
            self.dropped += 1
            self._sentence_open = False
            return events
        known = len(self.citations)
        markers = self._markers(numbers)
        self._held_claims += 1
        if not self._fact_stated and self._asked and holds_fact(self._asked, claim):
            self._fact_stated = True
        return events + self._release(claim + markers, known)
