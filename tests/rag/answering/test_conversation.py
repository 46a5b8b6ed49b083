"""What a follow-up searches for (`carry_names`), and earlier answers' markers stripped."""

import pytest

from rag.answering.conversation import carry_names, transcript, without_markers
from rag.models import ChatMessage


def chat(*turns: str) -> list[ChatMessage]:
    """Alternating user and assistant turns, the user first."""
    roles = ("user", "assistant")
    return [ChatMessage(role=roles[n % 2], content=text) for n, text in enumerate(turns)]


@pytest.mark.parametrize(
    ("turns", "searched"),
    [
        (
            ("What is Colossus?", "A supercomputer [1].", "How many GPUs does it have?"),
            "How many GPUs does it have? (Colossus)",
        ),
        (
            ("Where is the Tagus Ferry Company's yard?", "In Seixal [1].", "Who owns it?"),
            "Who owns it? (Tagus Ferry Company)",
        ),
        # The latest earlier question that named something, past one that named nothing.
        (
            (
                "Where is the Lisbon yard?",
                "In Seixal [1].",
                "And who built it?",
                "Mota [2].",
                "How much did they pay?",
            ),
            "How much did they pay? (Lisbon)",
        ),
        # A question with names of its own that points back at nothing stands alone.
        (
            ("What is Colossus?", "A supercomputer [1].", "What is the capital of France?"),
            "What is the capital of France?",
        ),
        # Names the follow-up already has are not repeated.
        (
            ("Who leads the Stargate project?", "Altman [1].", "What did Musk say of Stargate?"),
            "What did Musk say of Stargate?",
        ),
        (("how are you?", "Fine.", "What did they say?"), "What did they say?"),
        (("  How much did Musk offer?  ",), "How much did Musk offer?"),
    ],
)
def test_a_follow_up_carries_the_names_it_points_back_to(
    turns: tuple[str, ...], searched: str
) -> None:
    assert carry_names(chat(*turns)) == searched


def test_names_in_an_earlier_answer_are_not_carried() -> None:
    turns = ("How big is it?", "Colossus has 100,000 GPUs [1].", "Who built it?")
    assert carry_names(chat(*turns)) == "Who built it?"


def test_earlier_answers_lose_their_markers_and_only_those() -> None:
    assert without_markers("He offered $97.4 billion [1][2] , then [3, 4].") == (
        "He offered $97.4 billion , then."
    )
    assert without_markers("Section [a] and [12b] stay.") == "Section [a] and [12b] stay."
    turns = chat("What did Musk offer?", "$97.4 billion [1].", "And Altman?")
    assert transcript(turns) == [
        ("user", "What did Musk offer?"),
        ("assistant", "$97.4 billion."),
        ("user", "And Altman?"),
    ]
