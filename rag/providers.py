"""Chroma: embedded on disk by default, or a Chroma server when CHROMA_HOST is set."""

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from rag.config import Settings


def build_chroma_client(settings: Settings) -> ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
