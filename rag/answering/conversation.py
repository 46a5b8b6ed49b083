"""Chat turns: what to search for when the last question leans on the ones before it.

Earlier answers' markers are stripped first: each answer's [n] belongs to that answer alone,
and a stale [1] must not reach the model or the search as if it named a current passage.
"""

import re

from rag.answering.question import POINTS_BACK, names
from rag.models import ChatMessage

# Whitespace before a marker goes with it; the lookbehind starts a match only where a run of
# whitespace begins, so a long run is scanned once, not once per character.
_MARKERS = re.compile(r"(?<!\s)\s*\[\d+(?:\s*,\s*\d+)*\]")


def without_markers(text: str) -> str:
    return _MARKERS.sub("", text).strip()


def transcript(messages: list[ChatMessage]) -> list[tuple[str, str]]:
    """(role, text) pairs with earlier answers' markers removed."""
    return [(m.role, without_markers(m.content)) for m in messages]


def carry_names(messages: list[ChatMessage]) -> str:
    """The last question plus the names and numbers of the latest earlier question that had any.

    'How many GPUs does it have?' after 'What is Colossus?' searches for
    'How many GPUs does it have? (Colossus)'. A question that names things of its own and
    points back at nothing ('What is the capital of France?') stands alone.
    """
    question = messages[-1].content.strip()
    if names(question) and not POINTS_BACK.search(question):
        return question
    asked = question.lower()
    for message in reversed(messages[:-1]):
        if message.role != "user":
            continue
        earlier = names(message.content)
        if earlier:
            missing = [name for name in earlier if name.lower() not in asked]
            return f"{question} ({', '.join(missing)})" if missing else question
    return question
