"""Load on the question endpoint: N concurrent clients for a bounded time, over real HTTP.

Without --url it starts `rag serve` (extractive mode, a fresh index of the default articles)
on a free 127.0.0.1 port in a child process, waits until it is ready, and stops it at the end.
Each client sends the project's questions (tests/data/questions.jsonl) in turn, one request at
a time, after one uncounted pass over all of them; with --once, each question is sent once and
nothing before it (what a first asking costs on a freshly started service, with --clients 1).
The figures are what the clients observed:
throughput, latency percentiles, errors. For a service it started, it also prints the CPU the
service spent per answer and how many cores that kept busy: on a shared machine throughput
follows what other jobs leave, CPU per answer much less. The load average (1 minute) is
printed before and after.

    python bench/load.py [--clients 8] [--seconds 30] [--endpoint ask|chat] [--url URL] [--once]
"""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.jsonl"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _served() -> Iterator[tuple[str, psutil.Process]]:
    """`rag serve` in a child process over a throwaway index; yields its base URL and
    process."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as index_dir:
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")
            },
            "HF_HUB_OFFLINE": "1",
            "RAG_INDEX_DIR": index_dir,
            "RAG_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import app; app()", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{base_url}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the service did not start")
                time.sleep(0.5)
            yield base_url, psutil.Process(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _body(endpoint: str, question: str) -> dict:
    if endpoint == "chat":
        return {"messages": [{"role": "user", "content": question}]}
    return {"question": question}


async def _client(
    http: httpx.AsyncClient,
    endpoint: str,
    questions: Iterator[str],
    latencies: list[float],
    outcomes: Counter,
) -> None:
    for question in questions:
        started = time.perf_counter()
        try:
            response = await http.post(f"/v1/{endpoint}", json=_body(endpoint, question))
            outcomes[str(response.status_code)] += 1
            if response.status_code == 200:
                latencies.append(time.perf_counter() - started)
        except httpx.HTTPError as exc:
            outcomes[type(exc).__name__] += 1


def _in_turn(questions: list[str], offset: int, until: float) -> Iterator[str]:
    """The questions in turn from an offset, until a moment."""
    number = offset
    while time.monotonic() < until:
        yield questions[number % len(questions)]
        number += 1


def _cpu_seconds(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return times.user + times.system


async def _run(
    base_url: str,
    endpoint: str,
    clients: int,
    seconds: float,
    once: bool,
    server: psutil.Process | None = None,
) -> None:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        if not once:
            # Warm-up, not counted: one pass over every question.
            warm = asyncio.Semaphore(clients)

            async def warm_up(question: str) -> None:
                async with warm:
                    await http.post(f"/v1/{endpoint}", json=_body(endpoint, question))

            await asyncio.gather(*(warm_up(question) for question in questions))
        latencies: list[float] = []
        outcomes: Counter = Counter()
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_seconds(server)
        started = time.monotonic()
        shared = iter(questions)  # with --once, the clients share one pass
        await asyncio.gather(
            *(
                _client(
                    http,
                    endpoint,
                    shared if once else _in_turn(questions, i * 7, started + seconds),
                    latencies,
                    outcomes,
                )
                for i in range(clients)
            )
        )
        elapsed = time.monotonic() - started
        cpu = _cpu_seconds(server) - cpu_before
    total = sum(outcomes.values())
    errors = total - outcomes["200"]
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    asked = "each question once, not warmed up" if once else "after a warm-up pass"
    print(f"POST /v1/{endpoint}: {clients} clients for {elapsed:.1f} s against {base_url}, {asked}")
    print(f"requests {total}, throughput {total / elapsed:.1f} req/s, errors {errors}")
    print(
        f"latency ms (successful): p50 {cuts[49] * 1000:.0f}, p95 {cuts[94] * 1000:.0f}, "
        f"p99 {cuts[98] * 1000:.0f}, max {max(latencies, default=0) * 1000:.0f}"
    )
    print(f"statuses: {dict(sorted(outcomes.items()))}")
    if server is not None and total:
        print(
            f"service CPU per answer {cpu / total * 1000:.1f} ms, "
            f"{cpu / elapsed:.2f} cores busy on average"
        )
    print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")


def load_parser(doc: str, clients: int, seconds: float, endpoints: list[str]) -> ArgumentParser:
    """The options every load script takes: how many clients, how long, where."""
    parser = ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--clients", type=int, default=clients, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=seconds, help="how long to send them")
    parser.add_argument("--endpoint", choices=endpoints, default=endpoints[0])
    parser.add_argument("--url", help="an already running service; default: start one")
    return parser


def main() -> None:
    parser = load_parser(__doc__, clients=8, seconds=30, endpoints=["ask", "chat"])
    parser.add_argument("--once", action="store_true", help="each question once, no warm-up")
    args = parser.parse_args()
    if args.url:
        url = args.url.rstrip("/")
        asyncio.run(_run(url, args.endpoint, args.clients, args.seconds, args.once))
        return
    with _served() as (base_url, server):
        asyncio.run(_run(base_url, args.endpoint, args.clients, args.seconds, args.once, server))


if __name__ == "__main__":
    main()
