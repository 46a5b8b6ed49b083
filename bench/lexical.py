"""Lexical engines compared at archive scale: tantivy (what `rag.index.lexical` uses), SQLite FTS5
and bm25s, on the same synthetic passages (bench/synthetic.py) and the project's 93 questions.

For each engine and size: build time, question latency (top 10, p50/p95 over every question,
each asked once) and the cost of adding one more article of 10 passages. bm25s has no
incremental add: its figure is a rebuild of the whole index. One JSON line per engine and size.

    python bench/lexical.py --passages 20000 200000
"""

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import Stemmer
from llama_index.core.schema import TextNode
from llama_index.core.utils import globals_helper
from synthetic import passages  # beside this script

from rag.index.lexical import LexicalIndex

QUESTIONS = Path(__file__).parent.parent / "tests" / "data" / "questions.jsonl"
PER_ARTICLE = 10
TOP = 10


def _nodes(texts: list[str], first: int = 0) -> dict[str, tuple[str, list[TextNode]]]:
    """Passages grouped into articles of PER_ARTICLE, as `LexicalIndex.apply` takes them."""
    articles: dict[str, tuple[str, list[TextNode]]] = {}
    for number, text in enumerate(texts, start=first):
        article_id = f"a{number // PER_ARTICLE}"
        node = TextNode(
            id_=f"{article_id}:v:{number % PER_ARTICLE:04d}",
            text=text,
            metadata={"article_id": article_id, "title": f"Report {number // PER_ARTICLE}"},
        )
        articles.setdefault(article_id, ("v", []))[1].append(node)
    return articles


def _percentiles(run: Callable[[str], object], questions: list[str]) -> tuple[float, float]:
    timings = []
    for question in questions:
        started = time.perf_counter()
        run(question)
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=20)
    return round(statistics.median(timings), 2), round(cuts[18], 2)


def _tantivy(texts: list[str], extra: list[str], questions: list[str], folder: Path) -> dict:
    index = LexicalIndex(folder / "tantivy")
    started = time.perf_counter()
    articles = list(_nodes(texts).items())
    for start in range(0, len(articles), 2000):
        index.apply(dict(articles[start : start + 2000]))
    built = time.perf_counter() - started
    schema = index.schema
    p50, p95 = _percentiles(lambda q: index.snapshot().search(schema, q, TOP, None), questions)
    started = time.perf_counter()
    index.apply(_nodes(extra, first=len(texts)))
    return {"build_s": built, "p50_ms": p50, "p95_ms": p95, "add_one_s": _since(started)}


def _fts5(texts: list[str], extra: list[str], questions: list[str], folder: Path) -> dict:
    db = sqlite3.connect(folder / "fts.sqlite")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(body, tokenize='porter unicode61')")
    started = time.perf_counter()
    db.executemany("INSERT INTO p(body) VALUES (?)", ((t,) for t in texts))
    db.commit()
    built = time.perf_counter() - started
    stop = set(globals_helper.stopwords)

    def search(question: str) -> list:
        terms = {w for w in question.lower().replace('"', " ").split() if w not in stop}
        match = " OR ".join(f'"{t.strip("?.,!")}"' for t in terms if t.strip("?.,!"))
        sql = "SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?"
        return db.execute(sql, (match, TOP)).fetchall() if match else []

    p50, p95 = _percentiles(search, questions)
    started = time.perf_counter()
    db.executemany("INSERT INTO p(body) VALUES (?)", ((t,) for t in extra))
    db.commit()
    return {"build_s": built, "p50_ms": p50, "p95_ms": p95, "add_one_s": _since(started)}


def _bm25s(texts: list[str], extra: list[str], questions: list[str], _: Path) -> dict:
    stemmer = Stemmer.Stemmer("english")

    def build(corpus: list[str]) -> bm25s.BM25:
        retriever = bm25s.BM25()
        tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False)
        retriever.index(tokens, show_progress=False)
        return retriever

    started = time.perf_counter()
    retriever = build(texts)
    built = time.perf_counter() - started

    def search(question: str) -> object:
        tokens = bm25s.tokenize([question], stopwords="en", stemmer=stemmer, show_progress=False)
        return retriever.retrieve(tokens, k=TOP, show_progress=False)

    p50, p95 = _percentiles(search, questions)
    started = time.perf_counter()
    build(texts + extra)
    return {"build_s": built, "p50_ms": p50, "p95_ms": p95, "add_one_s": _since(started)}


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


ENGINES = {"tantivy": _tantivy, "sqlite-fts5": _fts5, "bm25s": _bm25s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, nargs="+", default=[20_000])
    parser.add_argument("--engines", nargs="+", choices=list(ENGINES), default=list(ENGINES))
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    for size in args.passages:
        texts = list(passages(size + PER_ARTICLE))
        texts, extra = texts[:size], texts[size:]
        for name in args.engines:
            with tempfile.TemporaryDirectory() as folder:
                figures = ENGINES[name](texts, extra, questions, Path(folder))
            figures["build_s"] = round(figures["build_s"], 1)
            print(json.dumps({"engine": name, "passages": size, **figures}), flush=True)


if __name__ == "__main__":
    main()
