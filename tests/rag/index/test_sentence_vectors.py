"""Sentence vectors are computed at ingest and read back for the retrieved passages only."""

from pathlib import Path

import numpy as np
import pytest
from llama_index.core.schema import MetadataMode

from rag.models import Article
from rag.service import RagService
from rag.text import sentence_spans
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]


def test_retrieved_passages_carry_their_sentences(service: RagService) -> None:
    _, retrieved, _ = service._retrieve("How much did Musk offer for OpenAI?", 5, None)
    assert retrieved
    for passage in retrieved:
        node = passage.node.node
        assert passage.sentence_spans == sentence_spans(node.text, offset=node.metadata["start"])
        vectors = passage.sentence_vectors
        assert vectors.dtype == np.float32
        assert vectors.shape == (len(passage.sentence_spans), 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        # The stored vectors are the sentences read in their passage as embedded (with its
        # title), float16 storage aside.
        indexed = next(p for p in service.index.all_passages() if p.node_id == node.node_id)
        text = indexed.get_content(metadata_mode=MetadataMode.EMBED)
        shift = len(text) - len(node.text) - node.metadata["start"]
        spans = [(start + shift, end + shift) for start, end in passage.sentence_spans]
        _, (expected,) = service.embed_model.embed_parts([text], [spans])
        assert np.all(np.sum(vectors * expected, axis=1) > 0.999)


def test_no_sentence_is_embedded_at_question_time(
    service: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded: list[list[str]] = []
    real = type(service.embed_model).embed

    def counting(model, texts: list[str]) -> np.ndarray:
        embedded.append(texts)
        return real(model, texts)

    monkeypatch.setattr(type(service.embed_model), "embed", counting)
    answer = service.ask("How many H100s does Colossus have?")
    assert answer.answered
    assert embedded == [["How many H100s does Colossus have?"]]  # the question alone


def test_replaced_and_deleted_articles_leave_no_sentence_records(tmp_path: Path) -> None:
    rag = RagService.from_settings(make_settings(tmp_path / "index", articles_dir=tmp_path))
    text = " ".join(f"Line {n} says the ferry left at {n} o'clock sharp." for n in range(40))
    rag.ingest([Article(id="ferry", title="Ferry", text=text)])
    rag.ingest([Article(id="ferry", title="Ferry", text="The ferry was cancelled today.")])
    rag.ingest([Article(id="other", title="Other", text="A canal lock was repainted.")])
    records = rag.index.sentences.matching({"article_id": "ferry"})
    assert records == [p.node_id for p in rag.index.all_passages() if p.node_id in records]
    assert len(records) == 1
    rag.delete("ferry")
    assert rag.index.sentences.matching({"article_id": "ferry"}) == []
