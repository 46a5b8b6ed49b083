"""Latency of POST /v1/ask in extractive mode on the project's own questions.

Runs the real app in-process (FastAPI test client, no network) over a fresh embedded index of
the default articles, warms it up with one pass, then asks every question ROUNDS times and
prints the client-observed latency percentiles.

    python bench/latency.py [--rounds 5]
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CHROMA_HOST"):
    os.environ.pop(name, None)

from fastapi.testclient import TestClient  # noqa: E402

from api.main import create_app  # noqa: E402
from rag.config import Settings  # noqa: E402

QUESTIONS = Path(__file__).parent.parent / "tests" / "data" / "questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    with tempfile.TemporaryDirectory() as index_dir:
        settings = Settings(_env_file=None, index_dir=Path(index_dir))
        with TestClient(create_app(settings)) as client:
            for question in questions:  # warm-up: first-time sentence embeddings
                client.post("/v1/ask", json={"question": question})
            latencies = []
            for _ in range(args.rounds):
                for question in questions:
                    started = time.perf_counter()
                    response = client.post("/v1/ask", json={"question": question})
                    latencies.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"questions: {len(questions)}, rounds: {args.rounds}, requests: {len(latencies)}")
    print(
        f"POST /v1/ask extractive latency (ms): p50 {statistics.median(latencies):.1f}  "
        f"p95 {quantiles[94]:.1f}  p99 {quantiles[98]:.1f}  max {max(latencies):.1f}"
    )


if __name__ == "__main__":
    main()
