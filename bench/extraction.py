"""Article text extraction scored against the article-extraction-benchmark's ground truth.

The benchmark (Scrapinghub, MIT licence) holds 181 real news and blog pages, saved as HTML,
with each article's body written out by hand. Get it and run:

    git clone https://github.com/scrapinghub/article-extraction-benchmark
    python bench/extraction.py article-extraction-benchmark

Each page goes through `rag.ingestion.reading.article_from_text(..., ".html")`, so the score
is that of the text the service would store (title excluded); a page the service refuses
scores as empty.
The metric is the benchmark's own (its `evaluate.py`): token 4-gram shingles of the body,
true/false positives and false negatives normalized per page, precision and recall averaged
over pages, F1 from those averages. Rows: all pages, and the pages whose ground truth is English
(the service refuses other languages).
"""

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path

import py3langid

from rag.errors import ArticleError
from rag.ingestion.reading import article_from_text

_TOKEN = re.compile(r"\w+")
_SHINGLE = 4

Counts = tuple[float, float, float]


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    """Every run of four tokens (the whole text when it is shorter)."""
    tokens = _TOKEN.findall(text)
    runs = (tuple(tokens[i : i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1)))
    return Counter(run for run in runs if run)


def shingle_counts(true: str, pred: str) -> Counts:
    """True positives, false positives and false negatives over shingles, summing to 1."""
    truth, found = _shingles(true), _shingles(pred)
    tp = sum((truth & found).values())
    fp = sum((found - truth).values())
    fn = sum((truth - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else tp / (tp + fn)


def scores(pages: list[Counts]) -> dict[str, float]:
    """Precision and recall averaged over the pages where they are defined, and their F1."""
    precision = statistics.mean(_precision(*c) for c in pages if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in pages if c[0] + c[2] > 0)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def page_f1(true: str, pred: str) -> float:
    """One page's F1 on the benchmark's shingles."""
    tp, fp, fn = shingle_counts(true, pred)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _stored_text(page_id: str, html: str) -> tuple[str, str | None]:
    """The text the service would store for the page, and why it refused the page if it did."""
    try:
        return article_from_text(page_id, html, ".html").text, None
    except ArticleError as exc:
        return "", re.sub(rf"^article {re.escape(repr(page_id))}:? ", "", str(exc)).split(" (")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmark", type=Path, help="folder with ground-truth.json and html/")
    args = parser.parse_args()
    truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    counts: dict[str, Counts] = {}
    refused: Counter[str] = Counter()
    started = time.perf_counter()
    for page_id, expected in sorted(truth.items()):
        path = args.benchmark / "html" / f"{page_id}.html.gz"
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        text, reason = _stored_text(page_id, html)
        if reason:
            refused[reason] += 1
        counts[page_id] = shingle_counts(expected["articleBody"], text)
    seconds = time.perf_counter() - started
    english = [k for k, v in truth.items() if py3langid.classify(v["articleBody"])[0] == "en"]
    print(f"{'pages':<22} {'n':>4} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, keys in (("all", list(counts)), ("English ground truth", english)):
        row = scores([counts[k] for k in keys])
        print(
            f"{name:<22} {len(keys):>4} {row['precision']:>9.3f} {row['recall']:>7.3f} "
            f"{row['f1']:>6.3f}"
        )
    print(f"refused: {sum(refused.values())} {dict(refused)}")
    print(f"extraction time: {seconds:.1f} s for {len(counts)} pages")


if __name__ == "__main__":
    main()
