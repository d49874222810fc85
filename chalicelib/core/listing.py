"""One Query-backed page of a list: cursor in, items and the next cursor out, with bounded reads.

Filters that are not keys are applied by DynamoDB on each page; the number of items a single request may
examine beyond the ones a page-number request skips is capped (`scan_budget`), so a rare filter answers with
a partial page and a cursor to continue instead of reading a whole partition.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from chalicelib.core.pagination import decode_cursor, encode_cursor

DEFAULT_SCAN_BUDGET = 1000


def all_of(conditions: Iterable):
    """The conditions joined with AND, skipping None; None when nothing is left (no filter)."""
    present = [condition for condition in conditions if condition is not None]
    return reduce(and_, present) if present else None


def any_of(conditions: Iterable):
    """The conditions joined with OR, skipping None; None when nothing is left (no filter)."""
    present = [condition for condition in conditions if condition is not None]
    return reduce(or_, present) if present else None


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def query_page(
    model,
    hash_key: str,
    *,
    scope: str,
    limit: int,
    cursor: str | None = None,
    offset: int = 0,
    range_key_condition=None,
    filter_condition=None,
    index=None,
    newest_first: bool = True,
    scan_budget: int = DEFAULT_SCAN_BUDGET,
) -> Page:
    """Up to `limit` items after skipping `offset`, resuming from `cursor` (which only `scope` accepts)."""
    start_key = decode_cursor(cursor, scope=scope) if cursor else None
    source = index or model
    pages = source.query(
        hash_key,
        range_key_condition,
        filter_condition,
        scan_index_forward=not newest_first,
        last_evaluated_key=start_key,
        page_size=min(max(limit + offset, 10), 200),
    ).page_iter
    items: list[Any] = []
    to_skip = offset
    for page in pages:
        raw_items = page.get("Items", [])
        for position, raw in enumerate(raw_items):
            if to_skip:
                to_skip -= 1
                continue
            items.append(model.from_raw_data(raw))
            if len(items) == limit:
                more_in_page = position + 1 < len(raw_items)
                resume = {name: raw[name] for name in pages.key_names} if more_in_page else pages.last_evaluated_key
                return Page(items, _cursor(resume, scope))
        if pages.total_scanned_count >= scan_budget + offset:  # the skipped items are read, not a budget overrun
            break
    return Page(items, _cursor(pages.last_evaluated_key, scope))


def _cursor(last_key: dict | None, scope: str) -> str | None:
    return encode_cursor(last_key, scope=scope) if last_key else None
