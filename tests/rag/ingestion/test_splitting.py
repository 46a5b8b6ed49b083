from rag.ingestion.splitting import PassageSplitter, held_version
from rag.models import Article

_HASH = "0123456789abcdef" * 4


def _passages(article_id: str = "grid.v2-report") -> list:
    text = "\n".join(f"Paragraph {n} says the grid held for {n} days." for n in range(30))
    splitter = PassageSplitter(chunk_size=40, chunk_overlap=0, tokenizer=str.split)
    return splitter.split(Article(id=article_id, title="Grid", text=text), _HASH)


def test_passages_point_into_the_article_and_carry_their_version() -> None:
    passages = _passages()
    assert len(passages) > 1
    text = "\n".join(f"Paragraph {n} says the grid held for {n} days." for n in range(30))
    for number, passage in enumerate(passages):
        assert text[passage.metadata["start"] : passage.metadata["end"]] == passage.text
        assert passage.node_id == f"grid.v2-report:{_HASH[:12]}:{number:04d}"
        assert passage.metadata["content_hash"] == _HASH


def test_a_passage_id_tells_whether_its_version_is_the_one_held() -> None:
    passage = _passages()[0].node_id
    assert held_version(passage, {"grid.v2-report": _HASH})
    assert not held_version(passage, {"grid.v2-report": "f" * 64})  # replaced since
    assert not held_version(passage, {})  # deleted, or not yet committed
    assert not held_version(passage, {"grid": _HASH})  # another article's version
