"""The service at archive scale: fill an index with N passages, then measure a fresh process.

Fill: synthetic articles of 10 passages (bench/synthetic.py text; random unit vectors for the
passages and their sentences instead of the embedding model, and passages cut at the
synthetic paragraph breaks instead of by the splitter) go through the project's own write path,
`ArticleIndex.write`: the sentence store, the Chroma passages and registry, the journal and the
lexical index, a batch of articles per commit. Then the five shipped articles are ingested for
real, so the questions have true answers to find among the synthetic ones.

Measure, in a new process: `start_s` (imports, model, repair, until the first question is
answered), `ask_p50_ms`/`ask_p95_ms` (the 93 project questions, each asked once in that
process, extractive, in-process), `ingest_one_s` (a real article through the real embedding
model) and its parts (`ingest_embed_s` embedding, `ingest_write_s` the write under the lock,
`ingest_chroma_s` and `ingest_lexical_s` Chroma's calls and the lexical commit within it),
`rss_mb` (peak). With a Chroma server, `replica_lag_ms`: a second process writes an article;
the time until the first answers from it.

    python bench/scale.py --passages 20000 [--chroma-host H --chroma-port P] --json
"""

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST"):
    os.environ.pop(name, None)

ROOT = Path(__file__).parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"
PER_ARTICLE = 10
ARTICLES_PER_WRITE = 500


def _settings(index_dir: Path, host: str | None, port: int, collection: str):
    from rag.config import Settings

    return Settings(
        _env_file=None,
        index_dir=index_dir,
        chroma_host=host,
        chroma_port=port,
        collection=collection,
        log_level="WARNING",
    )


def _synthetic(number: int, texts: list[str], dim: int, rng):
    """One synthetic article, split and 'embedded', as `ArticleIndex.write` takes it."""
    import numpy as np
    from llama_index.core.schema import TextNode

    from rag.index.sentence_vectors import Sentences
    from rag.index.store import PreparedArticle
    from rag.ingestion.splitting import passage_id
    from rag.models import Article
    from rag.text import sentence_spans

    article = Article(
        id=f"syn{number:07d}", title=f"Synthetic report {number}", text="\n".join(texts)
    )
    content_hash = hashlib.sha256(article.text.encode()).hexdigest()
    passages, sentences, start = [], {}, 0
    for n, text in enumerate(texts):
        meta = {
            "article_id": article.id,
            "title": article.title,
            "start": start,
            "end": start + len(text),
            "content_hash": content_hash,
        }
        vector = rng.standard_normal(dim).astype(np.float32)
        node = TextNode(
            id_=passage_id(article.id, content_hash, n),
            text=text,
            metadata=meta,
            embedding=(vector / np.linalg.norm(vector)).tolist(),
            excluded_embed_metadata_keys=[k for k in meta if k != "title"],
            excluded_llm_metadata_keys=list(meta),
        )
        spans = sentence_spans(text, offset=start)
        rows = rng.standard_normal((len(spans), dim)).astype(np.float32)
        sentences[node.node_id] = Sentences(spans, rows / np.linalg.norm(rows, axis=1)[:, None])
        passages.append(node)
        start += len(text) + 1
    return PreparedArticle(article, content_hash, passages, sentences)


def fill(args: argparse.Namespace) -> float:
    import numpy as np
    from synthetic import passages  # beside this script

    from rag.config import DEFAULT_ARTICLES_DIR
    from rag.service import RagService

    started = time.perf_counter()
    service = RagService.from_settings(
        _settings(args.index_dir, args.chroma_host, args.chroma_port, args.collection)
    )
    rng = np.random.default_rng(1)
    dim = service.embed_model.dimension
    texts = passages(args.passages)
    articles = args.passages // PER_ARTICLE
    for first in range(0, articles, ARTICLES_PER_WRITE):
        batch = [
            _synthetic(n, [next(texts) for _ in range(PER_ARTICLE)], dim, rng)
            for n in range(first, min(first + ARTICLES_PER_WRITE, articles))
        ]
        service.index.write(batch)
        print(f"filled {first + len(batch)} of {articles} articles", file=sys.stderr, flush=True)
    service.ingest_paths([DEFAULT_ARTICLES_DIR])
    service.close()  # a restart on this machine takes up the lexical index kept here
    return time.perf_counter() - started


