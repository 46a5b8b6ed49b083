"""A sentence-transformers model exported to ONNX once, from its local files, and cached.

The graph takes the tokenizer's ids, attention mask and token types and returns the pooled,
unit-length sentence embedding, and the token states it pooled (from which a part of the text
gets its own vector), so running it needs neither torch nor sentence-transformers.
Its matrix products are then quantized to int8 (dynamic, one scale per output channel): half
the compute of float32 on a CPU, at a cosine of about 0.99 to the float32 vectors, with the
evaluation sets' figures held (docs/performance.md). Exporting needs torch (a project
dependency) and runs only when the cache lacks the graph for these exact model files; the
cache is `$XDG_CACHE_HOME/rag-news` (default `~/.cache`).
"""

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

# Graph input name -> attribute of a `tokenizers.Encoding`.
INPUTS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}
OUTPUTS = ["embedding", "tokens"]
_OPSET = 17
_VARIANT = "int8-tokens"  # in the cached graph's name: a graph of another kind is not reused


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag-news"


def _identity(model_path: Path) -> str:
    """Changes whenever any of the model's files does."""
    digest = hashlib.sha256()
    for file in sorted(p for p in model_path.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(model_path)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def exported(model_path: Path) -> Path:
    """The cached graph of the model at `model_path`, exported first if missing."""
    graph = _cache_dir() / f"{model_path.name}-{_identity(model_path)}-{_VARIANT}.onnx"
    if not graph.exists():
        graph.parent.mkdir(parents=True, exist_ok=True)
        log.info("exporting the embedding model to ONNX (once)", extra={"graph": str(graph)})
        # Written beside and renamed: processes starting together never load half a file.
        with tempfile.TemporaryDirectory(dir=graph.parent, suffix=".part") as folder:
            full, part = Path(folder) / "float32.onnx", Path(folder) / "int8.onnx"
            _export(model_path, full)
            _quantize(full, part)
            os.replace(part, graph)
    return graph


def _export(model_path: Path, target: Path) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be fetched at run time
    import torch
    from transformers import AutoModel, AutoTokenizer

    pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text())
    cls_pooling = bool(pooling.get("pooling_mode_cls_token"))

    class SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = AutoModel.from_pretrained(str(model_path)).eval()

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if cls_pooling:
                pooled = tokens[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
                pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=1), tokens

    sample = AutoTokenizer.from_pretrained(str(model_path))(["an example"], return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    with torch.no_grad():
        torch.onnx.export(
            SentenceEmbedding(),
            tuple(sample[name] for name in INPUTS),
            str(target),
            input_names=list(INPUTS),
            output_names=OUTPUTS,
            dynamic_axes={**axes, "embedding": {0: "batch"}, "tokens": {0: "batch", 1: "tokens"}},
            opset_version=_OPSET,
            dynamo=False,
        )


def _quantize(source: Path, target: Path) -> None:
    """int8 weights for the matrix products only (embeddings and normalisations stay float32),
    one scale per output channel: a single scale per matrix lost several times more."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        source,
        target,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
        weight_type=QuantType.QInt8,
    )
