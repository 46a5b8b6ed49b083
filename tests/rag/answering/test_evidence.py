"""What a question asks about (`key_terms`, `names`) and whether the passages can hold it
(`assess`), on their own: a small vocabulary and passages stand in for the index."""

from types import SimpleNamespace

import pytest

from rag.answering.evidence import assess
from rag.answering.question import key_terms, names

MIN_RELEVANCE = 0.3


class Vocabulary:
    """The two lookups `assess` makes of the index's vocabulary, over a set of words."""

    def __init__(self, text: str) -> None:
        self.words = set(text.lower().split())
        self.prefixes = {word[:5] for word in self.words if len(word) >= 5}

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def has_prefix(self, prefix: str) -> bool:
        return prefix in self.prefixes


VOCABULARY = Vocabulary("lisbon council approved budget ferries boats south korea colossus h100")


def passage(relevance: float, text: str = "The council approved the budget.") -> SimpleNamespace:
    return SimpleNamespace(
        relevance=relevance, node=SimpleNamespace(node=SimpleNamespace(text=text))
    )


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("How much did Musk offer for OpenAI?", ["OpenAI"]),
        ("What did Satya Nadella say about the H100 chips?", ["Satya Nadella", "H100"]),
        ('Who leads the "Stargate" project?', ["Stargate"]),
        ("How many GPUs does xAI's Memphis data centre have?", ["GPUs", "xAI"]),
        ("Did the rate rise by 0.25 points in 2024?", ["0.25", "2024"]),
        ("Is the Tagus Ferry Company's budget $40 million?", ["Tagus Ferry Company", "$40"]),
        ("What is the capital of France?", []),
    ],
)
def test_key_terms_are_the_names_numbers_and_quotes(question: str, terms: list[str]) -> None:
    assert key_terms(question) == terms


def test_a_name_after_an_opening_question_word_is_kept_whole() -> None:
    assert key_terms("Did Sam Altman reply?") == ["Sam Altman"]


def test_names_add_single_capitalised_words_each_once() -> None:
    assert names("How much did Musk offer for OpenAI?") == ["OpenAI", "Musk"]
    assert names("What is Colossus, and is Colossus in Memphis?") == ["Colossus", "Memphis"]
    assert names("How much did they pay?") == []


def test_no_passage_is_no_evidence() -> None:
    evidence = assess("How much did Lisbon approve?", [], VOCABULARY, MIN_RELEVANCE)
    assert (evidence.supported, evidence.reason) == (False, "no passage was retrieved")


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How much did Tokyo Metro approve?", "Tokyo Metro"),
        ("What did the B200 cost?", "B200"),
        ("How many trams did Lisbon buy?", "trams"),
    ],
)
def test_a_name_or_counted_thing_the_corpus_never_mentions_is_declined(
    question: str, missing: str
) -> None:
    evidence = assess(question, [passage(0.9)], VOCABULARY, MIN_RELEVANCE)
    assert not evidence.supported
    assert evidence.reason == f"the articles never mention {missing}"


def test_words_sharing_a_five_letter_stem_with_the_corpus_count_as_known() -> None:
    korean = assess("Where is the South Korean yard?", [passage(0.9)], VOCABULARY, MIN_RELEVANCE)
    assert korean.supported  # 'korean' ~ 'korea'
    short = assess("Where is the South Kor yard?", [passage(0.9)], VOCABULARY, MIN_RELEVANCE)
    assert short.reason == "the articles never mention South Kor"


def test_a_far_best_passage_is_declined_with_its_relevance() -> None:
    passages = [passage(0.2), passage(0.1)]
    evidence = assess("How many boats did Lisbon buy?", passages, VOCABULARY, MIN_RELEVANCE)
    assert not evidence.supported
    assert evidence.reason == "no passage is close enough (best relevance 0.20)"


def test_a_passage_naming_all_asked_about_is_enough_at_half_the_threshold() -> None:
    names_it = passage(0.2, "Colossus is the supercomputer in Memphis.")
    assert assess("What is Colossus?", [names_it], VOCABULARY, MIN_RELEVANCE).supported
    too_far = passage(0.1, "Colossus is the supercomputer in Memphis.")
    assert not assess("What is Colossus?", [too_far], VOCABULARY, MIN_RELEVANCE).supported
    elsewhere = passage(0.2, "The supercomputer is in Memphis.")
    assert not assess("What is Colossus?", [elsewhere], VOCABULARY, MIN_RELEVANCE).supported


def test_an_acronym_the_articles_only_spell_out_is_not_unknown() -> None:
    spelled = passage(0.5, "The Centers for Disease Control and Prevention counted 40 cases.")
    assert assess("What did the CDC count?", [spelled], VOCABULARY, MIN_RELEVANCE).supported
    other = passage(0.5, "The council counted 40 cases.")
    evidence = assess("What did the CDC count?", [other], VOCABULARY, MIN_RELEVANCE)
    assert not evidence.supported and "CDC" in evidence.reason


def test_an_acronym_inside_a_name_may_be_spelled_out_too() -> None:
    spelled = passage(0.5, "Ten human cases of Eastern Equine Encephalitis were reported.")
    question = "When did the South Korea EEE outbreak begin?"
    assert assess(question, [spelled], VOCABULARY, MIN_RELEVANCE).supported
    evidence = assess(question, [passage(0.5)], VOCABULARY, MIN_RELEVANCE)
    assert not evidence.supported and "South Korea EEE" in evidence.reason
