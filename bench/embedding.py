"""The embedding model alone: a question's embedding, and one article's at ingest.

Query: the project's questions (`tests/data/questions.jsonl`) embedded one at a time through
`get_query_embedding`, the call a question makes, after `--warmup` of them; p50 and p95 in ms,
and the part of it spent in the graph run itself. Ingest: the first shipped article's passages
(as embedded: with the title) and their sentences, embedded as `ArticleIndex`
embeds them at ingest (`SentenceStore.embed`); the median of `--repeat` runs, in seconds.

    python bench/embedding.py [--warmup 10] [--repeat 5]
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"


def _percentiles(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import chromadb
    import numpy as np

    from rag.config import DEFAULT_ARTICLES_DIR, Settings
    from rag.index.onnx_export import INPUTS
    from rag.index.sentence_vectors import SentenceStore
    from rag.ingestion.reading import read_article
    from rag.ingestion.splitting import PassageSplitter
    from rag.providers import build_embed_model

    settings = Settings(_env_file=None)
    model = build_embed_model(settings)
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    for question in questions[: args.warmup]:
        model.get_query_embedding(question)
    query_ms, graph_ms = [], []
    for question in questions[args.warmup :]:
        started = time.perf_counter()
        model.get_query_embedding(question)
        query_ms.append((time.perf_counter() - started) * 1000)
    for question in questions[args.warmup :]:  # the graph run alone, same inputs
        encoding = model._tokenizer.encode(question)
        feeds = {
            name: np.array([getattr(encoding, field)], np.int64) for name, field in INPUTS.items()
        }
        started = time.perf_counter()
        model._session.run(None, feeds)
        graph_ms.append((time.perf_counter() - started) * 1000)

    article = read_article(sorted(DEFAULT_ARTICLES_DIR.glob("*.txt"))[0])
    splitter = PassageSplitter(settings.chunk_size, settings.chunk_overlap, model.word_pieces)
    passages = splitter.split(article, "bench")
    sentences = SentenceStore(chromadb.EphemeralClient(), "bench", model)
    ingest_s = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        found = sentences.embed(passages)
        ingest_s.append(time.perf_counter() - started)

    query_p50, query_p95 = _percentiles(query_ms)
    graph_p50, graph_p95 = _percentiles(graph_ms)
    print(
        json.dumps(
            {
                "questions": len(query_ms),
                "query_p50_ms": round(query_p50, 2),
                "query_p95_ms": round(query_p95, 2),
                "graph_p50_ms": round(graph_p50, 2),
                "graph_p95_ms": round(graph_p95, 2),
                "article_passages": len(passages),
                "article_sentences": sum(len(each.spans) for each in found.values()),
                "article_embed_s": round(statistics.median(ingest_s), 3),
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
