"""Split a cleaned article into passages that fit the embedding model's window."""

from collections.abc import Callable, Mapping

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import TextNode

from rag.models import Article

# Metadata kept on every passage; only the title is embedded with the text, none is quoted.
PASSAGE_METADATA = ("article_id", "title", "publisher", "date", "author", "url")


_HASH_PREFIX = 12  # hex digits of the content hash in a passage id


def passage_id(article_id: str, content_hash: str, number: int) -> str:
    """Each version of an article has its own passage ids (rag/index/store.py)."""
    return f"{article_id}:{content_hash[:_HASH_PREFIX]}:{number:04d}"


def held_version(passage: str, versions: Mapping[str, str]) -> bool:
    """Whether a passage id is of the version `versions` (article id -> content hash) holds
    for its article: read from the id alone, so a search can keep to those versions without
    reading its hits' metadata."""
    article_id, prefix, _ = passage.rsplit(":", 2)
    return versions.get(article_id, "")[:_HASH_PREFIX] == prefix


class PassageSplitter:
    def __init__(
        self, chunk_size: int, chunk_overlap: int, tokenizer: Callable[[str], list]
    ) -> None:
        self._splitter = SentenceSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            tokenizer=tokenizer,
            paragraph_separator="\n",
            include_prev_next_rel=False,
        )

    def split(self, article: Article, content_hash: str) -> list[TextNode]:
        metadata = {
            key: value
            for key, value in article.model_dump(include=set(PASSAGE_METADATA)).items()
            if value is not None
        }
        metadata["article_id"] = article.id
        document = Document(
            id_=article.id,
            text=article.text,
            metadata=metadata,
            excluded_embed_metadata_keys=[k for k in metadata if k != "title"],
            excluded_llm_metadata_keys=list(metadata),
            metadata_template="{value}",
        )
        nodes = self._splitter.get_nodes_from_documents([document])
        passages = []
        for number, node in enumerate(nodes):
            start, end = node.start_char_idx, node.end_char_idx
            if start is None or article.text[start:end] != node.text:
                raise RuntimeError(f"passage {number} of {article.id} lost its offsets")
            node.id_ = passage_id(article.id, content_hash, number)
            node.metadata.update(start=start, end=end, content_hash=content_hash)
            node.excluded_embed_metadata_keys += ["start", "end", "content_hash"]
            node.excluded_llm_metadata_keys += ["start", "end", "content_hash"]
            passages.append(node)
        return passages
