"""Rounding tracked time for reports and invoices: a rule per org, overridden per project (docs/rounding.md).

A rule is `{"mode": none|up|down|nearest, "minutes": 1|5|6|10|15|30, "level": entry|day|project}`. It is
applied when time is read (reports, invoice generation), never written back: entries keep their raw
seconds, so rounding is always computed from raw data and can never be applied on top of itself.

Levels say what is rounded: each entry; a person's time on one project in one UTC day; or a project's whole
time in the report's or invoice's range. At the day and project levels the rounded total is shared back
over the entries it covers in proportion to their raw seconds (whole seconds, largest remainders first), so
every grouping of a report adds up to the same rounded total.
"""

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, field_validator

from chalicelib.core.schemas import RequestBody

MODES = ("none", "up", "down", "nearest")
MINUTES = (1, 5, 6, 10, 15, 30)
LEVELS = ("entry", "day", "project")


class RoundingRule(RequestBody):
    """How tracked time is rounded in reports and invoices (org setting `rounding`, project field `rounding`)."""

    mode: Literal["none", "up", "down", "nearest"]
    minutes: Annotated[int, Field(description="1, 5, 6, 10, 15 or 30")] = 15
    level: Literal["entry", "day", "project"] = "entry"

    @field_validator("minutes")
    @classmethod
    def _a_known_step(cls, value: int) -> int:
        if value not in MINUTES:
            raise ValueError("must be one of 1, 5, 6, 10, 15, 30")
        return value


@dataclass(frozen=True)
class Rule:
    mode: str = "none"
    minutes: int = 1
    level: str = "entry"

    @property
    def rounds(self) -> bool:
        return self.mode != "none"

    def apply(self, seconds: int) -> int:
        """`seconds` rounded to the rule's step (nearest: a half step rounds up)."""
        return round_seconds(seconds, mode=self.mode, minutes=self.minutes)

    def dump(self) -> dict:
        return {"mode": self.mode, "minutes": self.minutes, "level": self.level}

    def packed(self) -> str:
        """The rule as a project stores it."""
        return f"{self.mode}:{self.minutes}:{self.level}"


NO_ROUNDING = Rule()


def rule_of(stored: dict | str | None) -> Rule | None:
    """The rule stored on an org's settings (a dict) or a project (`mode:minutes:level`); None: not set there."""
    if not stored:
        return None
    if isinstance(stored, str):
        mode, minutes, level = stored.split(":")
        return Rule(mode=mode, minutes=int(minutes), level=level)
    return Rule(
        mode=str(stored.get("mode", "none")),
        minutes=int(stored.get("minutes", 1)),
        level=str(stored.get("level", "entry")),
    )


def effective(*, project_rule: dict | None, org_rule: dict | None) -> Rule:
    """The project's rule when it has one, else the org's, else no rounding."""
    return rule_of(project_rule) or rule_of(org_rule) or NO_ROUNDING


def round_seconds(seconds: int, *, mode: str, minutes: int) -> int:
    """Whole seconds rounded up, down or to the nearest multiple of `minutes` (nearest-15 of 7 min is 0)."""
    step = int(minutes) * 60
    if mode == "none" or step <= 0:
        return seconds
    whole, rest = divmod(int(seconds), step)
    if rest == 0:
        return int(seconds)
    if mode == "up" or (mode == "nearest" and 2 * rest >= step):
        return (whole + 1) * step
    return whole * step


def shares(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`: whole numbers adding up to `total`, largest remainders first."""
    whole = sum(weights)
    if whole <= 0:
        parts = [0] * len(weights)
        if parts:
            parts[0] = total
        return parts
    parts = [total * weight // whole for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
