"""Extractive answers: the passages' own sentences that state what was asked, each cited.

The unit of a quote is a sentence, joined back to the sentence that names whom it opens with a
pronoun for ('He announced...'), to the one after it when it leads in with a colon, and on to
where a quotation it is part of names its speaker ('...," said Attorney Nealy Cox.'); headings,
captions, bylines and questions are never quoted (`rag.text`). Each unit is scored on
meaning (embedding similarity to the question), on the question's words it shares, on naming
what the question names, and on holding the kind of fact asked for (`support`). The best unit
is quoted, then any unit that covers a name the quotes so far miss (a question about two
things gets evidence for both), then close runners-up that add something new. Last, the
quotes are checked: if together they do not name everything asked about, hold the wanted fact
and speak of the asked relation, the best units holding the fact are tried with the sentence
right before them (which often names what they leave out); failing that, the answer is
declined rather than guessed.
"""

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate

import numpy as np

from rag.answering.citing import cite, without_marker_syntax
from rag.answering.support import (
    Need,
    attributes_speech,
    counted_nouns,
    fact_strength,
    holds_fact,
    missing_names,
    names_others,
    of_another_year,
    of_someone_else,
    question_parts,
    searched_parts,
    shares_relation,
    unmarked_reason,
)
from rag.models import Citation
from rag.retrieval import RetrievedPassage
from rag.text import (
    PERSON_NOUNS,
    closes_with_speaker,
    content_stems,
    leads_in,
    leans_back,
    noun_lemma,
    quotable,
    quotation_open_after,
    unattributed_quotation,
)

MAX_QUOTES = 3
# A runner-up is quoted too when it scores this close to the best and adds new words.
_RUNNER_UP = 0.95
# How many sentences back a pronoun's subject is looked for.
_LOOK_BACK = 3
# How many sentences on a quotation's speaker is looked for.
_LOOK_AHEAD = 3
# Units tried with the sentence before them when no quote states the answer on its own.
_PAIRED = 5
# Characters between two sentences that follow each other (a space, a line break).
_ADJACENT = 2
# Evidence whose relation words miss the question's is still accepted this close in meaning.
_RELATION_BY_MEANING = 0.62
# A noun this close in meaning to the one a question counts counts the same thing: 'males'
# and 'men' (0.72), 'soldiers' and 'troops' (0.88); not 'refugees' and 'troops' (0.42), nor
# 'teachers' and 'students' (0.64).
_SAME_THING = 0.7
# 'People' counts persons of every kind, and the dead and the hurt.
_ANYONE = frozenset(["people", "person", "individual"])
_PERSONS = PERSON_NOUNS | {
    "adult",
    "attendee",
    "body",
    "casualty",
    "citizen",
    "civilian",
    "customer",
    "death",
    "fan",
    "fatality",
    "kid",
    "spectator",
    "tourist",
    "user",
    "visitor",
    "voter",
}


@dataclass(frozen=True)
class _Unit:
    """One quotable stretch: a sentence, or two that only make sense together."""

    meta: dict
    text: str
    start: int
    end: int
    rank: int
    meaning: float

    def just_before(self, other: "_Unit") -> bool:
        """The sentence (or sentences) right before the other, in the same passage text."""
        return (
            self.meta["article_id"] == other.meta["article_id"]
            and self.end <= other.start
            and other.start - self.end <= _ADJACENT
        )

    def overlaps(self, other: "_Unit") -> bool:
        return (
            self.meta["article_id"] == other.meta["article_id"]
            and self.start < other.end
            and other.start < self.end
        )

    @property
    def subject(self) -> str:
        """Text that may name what the quote is about: the quote, and its article's title,
        publisher and author ('By PolitiFact's estimate' is answered by PolitiFact's own
        article, which says 'we')."""
        about = (self.meta.get(key) or "" for key in ("title", "publisher", "author"))
        return "\n".join([self.text, *about])


@dataclass(frozen=True)
class PartEvidence:
    """One part of a question asked alone: its passages, and its own vector to weigh their
    sentences by, as the whole question's would favour the other part."""

    vector: list[float]
    passages: list[RetrievedPassage]


