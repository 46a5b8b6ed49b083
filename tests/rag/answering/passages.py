"""Retrieved passages written for a test, with their sentences' vectors.

`MockEmbedding` gives every sentence and question the same vector, so all are as close in
meaning as can be and the choice rests on what the answerer reads in the words.
"""

import numpy as np
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.schema import NodeWithScore, TextNode

from rag.retrieval import RetrievedPassage
from rag.text import sentence_spans

EMBED = MockEmbedding(embed_dim=8)


def passage(article_id: str, title: str, text: str, start: int = 0) -> RetrievedPassage:
    """A retrieved passage at `start` in its article, with its sentences' vectors."""
    meta = {"article_id": article_id, "title": title, "start": start, "end": start + len(text)}
    spans = sentence_spans(text, offset=start)
    sentences = [text[s - start : e - start] for s, e in spans]
    vectors = np.asarray(EMBED.get_text_embedding_batch(sentences), dtype=np.float32)
    node = NodeWithScore(node=TextNode(text=text, metadata=meta), score=1.0)
    return RetrievedPassage(node, 1.0, 0.5, spans, vectors)
