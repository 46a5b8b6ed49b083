"""Per-client rate limit on the question endpoints, with the `limits` library (moving window).

One limiter per app, in memory: limits hold per process. The client is its IP address as the
server sees it; behind a proxy, uvicorn takes it from `X-Forwarded-For` when the proxy's
address is trusted (`FORWARDED_ALLOW_IPS`, docs/operations.md).
"""

import math
import time

from fastapi import HTTPException, Request, status
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimit:
    def __init__(self, limit: str) -> None:
        try:
            self.item: RateLimitItem = parse(limit)
        except ValueError as exc:
            raise ValueError(
                f"RAG_RATE_LIMIT {limit!r} is not a rate such as 60/minute or 5/second"
            ) from exc
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, request: Request) -> None:
        """A dependency: counts the request, or refuses it with 429 and `Retry-After`. The
        in-memory count takes microseconds, so it runs on the event loop, not in a thread."""
        client = request.client.host if request.client else "unknown"
        if self._limiter.hit(self.item, client):
            return
        reset_at = self._limiter.get_window_stats(self.item, client).reset_time
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=f"rate limit of {self.item} exceeded; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
