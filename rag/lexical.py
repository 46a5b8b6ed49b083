"""The lexical side: BM25 over passages in tantivy, an embedded full-text engine.

Dense retrieval blurs exact names, numbers and amounts; BM25 finds them. Tantivy keeps an
inverted index on disk (in memory for a Chroma server, whose index directory stays unused), so a
question reads only the postings of its own terms and an ingest rewrites only its own article's
documents.

The lexical index mirrors the article registry: for every article it holds the passages of one
version, and it remembers which (`versions`, saved beside it). Questions read a `LexicalSnapshot`
— one searcher and the versions it holds — so the dense side can keep to the same versions.
"""

import json
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import tantivy
from llama_index.core.schema import TextNode

# Words as `rag.retrieval.words` cuts them (`\w+`, lower case), so the engine's term dictionary
# answers the vocabulary questions of `rag.answering.evidence` exactly.
_WORDS = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"\w+"))
    .filter(tantivy.Filter.lowercase())
    .build()
)
# BM25 terms: words of two or more characters without the English stop words, stemmed
# (Snowball English). The same analyzer cuts questions, so a question's terms are exactly the
# indexed ones.
_STEMS = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"\w\w+"))
    .filter(tantivy.Filter.lowercase())
    .filter(tantivy.Filter.stopword("english"))
    .filter(tantivy.Filter.stemmer("english"))
    .build()
)
# Writer memory: the engine's minimum is 15 MB; one article's passages fit many times over.
_WRITER_HEAP = 50_000_000
_VERSIONS_FILE = "versions.json"
PREFIX = 5  # letters shared with a known word that make a word known ('Korean' ~ 'Korea')


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("passage_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("article_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", tokenizer_name="stems", index_option="freq")
    builder.add_text_field("words", tokenizer_name="words", index_option="basic")
    builder.add_bytes_field("node", stored=True)
    return builder.build()


def _document(passage: TextNode) -> tantivy.Document:
    meta = passage.metadata
    named = " ".join(str(meta.get(key, "")) for key in ("title", "publisher", "author"))
    return tantivy.Document(
        passage_id=passage.node_id,
        article_id=meta["article_id"],
        # As embedded: the title with the text.
        body=f"{meta.get('title', '')}\n{passage.text}",
        words=f"{named}\n{passage.text}",
        node=json.dumps({"text": passage.text, "metadata": meta}).encode(),
    )


@dataclass(frozen=True)
class Vocabulary:
    """Membership tests on the corpus' words, answered from the term dictionary.

    `word in vocabulary` and `vocabulary.has_prefix(p)` cost one term lookup each. Iterating
    yields each distinct five-letter prefix once (computed on first use per snapshot): enough
    for callers that build a prefix set from the vocabulary, without materialising every word.
    """

    searcher: tantivy.Searcher
    _schema: tantivy.Schema
    _prefixes: list[str] = field(default_factory=list)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        query = tantivy.Query.term_query(self._schema, "words", word)
        return self.searcher.search(query, limit=1).count > 0

    def has_prefix(self, prefix: str) -> bool:
        return bool(
            self.searcher.terms_with_prefix(
                "words", prefix, filter_query=tantivy.Query.all_query(), limit=1
            )
        )

    def __iter__(self) -> Iterator[str]:
        if not self._prefixes:
            terms = self.searcher.terms_with_prefix(
                "words", "", filter_query=tantivy.Query.all_query()
            )
            self._prefixes.extend(sorted({t[:PREFIX] for t, n in terms if n and len(t) >= PREFIX}))
        return iter(self._prefixes)


@dataclass(frozen=True)
class LexicalSnapshot:
    """One committed state of the lexical index: what a question reads from start to end."""

    searcher: tantivy.Searcher
    versions: Mapping[str, str]  # article id -> content hash of the version held
    vocabulary: Vocabulary

    def search(
        self, schema: tantivy.Schema, question: str, limit: int, article_ids: set[str] | None
    ) -> list[tuple[TextNode, float]]:
        """The best `limit` passages for the question's terms, from their postings alone."""
        stems = list(dict.fromkeys(_STEMS.analyze(question)))
        if not stems:
            return []
        terms = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", stem))
                for stem in stems
            ]
        )
        query = terms
        if article_ids is not None:
            within = tantivy.Query.term_set_query(schema, "article_id", sorted(article_ids))
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, terms), (tantivy.Occur.Must, within)]
            )
        found = []
        for score, address in self.searcher.search(query, limit=limit, count=False).hits:
            document = self.searcher.doc(address)
            stored = json.loads(document["node"][0])
            node = TextNode(
                id_=document["passage_id"][0], text=stored["text"], metadata=stored["metadata"]
            )
            found.append((node, float(score)))
        return found


class LexicalIndex:
    """The tantivy index and the versions it holds; writes are the caller's to serialise
    (`ArticleIndex` writes under its write lock, so one writer exists at a time)."""

    def __init__(self, path: Path | None) -> None:
        self._schema = _schema()
        self._path = path
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        self._index = tantivy.Index(self._schema, path=str(path) if path else None)
        self._index.register_tokenizer("words", _WORDS)
        self._index.register_tokenizer("stems", _STEMS)
        self._swap_lock = threading.Lock()
        self._snapshot = self._read_snapshot({})

    @property
    def schema(self) -> tantivy.Schema:
        return self._schema

    def snapshot(self) -> LexicalSnapshot:
        return self._snapshot

    def _saved_versions(self, held: Mapping[str, str]) -> dict[str, str]:
        """The versions on disk (another process may have written), else those held."""
        saved = self._path / _VERSIONS_FILE if self._path else None
        if saved is None or not saved.exists():
            return dict(held)
        return json.loads(saved.read_text())

    def _read_snapshot(self, held: Mapping[str, str]) -> LexicalSnapshot:
        self._index.reload()
        searcher = self._index.searcher()
        versions = self._saved_versions(held)
        return LexicalSnapshot(searcher, versions, Vocabulary(searcher, self._schema))

    def refresh(self) -> None:
        """Pick up commits made by another process on the same directory."""
        with self._swap_lock:
            self._snapshot = self._read_snapshot(self._snapshot.versions)

    def apply(self, changes: Mapping[str, tuple[str, list[TextNode]] | None]) -> None:
        """Replace each named article's passages by the given version's (None: remove it),
        in one commit. The versions file is written after the commit: a crash between the two
        leaves those articles to be replaced again by the next `sync`."""
        if not changes:
            return
        with self._swap_lock:
            self._index.reload()
            versions = self._saved_versions(self._snapshot.versions)
            writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
            for article_id, change in changes.items():
                writer.delete_documents_by_term("article_id", article_id)
                versions.pop(article_id, None)
                if change is not None:
                    content_hash, passages = change
                    for passage in passages:
                        writer.add_document(_document(passage))
                    versions[article_id] = content_hash
            writer.commit()
            writer.wait_merging_threads()
            self._save_versions(versions)
            self._index.reload()
            searcher = self._index.searcher()
            self._snapshot = LexicalSnapshot(searcher, versions, Vocabulary(searcher, self._schema))

    def _save_versions(self, versions: dict[str, str]) -> None:
        if self._path is None:
            return
        temporary = self._path / f"{_VERSIONS_FILE}.tmp"
        temporary.write_text(json.dumps(versions))
        os.replace(temporary, self._path / _VERSIONS_FILE)
