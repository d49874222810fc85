"""UTC time, always rendered as RFC 3339 with a `Z`."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current instant, timezone-aware in UTC, at millisecond precision."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def to_rfc3339(value: datetime) -> str:
    """`2026-03-28T09:00:00Z`, with milliseconds only when present."""
    value = value.astimezone(UTC)
    text = f"{value.year:04d}-{value:%m-%dT%H:%M:%S}"  # strftime's %Y is not padded before year 1000
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def from_rfc3339(text: str) -> datetime:
    """Parse a stored RFC 3339 timestamp back to an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def epoch_seconds(value: datetime) -> int:
    """Whole seconds since the epoch, as DynamoDB TTL attributes want."""
    return int(value.timestamp())


def to_sortable(value: datetime) -> str:
    """Fixed-width RFC 3339 with milliseconds (`2026-03-28T09:00:00.000Z`): sorts as text, for keys."""
    value = value.astimezone(UTC)
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"
