"""Time entries by range and search at scale: one org's month of entries, each indexed for search.

The app runs in-process (its DynamoDB calls are counted) against DynamoDB Local (in memory) from a local stack
on free ports. Entries are bulk-loaded with `bench.time_report_scale.load_entries` (TimeEntry model and key
templates, so every key and GSI is what the API writes); then their search words are bulk-loaded as the
search service's `_write` writes them (a SearchToken per word and a SearchDocument per entry, from the entry
domain's own search document). The load stops after `--max-load-seconds`; the figures say what was loaded.

Measured, each the median of a few requests: the first page of GET /time-entries for a day, a week and the
whole month (org-wide, admin) and the month's 20th page; GET /search for a word on every entry ("work":
capped candidates), a word on about one entry in 10,000 (a "Work item 4242" number) and a word on none.

    .venv/bin/python -m bench.entries_search_scale [--entries 100000] [--max-load-seconds 180]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

from bench import bulk_load

SAMPLES = 5
USERS = 10
PROJECTS = 6
PAGE = 100  # TRCR's per_page maximum


def _search_images(org_id: str, entries) -> list[dict]:
    """The SearchToken and SearchDocument items `search.service._write` saves for these entries (the document
    built as `time_entries.service._search_document` builds it, from the entry in hand rather than a GetItem)."""
    from chalicelib.core.indexing import Document
    from chalicelib.search.models import SearchDocument, SearchToken
    from chalicelib.search.service import MAX_TOKENS_PER_ENTITY, tokenize

    images = []
    for entry in entries:
        document = Document(
            title=entry.description.strip().splitlines()[0],
            text=" ".join([entry.description, *(entry.tags or [])]),
            project_id=entry.project_id,
            private_to=entry.user_id,
        )
        words = tokenize(f"{document.title} {document.text}")[:MAX_TOKENS_PER_ENTITY]
        for word in words:
            token = SearchToken(
                *SearchToken.keys(org_id, word, "time_entry", entry.id),
                entity_type="time_entry",
                entity_id=entry.id,
                title=document.title[:200],
                project_id=document.project_id,
                private_to=document.private_to,
            )
            images.append(token.serialize())
        images.append(
            SearchDocument(
                *SearchDocument.keys(org_id, "time_entry", entry.id),
                entity_type="time_entry",
                entity_id=entry.id,
                tokens=words,
            ).serialize()
        )
    return images


def _index_entries(org_id: str, max_seconds: float) -> int:
    """Search words for every loaded entry: entries read back a page at a time (GSI2, the org's entries)."""
    from chalicelib.time_entries.models import TimeEntry

    def pages():
        page = []
        for entry in TimeEntry.query(TimeEntry.org_partition(org_id), index_name="GSI2"):  # key query, no Scan
            page.append(entry)
            if len(page) == 500:
                yield page
                page = []
        if page:
            yield page

    def load(write_images, page: list) -> int:
        write_images(_search_images(org_id, page))
        return len(page)

    return bulk_load.in_parallel(pages(), load, max_seconds=max_seconds)


def _measured(client, path: str) -> tuple[dict, int, float]:
    from chalicelib.core.metrics import count_dynamodb_calls

    samples = []
    for _ in range(SAMPLES):
        with count_dynamodb_calls() as calls:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.json_body)
        samples.append((response.json_body, calls.total, elapsed))
    body, calls, _ = samples[0]
    return body, calls, statistics.median(elapsed for _, _, elapsed in samples)


def run(*, entries: int = 100_000, max_load_seconds: float = 180) -> list[tuple[str, str, str]]:
    from bench.time_report_scale import _stack, add_members, load_entries

    rows = []
    with tempfile.TemporaryDirectory() as local_dir:
        stack = _stack(Path(local_dir))
        stack.start()
        try:
            os.environ.update(stack.aws_env)
            os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
            os.environ.setdefault("STINT_API_RATE_LIMIT_PER_MINUTE", "100000")
            from app import app
            from tests.support import factories
            from tests.support.client import ApiClient

            owner = factories.register(ApiClient(app), email_address="entries.bench@example.com")
            client = owner.api
            project_ids = []
            for index in range(PROJECTS):
                created = client.post("/api/v1/projects", json={"name": f"Project {index}"})
                assert created.status_code == 201, created.json_body
                project_ids.append(created.json_body["id"])
            user_ids = [owner.user_id, *add_members(org_id=owner.org_id, count=USERS - 1, hourly_rate=11_000)]

            started = time.perf_counter()
            loaded = load_entries(
                org_id=owner.org_id,
                user_ids=user_ids,
                project_ids=project_ids,
                count=entries,
                max_seconds=max_load_seconds * 0.3,  # the search words are ~5 items per entry: most of the time
            )
            indexed = _index_entries(owner.org_id, max_load_seconds - (time.perf_counter() - started))
            seconds = time.perf_counter() - started
            note = "" if loaded == entries else f"load budget {max_load_seconds:.0f} s; {entries} asked"
            rows.append(
                (
                    f"bulk load {loaded} entries + search words of {indexed}",
                    f"{seconds:.0f} s",
                    note or "DynamoDB Local in memory, 2 shared cores",
                )
            )
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)

            ranges = {
                "a day": "from=2026-05-10T00:00:00Z&to=2026-05-11T00:00:00Z",
                "a week": "from=2026-05-10T00:00:00Z&to=2026-05-17T00:00:00Z",
                "the month": "from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z",
            }
            client.get(f"/api/v1/time-entries?{ranges['a day']}")  # warm-up
            for name, bounds in ranges.items():
                body, calls, latency = _measured(client, f"/api/v1/time-entries?{bounds}&per_page={PAGE}")
                rows.append(
                    (
                        f"GET /time-entries {name}, first page of {PAGE} ({loaded} entries)",
                        f"{latency * 1000:.0f} ms, {calls} calls, {len(body['data'])} rows",
                        "reads ≤ 2 (auth + one Query)",
                    )
                )
                print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
            body, calls, latency = _measured(
                client, f"/api/v1/time-entries?{ranges['the month']}&per_page={PAGE}&page=20"
            )
            rows.append(
                (
                    f"GET /time-entries the month, page 20 of {PAGE} (skips 1,900)",
                    f"{latency * 1000:.0f} ms, {calls} calls, {len(body['data'])} rows",
                    "page-number paging skips; cursors resume",
                )
            )
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
            for name, word in (("on every entry", "work"), ("on ~0.01%", "4242"), ("on none", "zebra")):
                body, calls, latency = _measured(client, f"/api/v1/search?q={word}")
                rows.append(
                    (
                        f"GET /search a word {name} ({indexed} entries indexed)",
                        f"{latency * 1000:.0f} ms, {calls} calls, {len(body['data'])} hits",
                        "reads ≤ 2 (auth + one Query)",
                    )
                )
                print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
        finally:
            stack.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--max-load-seconds", type=float, default=180)
    args = parser.parse_args()
    with redirect_stdout(sys.stderr):  # the app's EMF lines are not the table
        rows = run(entries=args.entries, max_load_seconds=args.max_load_seconds)
    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        print(f"{name.ljust(width)} | {value} | {target}")


if __name__ == "__main__":
    main()
