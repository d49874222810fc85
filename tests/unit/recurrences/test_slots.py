"""The slot arithmetic of recurrence patterns: when the next occurrence of a series falls due."""

from datetime import UTC, date, datetime

import pytest

from chalicelib.recurrences.service import next_slot


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("pattern", "anchor", "after", "expected"),
    [
        # strictly after: a slot equal to `after` is not next
        ("daily", "2026-04-01", "2026-04-02T00:00:00", "2026-04-03T00:00:00"),
        ("daily", "2026-04-01", "2026-04-01T23:59:59.999", "2026-04-02T00:00:00"),
        # weekly slots keep the anchor's weekday, however late `after` is
        ("weekly", "2026-04-01", "2026-05-13T12:00:00", "2026-05-20T00:00:00"),
        # an anchor in the future is itself the next slot
        ("weekly", "2026-04-01", "2026-03-28T09:30:00", "2026-04-01T00:00:00"),
        # monthly slots clamp to short months without drifting: 31 Jan → 28 Feb → 31 Mar
        ("monthly", "2026-01-31", "2026-01-31T23:59:59.999", "2026-02-28T00:00:00"),
        ("monthly", "2026-01-31", "2026-02-28T00:00:00", "2026-03-31T00:00:00"),
        ("monthly", "2028-01-31", "2028-02-01T00:00:00", "2028-02-29T00:00:00"),
        # across a year end
        ("monthly", "2026-11-30", "2026-12-30T00:00:00", "2027-01-30T00:00:00"),
        # cron expressions are UTC fire times
        ("0 9 * * 1-5", "2026-04-03", "2026-04-03T23:59:59.999", "2026-04-06T09:00:00"),
        ("*/15 * * * *", "2026-04-03", "2026-04-03T10:00:00", "2026-04-03T10:15:00"),
    ],
)
def test_next_slot_is_the_first_slot_strictly_after(pattern, anchor, after, expected):
    # WHEN the next slot after an instant is asked for
    slot = next_slot(pattern=pattern, anchor=date.fromisoformat(anchor), after=at(after))
    # THEN it is the pattern's first slot past that instant, in UTC
    assert slot == at(expected)
    assert slot.tzinfo == UTC
