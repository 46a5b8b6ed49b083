"""Whether the retrieved passages can hold the answer at all.

Used by both answer modes: a question whose key names or numbers appear nowhere in the corpus,
or whose best passage is barely related, is declined before any answer is written.
"""

from dataclasses import dataclass

from rag.answering.question import ACRONYM, counted, key_terms, names, spells
from rag.index.lexical import Vocabulary
from rag.retrieval import RetrievedPassage
from rag.text import words


def _known(word: str, vocabulary: Vocabulary) -> bool:
    """In the corpus, or (for longer words) sharing a five-letter stem: 'Korean' ~ 'Korea'."""
    return word in vocabulary or (len(word) >= 5 and vocabulary.has_prefix(word[:5]))


@dataclass(frozen=True)
class Evidence:
    supported: bool
    reason: str


def assess(
    question: str, passages: list[RetrievedPassage], vocabulary: Vocabulary, min_relevance: float
) -> Evidence:
    if not passages:
        return Evidence(False, "no passage was retrieved")
    terms = key_terms(question) + [noun for noun in [counted(question)] if noun]
    missing = [term for term in terms if not _known_term(term, vocabulary, passages)]
    if missing:
        return Evidence(False, f"the articles never mention {', '.join(missing)}")
    closest = max(passages, key=lambda p: p.relevance)
    best = closest.relevance
    if best < min_relevance and not (
        best >= min_relevance / 2 and _names_all_in(question, closest.node.node.text)
    ):
        return Evidence(False, f"no passage is close enough (best relevance {best:.2f})")
    return Evidence(True, "")


def _known_term(term: str, vocabulary: Vocabulary, passages: list[RetrievedPassage]) -> bool:
    """Every word of the term is in the corpus, or is an acronym the passages only spell out
    ('the Centers for Disease Control' for CDC, the 'EEE' of 'Michigan EEE')."""
    spelled = {
        word.lower()
        for word in term.split()
        if ACRONYM.match(word) and any(spells(word, p.node.node.text) for p in passages)
    }
    return all(_known(word, vocabulary) or word in spelled for word in words(term))


def _names_all_in(question: str, text: str) -> bool:
    """A short question about a name ('What is Colossus?') embeds far from any passage, yet a
    passage that names everything it asks about is evidence enough at half the threshold."""
    asked = names(question)
    text = text.lower().replace(".", "")
    return bool(asked) and all(name.lower().replace(".", "") in text for name in asked)
