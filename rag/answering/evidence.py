"""What a question asks for, and whether the retrieved passages can hold it.

Used by both answer modes: a question whose key names or numbers appear nowhere in the corpus,
or whose best passage is barely related, is declined before any answer is written.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import Stemmer
from llama_index.core.utils import globals_helper

from rag.retrieval import RetrievedPassage, words

_KEY_TERM = re.compile(r"(?<![\w$])(?:\$?\d[\d,.]*|[A-Z][\w'’&.-]*[A-Za-z0-9])")
_QUOTED = re.compile(r"[\"“']([^\"”']{2,60})[\"”']")
# Capitalised words that are not names (question words, sentence starts).
_NOT_NAMES = {"what", "who", "whom", "when", "where", "which", "why", "how", "did", "does",
              "do", "is", "are", "was", "were", "has", "have", "had", "can", "could", "will",
              "would", "should", "according", "in", "on", "the", "a", "an", "and", "of", "i",
              "name", "tell", "list", "give", "after", "before", "by", "for"}  # fmt: skip


class AnswerType(StrEnum):
    amount = "amount"
    person = "person"
    time = "time"
    place = "place"
    other = "other"


_TYPE_CUES = (
    (AnswerType.amount, re.compile(r"\bhow (much|many|big|large)\b|\bwhat (amount|price|"
                                   r"valuation|sum|share|percentage|number)\b", re.I)),
    (AnswerType.person, re.compile(r"^\s*who\b|\bwho (is|was|led|leads|said)\b|\bwhich "
                                   r"(person|executive|ceo|chairman|founder)\b", re.I)),
    (AnswerType.time, re.compile(r"^\s*when\b|\bwhat (year|month|day|date)\b|\bin which year"
                                 r"\b", re.I)),
    (AnswerType.place, re.compile(r"^\s*where\b|\bin which (city|state|country)\b", re.I)),
)  # fmt: skip


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(globals_helper.stopwords)


def content_stems(text: str) -> set[str]:
    """Stemmed words that carry meaning (no stop words)."""
    kept = [w for w in words(text) if w not in _stopwords()]
    return set(_stemmer().stemWords(kept))


def answer_type(question: str) -> AnswerType:
    for kind, cue in _TYPE_CUES:
        if cue.search(question):
            return kind
    return AnswerType.other


def key_terms(question: str) -> list[str]:
    """Names, numbers and quoted phrases: the words an answer must be about."""
    terms = [m.strip() for m in _QUOTED.findall(question)]
    for match in _KEY_TERM.finditer(question):
        term = match.group().rstrip(".,")
        sentence_start = not question[: match.start()].strip() or re.search(
            r"[.?!]\s+$", question[: match.start()]
        )
        if term.lower() not in _NOT_NAMES and not (sentence_start and term[0].isalpha()):
            terms.append(term)
    return terms


@dataclass(frozen=True)
class Evidence:
    supported: bool
    reason: str


def assess(
    question: str, passages: list[RetrievedPassage], vocabulary: set[str], min_relevance: float
) -> Evidence:
    if not passages:
        return Evidence(False, "no passage was retrieved")
    missing = [
        term for term in key_terms(question) if not all(w in vocabulary for w in words(term))
    ]
    if missing:
        return Evidence(False, f"the articles never mention {', '.join(missing)}")
    best = max(p.relevance for p in passages)
    if best < min_relevance:
        return Evidence(False, f"no passage is close enough (best relevance {best:.2f})")
    return Evidence(True, "")
