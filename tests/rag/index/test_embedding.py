"""The ONNX embedding model (int8) gives vectors close to those sentence-transformers (torch,
float32) gives, the same for a text whatever it is embedded with, and its graph is exported
once."""

import numpy as np
import pytest

from rag.index import onnx_export
from rag.index.embedding import OnnxEmbedding
from rag.index.onnx_export import exported
from rag.providers import build_embed_model
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


def test_vectors_close_to_sentence_transformers(onnx_model: OnnxEmbedding) -> None:
    # Imported here: loading torch for it would slow down every run's collection.
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(onnx_model.model_path), device="cpu").encode(
        TEXTS, normalize_embeddings=True
    )
    one_by_one = np.stack([onnx_model.embed([text])[0] for text in TEXTS])
    assert one_by_one.dtype == np.float32 and one_by_one.shape == reference.shape
    assert np.allclose(np.linalg.norm(one_by_one, axis=1), 1, atol=1e-5)
    # int8 matrix products: close to float32 (a single scale per matrix gave 0.83 at worst).
    assert np.all(np.sum(one_by_one * reference, axis=1) > 0.98)
    query = onnx_model.get_query_embedding(TEXTS[0])
    assert np.dot(query, reference[0]) > 0.98


def test_texts_run_unpadded(onnx_model: OnnxEmbedding) -> None:
    """The model's tokenizer.json pads every text to 128 pieces: a question of a few words
    would cost a 128-piece run."""
    assert len(onnx_model._tokenizer.encode_batch([TEXTS[1]])[0].ids) == 5  # [CLS] Colossus [SEP]


def test_a_texts_vector_does_not_depend_on_its_neighbours(onnx_model: OnnxEmbedding) -> None:
    """Texts embedded together (side by side on several threads) get the vectors they get
    alone: int8 activations are scaled per run, so a shared, padded run would shift them."""
    alone = np.stack([onnx_model.embed([text])[0] for text in TEXTS])
    together = onnx_model.embed(TEXTS * 4)
    assert together.shape == (len(TEXTS) * 4, alone.shape[1])
    assert np.allclose(together, np.tile(alone, (4, 1)), atol=1e-6)
    assert onnx_model.embed([]).shape == (0, alone.shape[1])


def test_graph_is_exported_once(onnx_model: OnnxEmbedding, monkeypatch) -> None:
    model_path = onnx_model.model_path
    graph = exported(model_path)

    def export_again(*_: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "_export", export_again)
    assert exported(model_path) == graph


def test_parts_are_read_in_their_text(onnx_model: OnnxEmbedding) -> None:
    """A part's vector comes from its text's own run; a part the run does not reach (beyond
    the model's window) is embedded alone."""
    text = TEXTS[0] + " " + TEXTS[2]  # the question, then a text the window cuts
    question = (0, len(TEXTS[0]))
    beyond = (len(text) - len("of H100 chips."), len(text))
    vectors, parts = onnx_model.embed_parts([text, TEXTS[1]], [[question, beyond], []])
    assert np.allclose(vectors, onnx_model.embed([text, TEXTS[1]]), atol=1e-6)
    assert parts[0].shape == (2, vectors.shape[1]) and parts[1].shape == (0, vectors.shape[1])
    assert np.allclose(np.linalg.norm(parts[0], axis=1), 1, atol=1e-5)
    alone = onnx_model.embed([TEXTS[0], text[beyond[0] : beyond[1]]])
    # The question in its text: its own meaning, not its neighbour's.
    assert parts[0][0] @ alone[0] > parts[0][0] @ onnx_model.embed([TEXTS[2]])[0]
    assert parts[0][0] @ alone[0] > 0.6
    assert np.allclose(parts[0][1], alone[1], atol=1e-6)