def quoted(citation: Citation) -> str:
    """One quote of an extractive answer and its marker; the article's own bracketed numbers
    are shown as '(2)', so no marker reaches the answer that the answer did not make."""
    text = without_marker_syntax(citation.text).replace("\n", " ")
    return f"{text} [{citation.marker}]"


@lru_cache(maxsize=8192)
def _stretches(sentences: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """The first and last sentence of each quotable unit of a passage. This does not depend
    on the question, so it is worked out once for each passage that questions retrieve."""
    found = []
    open_after = list(
        accumulate(sentences, lambda was, text: quotation_open_after(text, was), initial=False)
    )[1:]
    for i, text in enumerate(sentences):
        first, last = i, i
        # Back to the sentence that names who a pronoun stands for, past the quoted words
        # between: 'Sims, chief executive of Ceres, said...' '"It is...," he said.' 'He said...'
        while (
            first > i - _LOOK_BACK
            and first > 0
            and (
                leans_back(sentences[first])
                or (first < i and unattributed_quotation(sentences[first], open_after[first - 1]))
            )
        ):
            first -= 1
        if leads_in(text):
            if i + 1 == len(sentences):
                continue  # what it announces is beyond this passage
            # Before a heading or a list it stands alone: 'Seven questions before the debate,
            # to be carried on MSNBC:'
            if quotable(sentences[i + 1]) or leads_in(sentences[i + 1]):
                last = i + 1
        elif open_after[i]:
            last = _where_speaker_named(sentences, open_after, i)
        if not all(quotable(t) or leads_in(t) for t in sentences[first : last + 1]):
            continue
        if leans_back(sentences[first]):
            continue  # its subject is in a sentence that cannot be quoted with it
        found.append((first, last))
    return tuple(found)


def _where_speaker_named(sentences: tuple[str, ...], open_after: list[bool], i: int) -> int:
    """The sentence that closes the quotation sentence i is in, where it says who spoke
    ('"We believe justice was served.' 'And we agree with the sentence," said Attorney Nealy
    Cox.'); i itself when it closes too far on or says no one spoke."""
    ahead = range(i + 1, min(i + 1 + _LOOK_AHEAD, len(sentences)))
    closing = next((j for j in ahead if not open_after[j]), None)
    return closing if closing is not None and closes_with_speaker(sentences[closing]) else i


def _of_another(asked: Need, unit: _Unit) -> bool:
    """The unit's facts are someone else's, or another year's, than the question asks of."""
    title = unit.meta.get("title") or ""
    return of_someone_else(asked, unit.text, title) or of_another_year(asked, unit.text)


def _within(units: list[_Unit], articles: set[str]) -> list[_Unit]:
    """The units of those articles; all of them when none are given."""
    return [unit for unit in units if unit.meta["article_id"] in articles] if articles else units


def _by_article(units: list[_Unit]) -> list[list[_Unit]]:
    """Quotes grouped by the article they come from, in the order first quoted."""
    grouped: dict[str, list[_Unit]] = {}
    for unit in units:
        grouped.setdefault(unit.meta["article_id"], []).append(unit)
    return list(grouped.values())


class ExtractiveAnswerer:
    def __init__(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        # Nouns recur from question to question: each is embedded once.
        self._word_vector = lru_cache(maxsize=4096)(lambda word: embed([word])[0])

    @staticmethod
    def _units(passages: list[RetrievedPassage], question_vector: np.ndarray) -> list[_Unit]:
        """Quotable units of the retrieved passages, with their sentences' stored vectors'
        similarity to the question: no sentence is embedded at question time."""
        units: list[_Unit] = []
        seen: set[tuple[str, int, int]] = set()
        for rank, passage in enumerate(passages):
            node = passage.node.node
            meta, base = node.metadata, node.metadata["start"]
            spans = passage.sentence_spans
            if not spans:
                continue
            texts = tuple(node.text[s - base : e - base] for s, e in spans)
            meanings = np.asarray(passage.sentence_vectors, dtype=np.float32) @ question_vector
            for first, last in _stretches(texts):
                start, end = spans[first][0], spans[last][1]
                if (meta["article_id"], start, end) in seen:
                    continue
                seen.add((meta["article_id"], start, end))
                units.append(
                    _Unit(
                        meta,
                        node.text[start - base : end - base],
                        start,
                        end,
                        rank,
                        float(meanings[first : last + 1].max()),
                    )
                )
        return units

    @staticmethod
    def _weights(units: list[_Unit], asked: Need) -> dict[str, float]:
        """How much each relation word tells units apart: 'professors' in one sentence of a
        story about hostages says more than 'hostages', which most of its sentences use. A
        word no unit uses weighs most: what the passages never say keeps every unit's
        relation score down alike."""
        found = Counter(s for unit in units for s in asked.relation & content_stems(unit.text))
        return {stem: math.log((len(units) + 1) / (found[stem] + 0.5)) for stem in asked.relation}

    @staticmethod
    def _score(unit: _Unit, asked: Need, weights: dict[str, float]) -> float:
        stems = content_stems(unit.text)
        overlap = len(asked.stems & stems) / max(len(asked.stems), 1)
        wanted = asked.names + asked.qualifiers
        named = 1 - len(missing_names(asked, unit.subject, wanted)) / max(len(wanted), 1)
        fact = fact_strength(asked, unit.text)
        shared = sum(weights[stem] for stem in weights.keys() & stems)
        related = shared / sum(weights.values()) if weights else 1.0
        return (
            0.35 * unit.meaning
            + 0.15 * overlap
            + 0.15 * related
            + 0.1 * named
            + 0.2 * fact
            + 0.1 / (1 + unit.rank)
        )

    @classmethod
    def _choose(cls, ranked: list[_Unit], asked: Need, scores: dict[int, float]) -> list[_Unit]:
        """The best unit that states the answer on its own (one with the very thing asked for,
        where a count or a city is asked), else the best one; then units that fill in names it
        misses and close runners-up."""

        # Where the question names what it wants counted or the kind of place, a partial fact
        # is one of another thing (a count of children for 'how many doses', the country for
        # 'which city'): a unit with the very thing, in the question's own words, goes first.
        def full(unit: _Unit) -> bool:
            return fact_strength(asked, unit.text) == 1.0 and shares_relation(asked, unit.text)

        stating = (n for n, unit in enumerate(ranked) if cls._states_it([unit], asked))
        first = next(stating, None)
        best = ranked[first or 0]
        other_thing = asked.counted or asked.settlement
        if first is not None and other_thing and fact_strength(asked, best.text) < 1.0:
            later = ranked[first + 1 :]
            best = next((u for u in later if full(u) and cls._states_it([u], asked)), best)
        chosen = [best]
        covered = content_stems(best.text)
        missing = set(missing_names(asked, best.subject))
        for unit in ranked:
            if len(chosen) == MAX_QUOTES:
                break
            if any(unit.overlaps(other) for other in chosen):
                continue
            fills = missing - set(missing_names(asked, unit.subject))
            new_words = content_stems(unit.text) - covered
            # A runner-up adds something and still speaks of what was asked, in its words.
            close = (
                scores[id(unit)] >= _RUNNER_UP * scores[id(best)]
                and len(new_words) >= 3
                and bool(asked.stems & content_stems(unit.text))
            )
            if fills or close:
                chosen.append(unit)
                covered |= content_stems(unit.text)
                missing -= fills
        return chosen

    @staticmethod
    def _related(units: list[_Unit], asked: Need) -> bool:
        """The quotes speak of the asked relation in their own words, or come close to the
        question in meaning: a title saying 'Chief executive Tim Cook' does not make a year
        its sentence gives the year he became one."""
        evidence = "\n".join(unit.text for unit in units)
        if shares_relation(asked, evidence):
            return True
        # A sentence about the very event, but with no causal word, gives no reason for it.
        return not unmarked_reason(asked, evidence) and any(
            unit.meaning >= _RELATION_BY_MEANING for unit in units
        )

    @classmethod
    def _states_it(cls, chosen: list[_Unit], asked: Need) -> bool:
        """The quotes together name what is asked about, and one article's quotes hold the
        fact and the relation for something the question names: a count from one story does
        not answer for a company another story only mentions. Where someone is asked to have
        said something, one quote has them say it (`attributes_speech`)."""
        grounded = any(
            holds_fact(asked, "\n".join(u.text for u in quotes if not _of_another(asked, u)))
            and cls._related(quotes, asked)
            and len(missing_names(asked, "\n".join(unit.subject for unit in quotes)))
            < max(len(asked.names), 1)
            for quotes in _by_article(chosen)
        )
        return (
            grounded
            and not missing_names(asked, "\n".join(unit.subject for unit in chosen))
            and any(attributes_speech(asked, unit.text) for unit in chosen)
        )

    def answer(
        self,
        question: str,
        question_vector: list[float],
        passages: list[RetrievedPassage],
        find_part: Callable[[str], PartEvidence] | None = None,
    ) -> tuple[str, list[Citation]]:
        """Each part of the question ('How much did A invest, and where did B build?') gets
        its own quotes; a part the quotes do not state is left out, and if no part is stated
        the answer is declined. A part the whole question's passages do not state is tried
        again with the passages `find_part` finds for it alone: the article a second part
        names is often not among those found for both."""
        units = self._units(passages, np.asarray(question_vector))
        parts = question_parts(question)
        searched = searched_parts(parts)
        chosen: list[_Unit] = []
        first_articles: set[str] = set()
        for number, part in enumerate(parts):
            # A part that leans on the first ('..., and when?') is about the first's story,
            # and without it about nothing known.
            if part.leans and not first_articles:
                continue
            within = first_articles if part.leans else set()
            quotes = self._quotes(_within(units, within), part.asked)
            if quotes is None and find_part and part in searched:
                own = find_part(part.text)
                if own.passages:
                    more = self._units([*own.passages, *passages], np.asarray(own.vector))
                    quotes = self._quotes(_within(more, within), part.asked)
            if quotes and number == 0:
                first_articles = {unit.meta["article_id"] for unit in quotes}
            if quotes:
                chosen += [q for q in quotes if not any(q.overlaps(c) for c in chosen)]
        citations = [
            cite(unit.meta, marker, unit.text, unit.start, unit.end)
            for marker, unit in enumerate(chosen, start=1)
        ]
        return " ".join(quoted(c) for c in citations), citations

    def _quotes(self, units: list[_Unit], asked: Need) -> list[_Unit] | None:
        """The quotes that state what a question asks, or None."""
        if not units:
            return None
        asked = self._with_alike_counts(units, asked)
        weights = self._weights(units, asked)
        scores = {id(unit): self._score(unit, asked, weights) for unit in units}
        ranked = sorted(units, key=lambda unit: scores[id(unit)], reverse=True)
        quotes = self._choose(ranked, asked, scores)
        if self._states_it(quotes, asked):
            return quotes
        return self._with_sentence_before(ranked, units, asked)

    def _with_alike_counts(self, units: list[_Unit], asked: Need) -> Need:
        """What the units' numbers count in other words than the question's: '155 adult
        males' answers 'How many men...?'; '1.4 million refugees' does not answer 'How many
        troops...?'."""
        if not asked.counted_noun:
            return asked
        counted = asked.counted_noun.lower()
        nouns = {noun for unit in units for noun in counted_nouns(unit.text)}
        alike = (noun for noun in nouns if self._alike(counted, noun))
        return replace(
            asked, alike=frozenset(stem for noun in alike for stem in content_stems(noun))
        )

    def _alike(self, counted: str, noun: str) -> bool:
        """'People' counts persons of every kind ('passengers', 'civilians', 'deaths');
        another noun counts what the nouns close to it in meaning count."""
        if noun_lemma(counted) in _ANYONE and noun_lemma(noun) in _PERSONS:
            return True
        return float(self._word_vector(noun) @ self._word_vector(counted)) >= _SAME_THING

    @classmethod
    def _with_sentence_before(
        cls, ranked: list[_Unit], units: list[_Unit], asked: Need
    ) -> list[_Unit] | None:
        """The best unit that holds the fact, with the sentence just before it, where only
        the two together state the answer: 'Officers stopped a vehicle driven by Jonathan
        Blair.' then 'A search of the vehicle yielded 30 grams of methamphetamine.' The unit
        must name nothing the question does not."""
        for unit in ranked[:_PAIRED]:
            if not (holds_fact(asked, unit.text) and shares_relation(asked, unit.text)):
                continue
            if names_others(asked, unit.text):
                continue  # 'Lisbon is good for...' speaks of another thing than asked
            before = next((other for other in units if other.just_before(unit)), None)
            if before is not None and cls._states_it([before, unit], asked):
                return [before, unit]
        return None
