"""The lexical index (tantivy): BM25 from the question's postings, per-article updates, the
corpus vocabulary from the term dictionary, and recovery when it lags the registry."""

import json
import shutil
from pathlib import Path

import pytest
from llama_index.core.schema import TextNode

from rag.answering.evidence import assess
from rag.index import lexical
from rag.index.lexical import FORMAT, LexicalIndex
from rag.models import Article
from rag.service import RagService
from tests.conftest import make_settings


def _article(article_id: str, version: str, *texts: str) -> tuple[str, list[TextNode]]:
    return version, [
        TextNode(
            id_=f"{article_id}:{version}:{n:04d}",
            text=text,
            metadata={"article_id": article_id, "title": f"{article_id} news", "start": n},
        )
        for n, text in enumerate(texts)
    ]


def _ids(index: LexicalIndex, question: str, within: set[str] | None = None) -> list[str]:
    found = index.snapshot().search(index.schema, question, 10, within)
    return [passage_id for passage_id, _ in found]


def test_ranks_by_the_question_terms_and_narrows_to_articles(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical")
    index.apply(
        {
            "grid": _article("grid", "v1", "The turbines were humming.", "Solar panels on roofs."),
            "chips": _article("chips", "v1", "Nvidia ships new turbine controllers."),
        }
    )
    # Stemmed: 'turbine' finds 'turbines'; stop words ('the', 'was') find nothing.
    assert set(_ids(index, "Which turbine?")) == {"grid:v1:0000", "chips:v1:0000"}
    assert _ids(index, "Which turbine?", {"chips"}) == ["chips:v1:0000"]
    assert _ids(index, "the was") == []
    assert _ids(index, "solar") == ["grid:v1:0001"]


def test_an_update_replaces_one_article_and_survives_reopening(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical")
    index.apply({"a": _article("a", "v1", "Zorblax reactor."), "b": _article("b", "v1", "Kelp")})
    index.apply({"a": _article("a", "v2", "Quintessa reactor.")})
    assert _ids(index, "zorblax") == []
    assert _ids(index, "quintessa reactor") == ["a:v2:0000"]
    assert _ids(index, "kelp") == ["b:v1:0000"]
    index.apply({"b": None})
    reopened = LexicalIndex(tmp_path / "lexical")
    assert reopened.snapshot().versions == {"a": "v2"}
    assert _ids(reopened, "kelp reactor") == ["a:v2:0000"]
    # The vocabulary's prefixes follow too: replaced and removed articles' words are gone.
    assert set(reopened.snapshot().vocabulary) == {"quint", "react"}


def test_vocabulary_answers_from_the_term_dictionary() -> None:
    index = LexicalIndex(None)  # in memory
    index.apply({"k": _article("k", "v1", "South Korea's exports rose.")})
    vocabulary = index.snapshot().vocabulary
    assert "korea" in vocabulary and "exports" in vocabulary and "k" in vocabulary  # title
    assert "korean" not in vocabulary and "" not in vocabulary
    assert vocabulary.has_prefix("korea") and not vocabulary.has_prefix("japan")
    assert set(vocabulary) == {"korea", "expor", "south"}  # five-letter prefixes, once each
    index.apply({"k": None})
    assert "korea" not in index.snapshot().vocabulary


@pytest.mark.slow
@pytest.mark.integration
def test_evidence_reads_the_vocabulary(service: RagService) -> None:
    question = "How much did Musk offer for OpenAI?"
    _, retrieved, _ = service._retrieve(question, 5, None)
    vocabulary = service.retriever.vocabulary
    assert assess(question, retrieved, vocabulary, 0.3).supported
    unknown = assess("How much did Zorblaxian Quux offer?", retrieved, vocabulary, 0.3)
    assert not unknown.supported and "Zorblaxian Quux" in unknown.reason


def test_a_lexical_index_behind_the_registry_is_brought_level_at_start(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "index", articles_dir=tmp_path)
    text = "The Zorblax turbine in Ohio feeds forty homes through the winter."
    RagService.from_settings(settings).ingest([Article(id="power", title="Grid", text=text)])
    # As if the process died between the registry commit and the lexical one.
    shutil.rmtree(tmp_path / "index" / "news_lexical")
    restarted = RagService.from_settings(settings)
    assert "zorblax" in restarted.retriever.vocabulary
    answer = restarted.ask("Where does the Zorblax turbine feed homes?")
    assert answer.answered and answer.citations[0].article_id == "power"


def test_an_index_of_another_format_is_removed_to_be_built_again(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical")
    index.apply({"a": _article("a", "v1", "Zorblax reactor.")})
    assert LexicalIndex(tmp_path / "lexical").snapshot().versions == {"a": "v1"}  # kept
    saved = tmp_path / "lexical" / "state.json"
    state = json.loads(saved.read_text())
    saved.write_text(json.dumps({**state, "format": FORMAT - 1}))  # an older release's
    reopened = LexicalIndex(tmp_path / "lexical")
    assert reopened.snapshot().versions == {} and _ids(reopened, "zorblax") == []
    reopened.apply({"a": _article("a", "v1", "Zorblax reactor.")})
    assert _ids(reopened, "zorblax") == ["a:v1:0000"]


def test_a_write_cut_short_after_its_commit_is_finished_when_reopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash between tantivy's commit and the state file: on reopening, the versions and the
    vocabulary's prefixes are those of the committed index, not of the one before."""
    folder = tmp_path / "lexical"
    LexicalIndex(folder).apply({"a": _article("a", "v1", "Zorblax reactor.")})

    def crash_at_the_state_file(file: Path, state: object) -> None:
        if file.name == "state.json":
            raise OSError("power cut")
        write_state(file, state)

    write_state = lexical._write_state
    monkeypatch.setattr(lexical, "_write_state", crash_at_the_state_file)
    with pytest.raises(OSError, match="power cut"):
        LexicalIndex(folder).apply({"a": _article("a", "v2", "Quintessa reactor.")})
    monkeypatch.undo()

    reopened = LexicalIndex(folder)
    assert reopened.snapshot().versions == {"a": "v2"}
    assert _ids(reopened, "quintessa") == ["a:v2:0000"]
    vocabulary = reopened.snapshot().vocabulary
    assert vocabulary.has_prefix("quint") and not vocabulary.has_prefix("zorbl")
    assert not (folder / "pending.json").exists()


def test_a_write_that_failed_after_its_commit_is_finished_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same process goes on after the state file could not be written: its next write
    starts from the committed state, so no old word's prefix is left counted."""
    index = LexicalIndex(tmp_path / "lexical")
    index.apply({"a": _article("a", "v1", "Zorblax reactor."), "b": _article("b", "v1", "Kelp")})
    write_state = lexical._write_state

    def crash_at_the_state_file(file: Path, state: object) -> None:
        if file.name == "state.json":
            raise OSError("disk full")
        write_state(file, state)

    monkeypatch.setattr(lexical, "_write_state", crash_at_the_state_file)
    with pytest.raises(OSError, match="disk full"):
        index.apply({"a": _article("a", "v2", "Quintessa reactor."), "b": None})
    monkeypatch.undo()

    index.apply({"a": _article("a", "v3", "Ultramar reactor.")})
    assert index.snapshot().versions == {"a": "v3"}
    assert set(index.snapshot().vocabulary) == {"ultra", "react"}


def test_a_write_cut_short_before_its_commit_leaves_the_state_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    LexicalIndex(folder).apply({"a": _article("a", "v1", "Zorblax reactor.")})
    # What a write about to commit 'a' at v2 leaves if it stops before the commit.
    state = json.loads((folder / "state.json").read_text())
    (folder / "pending.json").write_text(json.dumps({**state, "versions": {"a": "v2"}}))

    reopened = LexicalIndex(folder)
    assert reopened.snapshot().versions == {"a": "v1"}
    assert reopened.snapshot().vocabulary.has_prefix("zorbl")
    assert not (folder / "pending.json").exists()
