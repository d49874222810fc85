"""Fixed-window rate limits on atomic DynamoDB counters (`ADD`), shared by every Lambda instance."""

from pynamodb.attributes import NumberAttribute

from chalicelib.core.db import Item
from chalicelib.core.errors import RateLimited
from chalicelib.core.timeutil import epoch_seconds, utcnow


class RateCounter(Item, discriminator="RATE"):
    count = NumberAttribute(default=0)
    expires_at = NumberAttribute()

    @staticmethod
    def keys(key: str, window_start: int) -> tuple[str, str]:
        return f"RATE#{key}#{window_start}", "RATE"


def _window(window_seconds: int) -> tuple[int, int]:
    now = epoch_seconds(utcnow())
    start = now - now % window_seconds
    return start, start + window_seconds - now


def ensure_below(limits: dict[str, int], *, window_seconds: int) -> None:
    """429 with Retry-After if any key has reached its limit in the current window (one BatchGet)."""
    start, remaining = _window(window_seconds)
    keys = [RateCounter.keys(key, start) for key in limits]
    counts = {counter.PK: counter.count for counter in RateCounter.batch_get(keys)}
    for key, limit in limits.items():
        if counts.get(RateCounter.keys(key, start)[0], 0) >= limit:
            raise RateLimited(retry_after=max(remaining, 1))


def count(key: str, *, window_seconds: int) -> int:
    """Add one to `key`'s counter in the current window; returns the new count."""
    start, _ = _window(window_seconds)
    counter = RateCounter(*RateCounter.keys(key, start))
    counter.update(
        actions=[
            RateCounter.count.add(1),
            RateCounter.entity.set(RateCounter),
            RateCounter.expires_at.set(start + window_seconds + 60),
        ]
    )
    return counter.count
