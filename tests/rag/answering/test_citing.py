"""Marker rules of `MarkerStream` on their own: no model, no index."""

from types import SimpleNamespace

import pytest

from rag.answering.citing import MAX_OPEN_MARKER, NOT_COVERED, MarkerStream, open_marker_start
from rag.answering.conversation import without_markers
from rag.answering.support import need
from rag.models import CitationEvent, DeltaEvent

# The model reply that froze the event loop for 47 s with the old open-marker pattern.
BACKTRACKING_REPLY = "[" + ",   " * 14 + "x"


def _passages(count: int, texts: tuple[str, ...] = ()) -> list:
    """Retrieved passages as `MarkerStream` reads them: node text and citation metadata."""
    return [
        SimpleNamespace(
            node=SimpleNamespace(
                node=SimpleNamespace(
                    text=texts[n - 1] if texts else f"passage {n}",
                    metadata={"article_id": f"a{n}", "title": f"T{n}", "start": 0, "end": 9},
                )
            )
        )
        for n in range(1, count + 1)
    ]


def _text(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, DeltaEvent))


@pytest.mark.timeout(5)
@pytest.mark.parametrize("groups", [14, 200, 5000])
def test_a_long_unclosed_marker_is_scanned_in_linear_time(groups: int) -> None:
    markers = MarkerStream(_passages(2))
    reply = "Fact [1]. " + "[" + ",   " * groups + "x"
    events = markers.feed(reply)
    # Not a marker: the text is not held for it, and cites nothing, so it is dropped.
    assert _text(events) == "Fact [1]."
    assert _text(markers.close()) == ""
    assert markers.dropped == 1


@pytest.mark.timeout(5)
def test_the_exact_reply_that_froze_the_loop_is_declined_at_once() -> None:
    markers = MarkerStream(_passages(2))
    assert markers.feed(BACKTRACKING_REPLY) + markers.close() == []
    assert not markers.answered  # no valid marker: never shown


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("a [1, 2", 2),
        ("a [", 2),
        ("a [1] b", None),
        ("a [x", None),
        ("a [" + " " * MAX_OPEN_MARKER, None),
    ],
)
def test_open_marker_start(text: str, start: int | None) -> None:
    assert open_marker_start(text) == start


def test_a_marker_split_across_pieces_is_held_until_whole() -> None:
    markers = MarkerStream(_passages(2))
    events = []
    for piece in ["Musk offered ", "a lot [", "2", "]. Then [1", "]."]:
        events += markers.feed(piece)
    events += markers.close()
    assert _text(events) == "Musk offered a lot [1]. Then [2]."
    assert [c.article_id for c in markers.citations] == ["a2", "a1"]


@pytest.mark.timeout(5)
def test_stripping_old_markers_is_linear_in_whitespace() -> None:
    assert without_markers(" " * 200_000 + "x") == "x"
    assert without_markers("Musk offered [1], then [2, 3] more.") == "Musk offered, then more."


PASSAGES = (
    "In February, Musk offered $97.4 billion for a controlling stake in OpenAI.",
    "Microsoft invested $1 billion in OpenAI in 2019.",
)


def _answer(reply: str) -> MarkerStream:
    markers = MarkerStream(_passages(2, PASSAGES))
    markers.feed(reply)
    markers.close()
    return markers


def test_a_claim_whose_figure_its_passage_does_not_state_is_dropped() -> None:
    markers = _answer("Musk offered $97.4 billion [1]. Microsoft invested $3 billion [2].")
    assert markers.text == "Musk offered $97.4 billion [1]."
    assert markers.dropped == 1
    assert [c.article_id for c in markers.citations] == ["a1"]  # no citation for the dropped


def test_a_claim_naming_what_its_passage_does_not_is_dropped() -> None:
    markers = _answer("Microsoft invested in OpenAI [2]. Larry Page approved the deal [2].")
    assert markers.text == "Microsoft invested in OpenAI [1]."
    assert markers.dropped == 1


def test_an_injected_reply_with_a_valid_marker_is_not_served() -> None:
    markers = _answer("HACKED [1]")
    assert not markers.answered and markers.dropped == 1


def test_every_claim_unsupported_means_not_answered() -> None:
    markers = _answer("Apple paid $5 billion [1].")
    assert not markers.answered and markers.citations == []


def test_an_articles_own_bracketed_numbers_never_become_markers_in_a_quote() -> None:
    from rag.answering.extractive import quoted
    from rag.models import Citation

    text = "Shares rose [2] on Monday and fell [7, 8] by Friday."
    citation = Citation(marker=1, article_id="a", title="T", text=text, start=0, end=len(text))
    assert quoted(citation) == "Shares rose (2) on Monday and fell (7, 8) by Friday. [1]"
    assert citation.text == text  # the citation still quotes the article exactly


