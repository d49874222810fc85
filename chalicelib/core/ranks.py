"""Fractional ranks: order keys that sort as text, so moving one item never rewrites its neighbours."""

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_BASE = len(_DIGITS)


def between(before: str | None, after: str | None) -> str:
    """A rank strictly between `before` and `after` (None: the open end)."""
    low, high = before or "", after
    if high is not None and low >= high:
        raise ValueError("before must sort below after")
    rank = []
    position = 0
    while True:
        low_digit = _DIGITS.index(low[position]) if position < len(low) else 0
        high_digit = _DIGITS.index(high[position]) if high is not None and position < len(high) else _BASE
        if high_digit - low_digit > 1:
            rank.append(_DIGITS[(low_digit + high_digit) // 2])
            return "".join(rank)
        rank.append(_DIGITS[low_digit])
        if high_digit - low_digit == 1:
            high = None  # below the upper bound already: any larger suffix fits
        position += 1


_FIRST = "i0000"


def after(last: str | None) -> str:
    """A rank after `last` (the end of a list): `last` counted up by one, so appends keep ranks short."""
    if last is None:
        return _FIRST
    digits = [_DIGITS.index(char) for char in last]
    for position in range(len(digits) - 1, -1, -1):
        if digits[position] < _BASE - 1:
            digits[position] += 1
            return "".join(_DIGITS[digit] for digit in digits[: position + 1]) + "0" * (len(last) - position - 1)
    return last + "i"
