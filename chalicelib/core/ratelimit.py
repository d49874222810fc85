"""Fixed-window rate limits on atomic DynamoDB counters (`ADD`), shared by every Lambda instance.

Two kinds: `ensure_below` + `count` guard the auth endpoints (login, forgot password, register: a read and a
write, or one write); `RequestMeter` meters every authenticated request per credential without adding a call
to most requests (docs/decisions.md 26).
"""

import threading
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.core.db import Item
from chalicelib.core.errors import RateLimited
from chalicelib.core.logs import logger
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


def _add(key: str, start: int, window_seconds: int, amount: int = 1) -> int:
    counter = RateCounter(*RateCounter.keys(key, start))
    counter.update(
        actions=[
            RateCounter.count.add(amount),
            RateCounter.entity.set(RateCounter),
            RateCounter.expires_at.set(start + window_seconds + 60),
        ]
    )
    return int(counter.count)


def count(key: str, *, window_seconds: int) -> int:
    """Add one to `key`'s counter in the current window; returns the new count."""
    start, _ = _window(window_seconds)
    return _add(key, start, window_seconds)


def count_within(key: str, *, limit: int, window_seconds: int) -> None:
    """Count an attempt and 429 once the window holds more than `limit` (one UpdateItem, no read)."""
    start, remaining = _window(window_seconds)
    if _add(key, start, window_seconds) > limit:
        raise RateLimited(retry_after=max(remaining, 1))


# --- every authenticated request -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Where a credential stands in the current window, as the `X-RateLimit-*` headers tell it."""

    limit: int
    used: int
    resets_at: int  # epoch seconds at which the window ends
    retry_after: int  # seconds until then (at least 1)

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.resets_at),
        }


@dataclass(frozen=True)
class Window:
    """One credential's counter in one window: read with the authentication BatchGet, then `record`ed."""

    key: str
    start: int
    seconds: int

    @property
    def keys(self) -> tuple[str, str]:
        return RateCounter.keys(self.key, self.start)


class RequestMeter:
    """Requests per credential in fixed windows, shared through DynamoDB and written in batches.

    The shared count is read in the same BatchGetItem that authenticates the request; this instance adds the
    requests it has not written yet, and writes them with one `ADD` UpdateItem every few requests — every
    tenth while far from the limit, every one in its last tenth — so most requests cost no extra call and the
    limit holds exactly within one instance, and to within a few requests per extra instance.
    """

    MAX_BATCH = 10

    def __init__(self, *, window_seconds: int = 60, prefix: str = "api") -> None:
        self.window_seconds = window_seconds
        self.prefix = prefix
        self._lock = threading.Lock()
        self._unwritten: dict[str, tuple[int, int]] = {}  # key → (window start, requests not yet written)

    def window(self, credential: str) -> Window:
        """The credential's current window (its counter's keys go into the authentication read)."""
        start, _ = _window(self.window_seconds)
        return Window(f"{self.prefix}:{credential}", start, self.window_seconds)

    def record(self, window: Window, *, stored: int, limit: int) -> Usage:
        """Count one request against `limit` given the `stored` count; 429 (uncounted) once it is used up."""
        now = epoch_seconds(utcnow())
        resets_at = window.start + window.seconds
        with self._lock:
            started, unwritten = self._unwritten.get(window.key, (window.start, 0))
            if started != window.start:
                unwritten = 0
            used = stored + unwritten
            if used >= limit:
                usage = Usage(limit, used, resets_at, max(resets_at - now, 1))
                raise RateLimited(retry_after=usage.retry_after, headers=usage.headers())
            unwritten, used = unwritten + 1, used + 1
            write = unwritten >= max(1, min(self.MAX_BATCH, (limit - used) // 10))
            self._unwritten[window.key] = (window.start, 0 if write else unwritten)
            self._forget_old_windows(window.start)
        if write:
            try:
                _add(window.key, window.start, window.seconds, unwritten)
            except UpdateError:  # metering must not fail the request: keep the count for the next write
                logger.warning("rate counter not written", exc_info=True)
                with self._lock:
                    started, later = self._unwritten.get(window.key, (window.start, 0))
                    if started == window.start:
                        self._unwritten[window.key] = (window.start, later + unwritten)
        return Usage(limit, used, resets_at, max(resets_at - now, 1))

    def _forget_old_windows(self, current: int) -> None:
        if len(self._unwritten) > 10_000:
            self._unwritten = {key: value for key, value in self._unwritten.items() if value[0] >= current}

    def reset(self) -> None:
        """Forget this instance's unwritten counts (a fresh instance; tests)."""
        with self._lock:
            self._unwritten.clear()


requests_per_credential = RequestMeter(window_seconds=60)
