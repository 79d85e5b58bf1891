"""Fixed-window rate limits, shared across processes through Redis when it is configured.

Each limiter has its own namespace, so the login limiter never shares counts with another one.
"""

import threading
import time
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Limit:
    namespace: str
    max_hits: int
    window_seconds: int


class _MemoryCounter:
    def __init__(self) -> None:
        self.counts: dict[str, tuple[int, float]] = {}
        self.lock = threading.Lock()

    def hit(self, key: str, window: int) -> int:
        now = time.monotonic()
        with self.lock:
            count, expires = self.counts.get(key, (0, now + window))
            if now >= expires:
                count, expires = 0, now + window
            self.counts[key] = (count + 1, expires)
            return count + 1

    def reset(self, key: str) -> None:
        with self.lock:
            self.counts.pop(key, None)


class _RedisCounter:
    def __init__(self, url: str) -> None:
        from redis import Redis

        self.redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    def hit(self, key: str, window: int) -> int:
        pipeline = self.redis.pipeline()
        pipeline.incr(key)
        pipeline.expire(key, window, nx=True)
        return int(pipeline.execute()[0])

    def reset(self, key: str) -> None:
        self.redis.delete(key)


def _counter():
    counter = current_app.extensions.get("grunnskjema_rate_counter")
    if counter is None:
        url = current_app.config["REDIS_URL"]
        counter = _RedisCounter(url) if url else _MemoryCounter()
        current_app.extensions["grunnskjema_rate_counter"] = counter
    return counter


def _key(limit: Limit, subject: str) -> str:
    return f"ratelimit:{limit.namespace}:{subject}"


def hit(limit: Limit, subject: str) -> bool:
    """Count one attempt; False once the subject has used up the window."""
    try:
        return _counter().hit(_key(limit, subject), limit.window_seconds) <= limit.max_hits
    except Exception:  # noqa: BLE001 - an unreachable Redis must not lock everybody out
        current_app.logger.warning("rate limiter unavailable; allowing the request")
        return True


def reset(limit: Limit, subject: str) -> None:
    try:
        _counter().reset(_key(limit, subject))
    except Exception:  # noqa: BLE001
        current_app.logger.warning("rate limiter unavailable; could not reset %s", limit.namespace)
