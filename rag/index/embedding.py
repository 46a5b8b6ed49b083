"""The embedding model: local and run by ONNX Runtime, or an OpenAI-compatible endpoint.

Locally, a sentence-transformers model (the bundled all-MiniLM-L6-v2 unless
`RAG_EMBEDDING_MODEL` names another) is exported to ONNX once, with its pooling and
normalisation inside the graph, and cached on disk (`rag.index.onnx_export`); every
process after that loads the cached graph and the model's own fast tokenizer, without torch. A
question costs one small graph run on one thread (more threads only contend for so little
work); an ingest runs its texts side by side, one thread each, on every core it may use.
With `RAG_EMBEDDING_URL`, texts go to that endpoint's `/embeddings` through the `openai` client
instead, and `RAG_EMBEDDING_MODEL` names the model.
"""

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import openai
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr
from tokenizers import Encoding, Tokenizer

from rag.index.onnx_export import INPUTS, OUTPUTS

_REMOTE_BATCH = 128  # texts per request to an embeddings endpoint
BUNDLED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


Span = tuple[int, int]  # character offsets in a text


class VectorModel(BaseEmbedding):
    """What the index needs of an embedding model: unit vectors for many texts at once
    (`embed`), for texts and parts of them (`embed_parts`), their width, and word pieces to
    size passages by. llama-index's calls all end in `embed`."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 (len(texts), dimension), unit rows."""
        raise NotImplementedError

    def embed_parts(
        self, texts: list[str], parts: list[list[Span]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector, and a unit vector for each of its parts (`parts[i]`: spans of
        `texts[i]`), float32 (len(parts[i]), dimension). Here each distinct part is embedded
        on its own."""
        pieces = [
            [text[start:end] for start, end in spans]
            for text, spans in zip(texts, parts, strict=True)
        ]
        unique = list(dict.fromkeys(piece for each in pieces for piece in each))
        found = self.embed(texts + unique)
        row = {piece: n for n, piece in enumerate(unique, start=len(texts))}
        return found[: len(texts)], [found[[row[piece] for piece in each]] for each in pieces]

    @property
    def dimension(self) -> int:
        raise NotImplementedError

    def word_pieces(self, text: str) -> list[int]:
        raise NotImplementedError

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()


def _word_piece_counter(model_path: Path) -> Tokenizer:
    counter = Tokenizer.from_file(str(model_path / "tokenizer.json"))
    counter.no_truncation()
    counter.no_padding()
    return counter


class OnnxEmbedding(VectorModel):
    """Unit-length sentence embeddings from an exported sentence-transformers model."""

    _session: onnxruntime.InferenceSession = PrivateAttr()
    _runners: ThreadPoolExecutor = PrivateAttr()
    _tokenizer: Tokenizer = PrivateAttr()
    _counter: Tokenizer = PrivateAttr()

    def __init__(self, name: str, model_path: Path, graph: Path, **kwargs: Any) -> None:
        # `embed` schedules its texts itself; llama-index hands it many at once.
        super().__init__(model_name=name, embed_batch_size=1024, **kwargs)
        self._path = model_path
        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(config["max_seq_length"])
        self._tokenizer.no_padding()  # tokenizer.json pads to 128: each text runs alone
        self._counter = _word_piece_counter(model_path)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(graph), options, providers=["CPUExecutionProvider"]
        )
        # Runs of one session may overlap (each releases the GIL): the cores an ingest uses.
        self._runners = ThreadPoolExecutor(len(os.sched_getaffinity(0)), "embedding")

    @property
    def model_path(self) -> Path:
        return self._path

    @property
    def dimension(self) -> int:
        return self._session.get_outputs()[0].shape[1]

    def word_pieces(self, text: str) -> list[int]:
        """The model's own word pieces (no special tokens), the units it truncates at."""
        return self._counter.encode(text, add_special_tokens=False).ids

    def embed(self, texts: list[str]) -> np.ndarray:
        """float32 (len(texts), dim), unit rows. Each text runs alone: nothing is padded, and
        a text's vector never depends on its neighbours (the int8 graph scales its activations
        per run). Many texts run side by side, one per core."""
        runs = self._run(self._tokenizer.encode_batch(texts), ["embedding"])
        return np.array([vector for (vector,) in runs], np.float32).reshape(-1, self.dimension)

    def embed_parts(
        self, texts: list[str], parts: list[list[Span]]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """A part's vector is the mean of the text's own token states over the part (the
        model's pooling, applied to the part in its context): one run per text, none per
        part. Parts the run does not reach (truncated) are embedded alone."""
        encodings = self._tokenizer.encode_batch(texts)
        runs = self._run(encodings, OUTPUTS)
        pooled, alone = [], []
        for text, encoding, spans, (_, tokens) in zip(texts, encodings, parts, runs, strict=True):
            offsets = np.array(encoding.offsets).reshape(-1, 2)
            words = offsets[:, 1] > offsets[:, 0]  # not the special tokens
            reached = offsets[words, 1].max(initial=0)
            rows = np.zeros((len(spans), tokens.shape[1]), np.float32)
            for n, (start, end) in enumerate(spans):
                inside = words & (offsets[:, 0] >= start) & (offsets[:, 1] <= end)
                if end <= reached and inside.any():
                    rows[n] = tokens[inside].mean(axis=0)
                else:
                    alone.append((rows, n, text[start:end]))
            pooled.append(rows)
        if alone:
            vectors = self.embed([piece for _, _, piece in alone])
            for (rows, n, _), vector in zip(alone, vectors, strict=True):
                rows[n] = vector
        for rows in pooled:
            rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        vectors = np.array([vector for vector, _ in runs], np.float32)
        return vectors.reshape(-1, self.dimension), pooled

    def _run(self, encodings: list[Encoding], outputs: list[str]) -> list[list[np.ndarray]]:
        """Each text's `outputs` of one run of its own, on the cores' threads when there are
        several texts."""

        def run(encoding: Encoding) -> list[np.ndarray]:
            feeds = {
                name: np.array([getattr(encoding, field)], np.int64)
                for name, field in INPUTS.items()
            }
            return [output[0] for output in self._session.run(outputs, feeds)]

        return list(
            map(run, encodings) if len(encodings) < 2 else self._runners.map(run, encodings)
        )


class RemoteEmbedding(VectorModel):
    """Vectors from an OpenAI-compatible `/embeddings` endpoint, normalised here. Passages are
    sized with the bundled model's word pieces, a close stand-in for any modern tokenizer."""

    _client: openai.OpenAI = PrivateAttr()
    _counter: Tokenizer = PrivateAttr()
    _dimension: int = PrivateAttr(default=0)

    def __init__(self, name: str, client: openai.OpenAI, counter_path: Path, **kwargs: Any):
        super().__init__(model_name=name, embed_batch_size=1024, **kwargs)
        self._client = client
        self._counter = _word_piece_counter(counter_path)

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = []
        for start in range(0, len(texts), _REMOTE_BATCH):
            reply = self._client.embeddings.create(
                model=self.model_name, input=texts[start : start + _REMOTE_BATCH]
            )
            rows += [item.embedding for item in sorted(reply.data, key=lambda item: item.index)]
        vectors = np.asarray(rows, np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    @property
    def dimension(self) -> int:
        if not self._dimension:  # asked once: the endpoint says by answering
            self._dimension = self.embed(["dimension"]).shape[1]
        return self._dimension

    def word_pieces(self, text: str) -> list[int]:
        return self._counter.encode(text, add_special_tokens=False).ids