def _streamed(reply: str, piece: int) -> tuple[MarkerStream, list]:
    markers = MarkerStream(_passages(2, PASSAGES))
    events = []
    for start in range(0, len(reply), piece):
        events += markers.feed(reply[start : start + piece])
    return markers, events + markers.close()


def test_markers_are_renumbered_by_first_appearance_each_passage_cited_once() -> None:
    markers, events = _streamed(
        "Microsoft invested $1 billion [2]. Musk offered $97.4 billion [1][2]. "
        "Musk offered $97.4 billion [1, 2].",
        piece=1000,
    )
    assert markers.text == (
        "Microsoft invested $1 billion [1]. Musk offered $97.4 billion [2][1]. "
        "Musk offered $97.4 billion [2][1]."
    )
    assert [(c.marker, c.article_id) for c in markers.citations] == [(1, "a2"), (2, "a1")]
    # Each citation is announced once, before the first text that uses its marker.
    announced = [n for n, e in enumerate(events) if isinstance(e, CitationEvent)]
    assert [events[n].citation.marker for n in announced] == [1, 2]
    for marker, at in zip((1, 2), announced, strict=True):
        assert f"[{marker}]" not in _text(events[:at])
        assert f"[{marker}]" in _text(events[: at + 2])


def test_a_marker_naming_no_passage_is_dropped_and_its_claim_goes_on() -> None:
    markers = _answer("Musk offered $97.4 billion [3] in February [1].")
    assert markers.text == "Musk offered $97.4 billion in February [1]."
    assert markers.dropped == 0


def test_text_after_the_last_marker_cites_nothing_and_is_dropped() -> None:
    markers = _answer("Musk offered $97.4 billion [1]. Altman said no")
    assert markers.text == "Musk offered $97.4 billion [1]."
    assert markers.answered and markers.dropped == 1


def test_the_models_not_covered_reply_declines() -> None:
    assert not _answer(NOT_COVERED).answered
    assert not _answer(f"{NOT_COVERED} [1]").answered
    # Said after a released claim, it is not shown and does not undo the answer.
    late = _answer(f"Musk offered $97.4 billion [1]. {NOT_COVERED}")
    assert late.answered and late.text == "Musk offered $97.4 billion [1]."


@pytest.mark.parametrize(
    "reply",
    [
        "Microsoft invested $1 billion [2]. Musk offered $97.4 billion [1, 2]. Then more",
        "Musk offered $97.4 billion [3] in February [1]. Apple paid $5 billion [2].",
        "Musk offered $97.4 billion [3] in February [1]. Microsoft invested $1 billion [2].",
        f"Musk offered $97.4 billion [1]. {NOT_COVERED}",
    ],
)
@pytest.mark.parametrize("piece", [1, 2, 5])
def test_a_streamed_reply_is_answered_as_the_whole_reply_is(reply: str, piece: int) -> None:
    whole, _ = _streamed(reply, piece=len(reply))
    streamed, events = _streamed(reply, piece)
    assert (streamed.text, streamed.dropped, streamed.citations) == (
        whole.text,
        whole.dropped,
        whole.citations,
    )
    assert _text(events) == streamed.text


def test_the_full_stop_after_a_released_claim_stays_when_the_next_claim_is_dropped() -> None:
    reply = "Musk offered $97.4 billion [1]. Apple paid $5 billion [2]."
    for piece in (1, 3, len(reply)):
        markers, events = _streamed(reply, piece)
        assert markers.text == "Musk offered $97.4 billion [1]."
        assert _text(events) == markers.text and markers.dropped == 1


def test_an_answer_that_states_no_fact_of_the_asked_kind_is_declined() -> None:
    asked = need("How much did Musk offer for OpenAI?")
    for piece in (1, 4, 200):
        markers = MarkerStream(_passages(2, PASSAGES), asked)
        events = []
        reply = "Musk made an offer [1]. Microsoft invested [2]."
        for start in range(0, len(reply), piece):
            events += markers.feed(reply[start : start + piece])
        events += markers.close()
        assert events == [] and not markers.answered and markers.dropped == 2


def test_claims_are_held_until_one_states_the_asked_fact_then_all_go_out() -> None:
    asked = need("How much did Musk offer for OpenAI?")
    markers = MarkerStream(_passages(2, PASSAGES), asked)
    assert markers.feed("Musk made an offer [1].") == []
    released = markers.feed(" It was $97.4 billion [1].") + markers.close()
    assert _text(released) == "Musk made an offer [1]. It was $97.4 billion [1]."
    assert markers.answered and markers.dropped == 0
