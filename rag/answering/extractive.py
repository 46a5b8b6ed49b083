"""Extractive answers: the passages' own sentences that best answer the question, each cited.

A sentence is scored on meaning (embedding similarity), on the question's words it shares, and
on whether it holds the kind of fact asked for (an amount for 'how much', a date for 'when'),
so the quoted sentence answers rather than merely being on topic.
"""

import re
from dataclasses import dataclass

import numpy as np

from rag.answering.citing import cite
from rag.answering.evidence import AnswerType, answer_type, content_stems
from rag.models import Citation
from rag.retrieval import RetrievedPassage
from rag.sentences import sentence_spans

MAX_SENTENCES = 3
_FACT_PATTERNS = {
    AnswerType.amount: re.compile(
        r"[$€£₩]\s?\d|\d[\d,.]*\s?(%|percent|billion|million|trillion|thousand|won|dollars)"
        r"|\b\d{1,3}(,\d{3})+\b|\b\d+(\.\d+)?\b",
        re.I,
    ),
    AnswerType.person: re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b"),
    AnswerType.time: re.compile(
        r"\b(19|20)\d{2}\b|\b(January|February|March|April|May|June|July|August|September|"
        r"October|November|December)\b|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
        r"Sunday)\b|\bthe \d{1,2}(st|nd|rd|th)\b",
    ),
    AnswerType.place: re.compile(r"\b(in|at|outside|near) [A-Z][a-z]+"),
}


@dataclass(frozen=True)
class _Candidate:
    meta: dict
    text: str
    start: int
    end: int
    rank: int


def quoted(citation: Citation) -> str:
    """One sentence of an extractive answer: the quote and its marker."""
    return f"{citation.text} [{citation.marker}]"


class ExtractiveAnswerer:
    @staticmethod
    def _vectors(passages: list[RetrievedPassage], candidates: list[_Candidate]) -> np.ndarray:
        """The sentence vectors stored at ingest: no sentence is embedded at question time. A
        sentence the stored spans lack (an index built under other sentence rules, awaiting
        re-ingest) gets a zero vector: scored on its words alone, never an error."""
        stored = [dict(zip(p.sentence_spans, p.sentence_vectors, strict=True)) for p in passages]
        zero = np.zeros(passages[0].sentence_vectors.shape[1], np.float32)
        return np.stack([stored[c.rank].get((c.start, c.end), zero) for c in candidates])

    @staticmethod
    def _candidates(passages: list[RetrievedPassage]) -> list[_Candidate]:
        seen: set[tuple[str, int]] = set()
        found = []
        for rank, passage in enumerate(passages):
            node = passage.node.node
            meta = node.metadata
            for start, end in sentence_spans(node.text, offset=meta["start"]):
                key = (meta["article_id"], start)
                text = node.text[start - meta["start"] : end - meta["start"]]
                # Too short to quote, or a question (a subheading) that answers nothing.
                if key in seen or len(text.split()) < 4 or text.rstrip().endswith("?"):
                    continue
                seen.add(key)
                found.append(_Candidate(meta, text, start, end, rank))
        return found

    def answer(
        self, question: str, question_vector: list[float], passages: list[RetrievedPassage]
    ) -> tuple[str, list[Citation]]:
        candidates = self._candidates(passages)
        if not candidates:
            return "", []
        similarity = self._vectors(passages, candidates) @ np.asarray(question_vector)
        asked = content_stems(question)
        fact = _FACT_PATTERNS.get(answer_type(question))
        scores = []
        for candidate, meaning in zip(candidates, similarity, strict=True):
            overlap = len(asked & content_stems(candidate.text)) / max(len(asked), 1)
            holds_fact = 1.0 if fact is None or fact.search(candidate.text) else 0.0
            rank_prior = 1.0 / (1 + candidate.rank)
            scores.append(0.5 * meaning + 0.3 * overlap + 0.15 * holds_fact + 0.05 * rank_prior)

        order = np.argsort(scores)[::-1]
        best = scores[order[0]]
        chosen: list[_Candidate] = []
        covered: set[str] = set()
        for i in order[:MAX_SENTENCES]:
            candidate = candidates[i]
            new_words = content_stems(candidate.text) - covered
            if chosen and (scores[i] < 0.95 * best or len(new_words) < 3):
                continue
            chosen.append(candidate)
            covered |= content_stems(candidate.text)

        citations = [
            cite(c.meta, marker, c.text, c.start, c.end) for marker, c in enumerate(chosen, start=1)
        ]
        return " ".join(quoted(c) for c in citations), citations
