"""The ONNX embedding model gives the vectors sentence-transformers (torch) gives, and its
graph is exported once."""

import numpy as np
import pytest

from rag.index import onnx_export
from rag.index.embedding import OnnxEmbedding, build_embed_model
from rag.index.onnx_export import exported
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]

TEXTS = [
    "How much did Musk offer for OpenAI?",
    "Colossus",
    # Longer than the model's 256-piece window: truncated the same way.
    " ".join(f"The data centre in Memphis added {n} racks of H100 chips." for n in range(60)),
]


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedding:
    return build_embed_model(make_settings(tmp_path_factory.mktemp("unused")))


def test_same_vectors_as_sentence_transformers(onnx_model: OnnxEmbedding) -> None:
    # Imported here: loading torch for it would slow down every run's collection.
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(onnx_model.model_path), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    together = onnx_model.embed(TEXTS)  # padded to the longest in one batch
    one_by_one = np.stack([onnx_model.embed([text])[0] for text in TEXTS])
    for vectors in (together, one_by_one):
        assert vectors.dtype == np.float32 and vectors.shape == reference.shape
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
        assert np.all(np.sum(vectors * reference, axis=1) > 0.9999)
    query = onnx_model.get_query_embedding(TEXTS[0])
    assert np.dot(query, reference[0]) > 0.9999


def test_graph_is_exported_once(onnx_model: OnnxEmbedding, monkeypatch) -> None:
    model_path = onnx_model.model_path
    graph = exported(model_path)

    def export_again(*_: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "_export", export_again)
    assert exported(model_path) == graph
