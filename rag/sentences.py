"""Sentence spans in article text, with offsets, for quoting and citing single sentences."""

from functools import cache

from llama_index.core.utils import globals_helper
from nltk.tokenize.punkt import PunktTokenizer


@cache
def _punkt() -> PunktTokenizer:
    globals_helper.stopwords  # noqa: B018 -- points nltk at the data llama-index ships
    return PunktTokenizer("english")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break always ends one (headings, list items)."""
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        for start, end in _punkt().span_tokenize(line):
            spans.append((offset + line_start + start, offset + line_start + end))
        line_start += len(line) + 1
    return spans
