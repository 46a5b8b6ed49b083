"""Citations, and the marker rules that keep a streamed answer's [n] honest.

A model writes markers that name retrieved passages, token by token. `MarkerStream` turns that
text into what the user sees: markers renumbered 1, 2, 3... by first appearance, markers that
name no passage dropped, a marker split across tokens (`[`, `1]`) held until complete, and
nothing released before the first valid marker, so an uncited answer is never shown.
The same class serves a whole reply (one `feed`), so streamed and plain answers agree.
"""

import re
from typing import Any

from rag.models import Citation, CitationEvent, DeltaEvent
from rag.retrieval import RetrievedPassage

NOT_COVERED = "NOT_IN_ARTICLES"
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
# A marker still being written is '[' then only digits, commas and spaces, and is short; a
# longer run is not a marker and is released, so a model cannot make the stream hold its text.
_MARKER_CHARS = frozenset("0123456789, \t")
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
    def __init__(self, passages: list[RetrievedPassage]) -> None:
        self._passages = passages
        self._numbers: dict[int, int] = {}  # passage number -> citation marker
        self.citations: list[Citation] = []
        self._unprocessed = ""
        self._held = ""  # text before the first valid marker
        self._space = ""  # trailing whitespace, sent with the next text (or dropped)
        self._released = False
        self._declined = False
        self.text = ""

    @property
    def answered(self) -> bool:
        return self._released and not self._declined

    def feed(self, chunk: str) -> list[CitationEvent | DeltaEvent]:
        self._unprocessed += chunk
        open_at = open_marker_start(self._unprocessed)
        cut = len(self._unprocessed) if open_at is None else open_at
        ready, self._unprocessed = self._unprocessed[:cut], self._unprocessed[cut:]
        return self._process(ready)

    def close(self) -> list[CitationEvent | DeltaEvent]:
        """Everything still held back; markers left open at the end are dropped."""
        rest, self._unprocessed = self._unprocessed, ""
        open_at = open_marker_start(rest)
        rest = rest if open_at is None else rest[:open_at]
        events = self._process(rest)
        self._space = ""
        return events

    def _renumber(self, match: re.Match) -> str:
        markers = []
        for number in (int(n) for n in re.findall(r"\d+", match.group(1))):
            if not 1 <= number <= len(self._passages):
                continue
            if number not in self._numbers:
                marker = len(self._numbers) + 1
                self._numbers[number] = marker
                node = self._passages[number - 1].node.node
                meta = node.metadata
                self.citations.append(cite(meta, marker, node.text, meta["start"], meta["end"]))
            markers.append(f"[{self._numbers[number]}]")
        return "".join(dict.fromkeys(markers))

    def _process(self, ready: str) -> list[CitationEvent | DeltaEvent]:
        if self._declined:
            return []
        known = len(self.citations)
        out = self._space
        position = 0
        for match in _MARKER.finditer(ready):
            out += ready[position : match.start()]
            markers = self._renumber(match)
            out = out + markers if markers else out.rstrip(" \t")
            position = match.end()
        out += ready[position:]
        text = out.rstrip()
        self._space = out[len(text) :]
        if not self._released:
            self._held += text
            if len(self.citations) == known:
                return []
            if NOT_COVERED in self._held:
                self._declined = True
                return []
            self._released = True
            text, self._held = self._held.lstrip(), ""
        if not text:
            return []
        self.text += text
        events: list[CitationEvent | DeltaEvent] = [
            CitationEvent(citation=c) for c in self.citations[known:]
        ]
        events.append(DeltaEvent(text=text))
        return events
