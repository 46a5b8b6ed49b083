"""Sentence vectors for extractive answers, computed once at ingest and stored per passage.

Extractive answers score every sentence of the retrieved passages by its similarity to the
question; embedding those sentences at question time was most of a question's cost. Each
passage's sentences (`rag.text.sentence_spans`, offsets in the article) get their vectors
at ingest, from the passage's own run of the model (the mean of its token states over each
sentence: a sentence read in its context, which ranks the answer's sentence higher than the
sentence embedded alone did, and costs no run of its own), and are kept in a
`<collection>_sentences` Chroma collection, one record per passage id: the
spans and the vectors (float16, base64) in its metadata (not its document, which Chroma would
index for full-text search). A question reads the records of its few retrieved passages only.
"""

import base64
import json
from dataclasses import dataclass

import numpy as np
from chromadb.api import ClientAPI
from llama_index.core.schema import MetadataMode, TextNode

from rag.index.embedding import VectorModel
from rag.text import sentence_spans

_NO_VECTOR = [1.0]  # records are read by id only; Chroma wants a vector for each


@dataclass(frozen=True)
class Sentences:
    spans: list[tuple[int, int]]  # as `sentence_spans(passage.text, offset=passage start)`
    vectors: np.ndarray  # float32 (len(spans), dim), unit rows, aligned with `spans`


def _encode(sentences: Sentences) -> str:
    return base64.b64encode(sentences.vectors.astype(np.float16).tobytes()).decode()


def _decode(encoded: str, spans: list[tuple[int, int]], dim: int) -> np.ndarray:
    vectors = np.frombuffer(base64.b64decode(encoded), dtype=np.float16).astype(np.float32)
    vectors = vectors.reshape(len(spans), -1) if spans else vectors.reshape(0, dim)
    # float16 keeps three decimal digits; unit length is restored exactly.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


class SentenceStore:
    def __init__(self, client: ClientAPI, collection: str, embed_model: VectorModel) -> None:
        self._records = client.get_or_create_collection(
            f"{collection}_sentences", embedding_function=None
        )
        self._embed_model = embed_model
        self._dim = embed_model.dimension

    def embed(self, passages: list[TextNode]) -> dict[str, Sentences]:
        """Embed the passages (as llama-index embeds them: with the title) and return each
        one's sentences with their vectors, which the model takes from the passage's own
        run where it can (`VectorModel.embed_parts`)."""
        texts = [p.get_content(metadata_mode=MetadataMode.EMBED) for p in passages]
        spans = [sentence_spans(p.text, offset=p.metadata["start"]) for p in passages]
        # Sentence spans as offsets in the embedded text, which ends with the passage's.
        shifts = [
            text.rindex(p.text) - p.metadata["start"]
            for text, p in zip(texts, passages, strict=True)
        ]
        vectors, sentences = self._embed_model.embed_parts(
            texts,
            [
                [(start + shift, end + shift) for start, end in each]
                for each, shift in zip(spans, shifts, strict=True)
            ],
        )
        for passage, vector in zip(passages, vectors, strict=True):
            passage.embedding = vector.tolist()
        return {
            p.node_id: Sentences(each, rows)
            for p, each, rows in zip(passages, spans, sentences, strict=True)
        }

    def add(self, passages: list[TextNode], sentences: dict[str, Sentences]) -> None:
        self._records.upsert(
            ids=[p.node_id for p in passages],
            embeddings=[_NO_VECTOR] * len(passages),
            metadatas=[
                {
                    "article_id": p.metadata["article_id"],
                    "content_hash": p.metadata["content_hash"],
                    "spans": json.dumps(sentences[p.node_id].spans),
                    "vectors": _encode(sentences[p.node_id]),
                }
                for p in passages
            ],
        )

    def get(self, passage_ids: list[str]) -> dict[str, Sentences]:
        found = self._records.get(ids=passage_ids, include=["metadatas"])
        result = {}
        for id_, meta in zip(found["ids"], found["metadatas"], strict=True):
            spans = [(start, end) for start, end in json.loads(meta["spans"])]
            result[id_] = Sentences(spans, _decode(meta["vectors"], spans, self._dim))
        return result

    def matching(self, where: dict) -> list[str]:
        """Ids of the records a `where` on article id and content hash selects."""
        return self._records.get(where=where, include=[])["ids"]

    def delete(self, passage_ids: list[str]) -> None:
        self._records.delete(ids=passage_ids)