def measure(args: argparse.Namespace) -> dict:
    """Run in a fresh process: everything a restarted service pays."""
    started = time.perf_counter()
    from rag.config import DEFAULT_ARTICLES_DIR
    from rag.ingestion.reading import read_article
    from rag.models import Article
    from rag.service import RagService

    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    service = RagService.from_settings(
        _settings(args.index_dir, args.chroma_host, args.chroma_port, args.collection)
    )
    service.ask(questions[0])
    start_s = time.perf_counter() - started
    timings = []
    for question in questions[1:]:
        asked = time.perf_counter()
        service.ask(question)
        timings.append((time.perf_counter() - asked) * 1000)
    real = read_article(sorted(DEFAULT_ARTICLES_DIR.glob("*.txt"))[0])
    fresh = Article(**{**real.model_dump(), "id": f"fresh-{time.time_ns()}"})
    profile = cProfile.Profile()
    ingested = time.perf_counter()
    profile.runcall(service.ingest, [fresh])
    ingest_one_s = time.perf_counter() - ingested
    figures = {
        "start_s": round(start_s, 2),
        "ask_p50_ms": round(statistics.median(timings), 1),
        "ask_p95_ms": round(statistics.quantiles(timings, n=20)[18], 1),
        "ingest_one_s": round(ingest_one_s, 2),
        **_ingest_parts(profile),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.chroma_host:
        figures["replica_lag_ms"] = _replica_lag(service, args)
    return figures


# Where one article's ingest goes: the functions whose cumulative time is reported.
_INGEST_PARTS = {
    "ingest_embed_s": ("rag/index/embedding.py", {"embed_parts"}),
    "ingest_write_s": ("rag/index/store.py", {"write"}),
    "ingest_chroma_s": ("chromadb/api/rust.py", {"_add", "_upsert", "_get", "_delete"}),
    "ingest_lexical_s": ("rag/index/lexical.py", {"apply"}),
}


def _ingest_parts(profile: cProfile.Profile) -> dict[str, float]:
    """The ingest's time in embedding, in the whole write (under the write lock), and in
    Chroma's calls and the lexical commit within it."""
    stats = pstats.Stats(profile).stats  # (file, line, function) -> (.., .., .., cumulative, ..)
    return {
        field: round(
            sum(
                timing[3]
                for (file, _, function), timing in stats.items()
                if file.endswith(path) and function in names
            ),
            2,
        )
        for field, (path, names) in _INGEST_PARTS.items()
    }


def _replica_lag(service, args: argparse.Namespace) -> float:
    """Another process writes an article; how long until this one answers from it."""
    code = (
        "import sys; from bench.scale import _settings; from pathlib import Path;"
        "from rag.models import Article; from rag.service import RagService;"
        "s = RagService.from_settings("
        f"_settings(Path({str(args.index_dir.parent / 'writer')!r}), {args.chroma_host!r}, "
        f"{args.chroma_port}, {args.collection!r}));"
        " print('READY', flush=True); sys.stdin.readline();"
        "s.ingest([Article(id='lag', title='Lag probe', text='The Quorvath beacon was lit "
        "on the pier at dawn by the harbour master.')]); print('WRITTEN', flush=True)"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert writer.stdout and writer.stdin
    assert writer.stdout.readline().strip() == "READY"
    writer.stdin.write("go\n")
    writer.stdin.flush()
    assert writer.stdout.readline().strip() == "WRITTEN"
    written = time.perf_counter()
    while not any(
        p.article_id == "lag" for p in service.ask("Who lit the Quorvath beacon?").passages
    ):
        if time.perf_counter() - written > 30:
            return float("inf")
        time.sleep(0.01)
    writer.wait(timeout=30)
    return round((time.perf_counter() - written) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, required=True)
    parser.add_argument("--chroma-host")
    parser.add_argument("--chroma-port", type=int, default=8000)
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default)")
    parser.add_argument("--index-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--collection", default=f"scale{os.getpid()}", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args)))
        return
    with tempfile.TemporaryDirectory() as folder:
        args.index_dir = Path(folder) / "index"
        fill_s = fill(args)
        child = [
            sys.executable,
            __file__,
            "--measure",
            "--passages",
            str(args.passages),
            "--index-dir",
            str(args.index_dir),
            "--collection",
            args.collection,
            "--chroma-port",
            str(args.chroma_port),
        ]
        if args.chroma_host:
            child += ["--chroma-host", args.chroma_host]
        measured = subprocess.run(
            child,
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        figures = json.loads(measured.stdout.strip().splitlines()[-1])
    print(json.dumps({"passages": args.passages, "fill_s": round(fill_s, 1), **figures}))


if __name__ == "__main__":
    main()
