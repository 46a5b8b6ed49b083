"""The lexical side: BM25 over passages in tantivy, an embedded full-text engine.

Dense retrieval blurs exact names, numbers and amounts; BM25 finds them. Tantivy keeps an
inverted index on disk (with a Chroma server, one per process on the machine running it), so a
question reads only the postings of its own terms and an ingest rewrites only its own article's
documents.

The lexical index mirrors the article registry: for every article it holds the passages of one
version, and it remembers which (`versions`, saved beside it with the vocabulary's prefix
counts). Questions read a `LexicalSnapshot`
— one searcher and the versions it holds — so the dense side can keep to the same versions.
"""

import json
import os
import shutil
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tantivy
from lemminflect import getAllInflections, getAllLemmas
from llama_index.core.schema import TextNode
from llama_index.core.utils import globals_helper

from rag.ingestion.splitting import held_version

# Words as `rag.text.words` cuts them (`\w+`, lower case), so the engine's term dictionary
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
_STATE_FILE = "state.json"
# The state a write is about to commit, kept until the state file says the same.
_PENDING_FILE = "pending.json"
# What the schema, analyzers and state file are: an index of another format (or of none, made
# before formats were recorded) is removed when opened, and the owner builds it again.
FORMAT = 1
_MAX_PASSAGES = 100_000  # more than any article has
PREFIX = 5  # letters shared with a known word that make a word known ('Korean' ~ 'Korea')


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("passage_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("article_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", tokenizer_name="stems", index_option="freq")
    builder.add_text_field("words", tokenizer_name="words", index_option="basic")
    builder.add_bytes_field("node", stored=True)
    return builder.build()


def _words_text(passage: TextNode) -> str:
    """What the vocabulary counts of a passage: its text and the article's names."""
    meta = passage.metadata
    named = " ".join(str(meta.get(key, "")) for key in ("title", "publisher", "author"))
    return f"{named}\n{passage.text}"


def _document(passage: TextNode) -> tantivy.Document:
    meta = passage.metadata
    return tantivy.Document(
        passage_id=passage.node_id,
        article_id=meta["article_id"],
        # As embedded: the title with the text.
        body=f"{meta.get('title', '')}\n{passage.text}",
        words=_words_text(passage),
        node=json.dumps({"text": passage.text, "metadata": meta}).encode(),
    )


@dataclass(frozen=True)
class Vocabulary:
    """Membership tests on the corpus' words: `word in vocabulary` is a term lookup in
    tantivy's dictionary; `vocabulary.has_prefix(p)` reads
    the set of five-letter prefixes the index keeps current with every write (iteration lists
    it, for inspection); a question never walks every word."""

    searcher: tantivy.Searcher
    _schema: tantivy.Schema
    prefixes: frozenset[str]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        query = tantivy.Query.term_query(self._schema, "words", word)
        return self.searcher.search(query, limit=1).count > 0

    def has_prefix(self, prefix: str) -> bool:
        return prefix in self.prefixes

    def __iter__(self) -> Iterator[str]:
        return iter(self.prefixes)


def _prefixes(passages: list[TextNode]) -> set[str]:
    """The five-letter prefixes of an article's words (as its `words` field holds them)."""
    words = (w for passage in passages for w in _WORDS.analyze(_words_text(passage)))
    return {w[:PREFIX] for w in words if len(w) >= PREFIX}


@lru_cache(maxsize=65_536)
def _forms(word: str) -> tuple[str, ...]:
    """A word's other forms: a stemmer maps 'leads' to 'lead' but not 'led', so 'Who leads
    X?' would miss 'Y led X'. Stop words keep their own ('did' would bring 'done')."""
    if word in globals_helper.stopwords:
        return (word,)
    lemmas = {lemma for found in getAllLemmas(word).values() for lemma in found}
    inflected = (
        form for lemma in lemmas for forms in getAllInflections(lemma).values() for form in forms
    )
    return (word, *inflected)


def _query_stems(question: str) -> list[str]:
    """The question's BM25 terms and those of its words' other forms."""
    forms = [form for word in _WORDS.analyze(question) for form in _forms(word)]
    return list(dict.fromkeys(_STEMS.analyze(" ".join(forms))))


@dataclass(frozen=True)
class LexicalSnapshot:
    """One committed state of the lexical index: what a question reads from start to end."""

    searcher: tantivy.Searcher
    versions: Mapping[str, str]  # article id -> content hash of the version held
    vocabulary: Vocabulary

    def search(
        self, schema: tantivy.Schema, question: str, limit: int, article_ids: set[str] | None
    ) -> list[tuple[str, float]]:
        """Ids and scores of the best `limit` passages for the question's terms, from their
        postings alone."""
        stems = _query_stems(question)
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
        return [
            (self.searcher.doc(address)["passage_id"][0], float(score))
            for score, address in self.searcher.search(query, limit=limit, count=False).hits
        ]

    def passages(self, schema: tantivy.Schema, article_id: str) -> list[TextNode]:
        """The passages held for an article."""
        query = tantivy.Query.term_query(schema, "article_id", article_id)
        hits = self.searcher.search(query, limit=_MAX_PASSAGES, count=False).hits
        return [self._node(address) for _, address in hits]

    def _node(self, address: tantivy.DocAddress) -> TextNode:
        document = self.searcher.doc(address)
        stored = json.loads(document["node"][0])
        return TextNode(
            id_=document["passage_id"][0], text=stored["text"], metadata=stored["metadata"]
        )


class LexicalIndex:
    """The tantivy index and the versions it holds; writes are the caller's to serialise
    (`ArticleIndex` writes under its write lock, so one writer exists at a time)."""

    def __init__(self, path: Path | None) -> None:
        self._schema = _schema()
        self._path = path
        if path is not None:
            _keep_only_current(path)
        self._index = tantivy.Index(self._schema, path=str(path) if path else None)
        self._index.register_tokenizer("words", _WORDS)
        self._index.register_tokenizer("stems", _STEMS)
        self._settle()
        self._swap_lock = threading.Lock()
        self._snapshot = self._read_snapshot(_State({}, Counter()))

    @property
    def schema(self) -> tantivy.Schema:
        return self._schema

    def snapshot(self) -> LexicalSnapshot:
        return self._snapshot

    def _saved_state(self, held: "_State") -> "_State":
        """The state on disk (another process may have written), else the one held."""
        saved = self._path / _STATE_FILE if self._path else None
        if saved is None or not saved.exists():
            return _State(dict(held.versions), Counter(held.prefixes))
        return _read_state(saved)

    def _settle(self) -> None:
        """Finish a write cut short between tantivy's commit and the state file: the pending
        state is the truth if the index holds the versions it names, else it never was.
        Without this, the articles it changed would be replaced again from a stale state,
        leaving the prefix counts of their old words behind."""
        if self._path is None or not (pending := self._path / _PENDING_FILE).exists():
            return
        after, before = _read_state(pending), _read_state(self._path / _STATE_FILE)
        changed = {
            article_id
            for article_id in after.versions.keys() | before.versions.keys()
            if after.versions.get(article_id) != before.versions.get(article_id)
        }
        self._index.reload()
        searcher = self._index.searcher()
        if all(self._committed(searcher, article_id, after, before) for article_id in changed):
            os.replace(pending, self._path / _STATE_FILE)
        else:
            pending.unlink(missing_ok=True)

    def _committed(
        self, searcher: tantivy.Searcher, article_id: str, after: "_State", before: "_State"
    ) -> bool:
        """Whether the index holds what the pending state says of an article: a passage of
        its new version, or none at all when it was removed (or replaced by a version without
        passages, which only the old version's absence shows)."""
        query = tantivy.Query.term_query(self._schema, "article_id", article_id)
        hits = searcher.search(query, limit=1).hits
        if not hits:
            return article_id not in after.versions or article_id in before.versions
        passage = searcher.doc(hits[0][1])["passage_id"][0]
        return article_id in after.versions and held_version(passage, after.versions)

    def _read_snapshot(self, held: "_State") -> LexicalSnapshot:
        self._index.reload()
        self._state = self._saved_state(held)
        return self._snapshot_of(self._state)

    def _snapshot_of(self, state: "_State") -> LexicalSnapshot:
        searcher = self._index.searcher()
        vocabulary = Vocabulary(searcher, self._schema, frozenset(state.prefixes))
        return LexicalSnapshot(searcher, dict(state.versions), vocabulary)

    def apply(self, changes: Mapping[str, tuple[str, list[TextNode]] | None]) -> None:
        """Replace each named article's passages by the given version's (None: remove it),
        in one commit. The state it makes (versions, prefix counts) is written beside the
        index before the commit and becomes the state file after it; a crash or failure
        between the two is settled when the index is next opened or written (`_settle`)."""
        if not changes:
            return
        with self._swap_lock:
            self._settle()  # a write of this process that failed after its commit
            self._index.reload()
            state = self._saved_state(self._state)
            before = self._snapshot_of(state)
            writer = self._index.writer(heap_size=_WRITER_HEAP, num_threads=1)
            for article_id, change in changes.items():
                if article_id in state.versions:
                    state.prefixes.subtract(_prefixes(before.passages(self._schema, article_id)))
                writer.delete_documents_by_term("article_id", article_id)
                state.versions.pop(article_id, None)
                if change is not None:
                    content_hash, passages = change
                    for passage in passages:
                        writer.add_document(_document(passage))
                    state.versions[article_id] = content_hash
                    state.prefixes.update(_prefixes(passages))
            state = _State(state.versions, +state.prefixes)  # drops the counts gone to zero
            self._save_state(state, _PENDING_FILE)
            writer.commit()
            writer.wait_merging_threads()
            self._save_state(state, _STATE_FILE)
            if self._path is not None:
                # Another process opening the index may have settled it first.
                (self._path / _PENDING_FILE).unlink(missing_ok=True)
            self._index.reload()
            self._state = state
            self._snapshot = self._snapshot_of(state)

    def _save_state(self, state: "_State", name: str) -> None:
        if self._path is not None:
            _write_state(self._path / name, state)


def _keep_only_current(path: Path) -> None:
    """An index folder ready to open: its index is of the current format, or it is new. An
    index without a state file (made before formats were recorded) is removed too: what it
    holds is unknown."""
    saved = path / _STATE_FILE
    if saved.exists() and json.loads(saved.read_text()).get("format") == FORMAT:
        return
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    _write_state(path / _STATE_FILE, _State({}, Counter()))


def _read_state(file: Path) -> "_State":
    state = json.loads(file.read_text())
    return _State(state["versions"], Counter(state["prefixes"]))


def _write_state(file: Path, state: "_State") -> None:
    """Whole or not at all, and on disk before it is used: written beside, synced, renamed."""
    temporary = file.with_name(f"{file.name}.tmp")
    with temporary.open("w") as out:
        json.dump({"format": FORMAT, "versions": state.versions, "prefixes": state.prefixes}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, file)


@dataclass(frozen=True)
class _State:
    versions: dict[str, str]  # article id -> content hash held
    prefixes: Counter[str]  # five-letter prefix -> how many held articles have it
