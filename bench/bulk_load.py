"""Loading many items straight into the table for the scale benches: BatchWriteItem from a few threads.

Items are the app's own models (built by the services' build functions or the key templates), so each
written image is exactly what a conditional put by the API would store.
"""

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

BATCH = 25  # DynamoDB's BatchWriteItem maximum
THREADS = 4


def put_image(item) -> dict:
    """The item a conditional put writes: its attributes plus the version PynamoDB sets (1)."""
    image = item.serialize()
    item._handle_version_attribute(attributes=image)  # the same call Model.save/TransactWrite.save make
    return image


def write(dynamodb, table: str, images: list[dict]) -> None:
    """Put `images` 25 at a time, retrying what DynamoDB Local leaves unprocessed."""
    for start in range(0, len(images), BATCH):
        request = {table: [{"PutRequest": {"Item": image}} for image in images[start : start + BATCH]]}
        for attempt in range(20):
            unprocessed = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems")
            if not unprocessed:
                break
            request = unprocessed
            time.sleep(0.05 * (attempt + 1))
        else:
            raise RuntimeError("DynamoDB Local kept items unprocessed")


def in_parallel(
    units: Iterable[Any], load: Callable[[Callable[[list[dict]], None], Any], int], *, max_seconds: float
) -> int:
    """Run `load(write_images, unit)` for each unit on THREADS threads, each with its own client; units that
    start after `max_seconds` are skipped. Returns the sum of what the loads return (items loaded)."""
    import boto3
    from botocore.config import Config

    from chalicelib.core.config import get_settings

    table = get_settings().table_name
    local = threading.local()
    started = time.monotonic()
    loaded, lock = [0], threading.Lock()

    def unit_of_work(unit: Any) -> None:
        if time.monotonic() - started > max_seconds:
            return
        if not hasattr(local, "dynamodb"):
            # Parameter validation is nearly half the client-side cost of a 25-item batch; the items are the model's.
            local.dynamodb = boto3.session.Session().client("dynamodb", config=Config(parameter_validation=False))
        count = load(lambda images: write(local.dynamodb, table, images), unit)
        with lock:
            loaded[0] += count

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(unit_of_work, units))
    return loaded[0]
