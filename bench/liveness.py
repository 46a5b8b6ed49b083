"""Liveness under load: how long `GET /healthz` takes while N clients keep asking questions.

Starts `rag serve` like bench/load.py (or uses --url), keeps N question clients busy on
`POST /v1/ask` (or `/v1/chat` with `stream: true`) and probes `/healthz` every 0.2 s on its own
connection; prints the probe latencies. A liveness probe that queues behind answering work
gets a healthy process restarted by its orchestrator.

    python bench/liveness.py [--clients 80] [--seconds 15] [--endpoint ask|stream] [--url URL]
"""

import asyncio
import json
import statistics
import time
from collections import Counter

import httpx
from load import QUESTIONS, _served, load_parser


async def _asker(
    http: httpx.AsyncClient,
    endpoint: str,
    questions: list[str],
    offset: int,
    until: float,
    outcomes: Counter,
) -> None:
    number = offset
    while time.monotonic() < until:
        question = questions[number % len(questions)]
        number += 1
        try:
            if endpoint == "stream":
                body = {"messages": [{"role": "user", "content": question}], "stream": True}
                async with http.stream("POST", "/v1/chat", json=body) as response:
                    async for _ in response.aiter_bytes():
                        pass
            else:
                response = await http.post("/v1/ask", json={"question": question})
            outcomes[str(response.status_code)] += 1
        except httpx.HTTPError as exc:
            outcomes[type(exc).__name__] += 1


async def _prober(base_url: str, until: float, latencies: list[float]) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as probe:
        while time.monotonic() < until:
            started = time.perf_counter()
            await probe.get("/healthz")
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.2)


async def _run(base_url: str, endpoint: str, clients: int, seconds: float) -> None:
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    idle: list[float] = []
    await _prober(base_url, time.monotonic() + 2, idle)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:
        # Warm-up, not measured: every question once (sentence embeddings are cached).
        warm = asyncio.Semaphore(8)

        async def warm_up(question: str) -> None:
            async with warm:
                await http.post("/v1/ask", json={"question": question})

        await asyncio.gather(*(warm_up(question) for question in questions))
        outcomes: Counter = Counter()
        latencies: list[float] = []
        until = time.monotonic() + seconds
        await asyncio.gather(
            _prober(base_url, until, latencies),
            *(_asker(http, endpoint, questions, i * 7, until, outcomes) for i in range(clients)),
        )
    for label, probes in (("idle", idle), (f"{clients} {endpoint} clients", latencies)):
        cuts = statistics.quantiles(probes, n=100, method="inclusive")
        print(
            f"/healthz, {label}: {len(probes)} probes, p50 {cuts[49] * 1000:.0f} ms, "
            f"p95 {cuts[94] * 1000:.0f} ms, max {max(probes) * 1000:.0f} ms"
        )
    print(f"question statuses: {dict(sorted(outcomes.items()))}")


def main() -> None:
    args = load_parser(__doc__, clients=80, seconds=15, endpoints=["ask", "stream"]).parse_args()
    if args.url:
        asyncio.run(_run(args.url.rstrip("/"), args.endpoint, args.clients, args.seconds))
        return
    with _served() as (base_url, _):
        asyncio.run(_run(base_url, args.endpoint, args.clients, args.seconds))


if __name__ == "__main__":
    main()
