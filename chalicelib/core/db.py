"""The one DynamoDB table: its definition, the PynamoDB base item, and transactions."""

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from typing import Any

from pynamodb.attributes import Attribute, DiscriminatorAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.constants import STRING
from pynamodb.exceptions import DeleteError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import BatchWrite, Model
from pynamodb.transactions import TransactWrite

# Both install botocore hooks before any session exists: call counting, and throttles/timeouts as 503s.
from chalicelib.core import metrics, unavailable  # noqa: F401
from chalicelib.core.config import get_settings
from chalicelib.core.errors import Conflict
from chalicelib.core.timeutil import from_rfc3339, to_sortable

GSI_NAMES = ("GSI1", "GSI2", "GSI3", "GSI4", "GSI5", "GSI6")
TTL_ATTRIBUTE = "expires_at"


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def table_definition(table_name: str) -> dict[str, Any]:
    """`CreateTable` arguments for the table; the bootstrap, the tests and infra/ all build from this."""
    key_names = ["PK", "SK"] + [f"{gsi}{part}" for gsi in GSI_NAMES for part in ("PK", "SK")]
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in key_names],
        "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": gsi,
                "KeySchema": [
                    {"AttributeName": f"{gsi}PK", "KeyType": "HASH"},
                    {"AttributeName": f"{gsi}SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for gsi in GSI_NAMES
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


class TimestampAttribute(Attribute[datetime]):
    """A UTC instant stored as fixed-width RFC 3339 (`2026-03-28T09:00:00.000Z`), so it sorts as text."""

    attr_type = STRING

    def serialize(self, value: datetime) -> str:
        return to_sortable(value)

    def deserialize(self, value: str) -> datetime:
        return from_rfc3339(value)


def _index(name: str) -> type[GlobalSecondaryIndex]:
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    namespace = {
        "Meta": meta,
        f"{name}PK": UnicodeAttribute(hash_key=True),
        f"{name}SK": UnicodeAttribute(range_key=True),
    }
    return type(name, (GlobalSecondaryIndex,), namespace)


GSI1, GSI2, GSI3, GSI4, GSI5, GSI6 = (_index(name) for name in GSI_NAMES)


class Item(Model):
    """Base of every stored entity. Subclasses declare a discriminator and build their own keys."""

    class Meta:
        table_name = get_settings().table_name
        region = _region()
        connect_timeout_seconds = get_settings().dynamodb_connect_timeout_seconds
        read_timeout_seconds = get_settings().dynamodb_read_timeout_seconds
        max_retry_attempts = get_settings().dynamodb_max_retry_attempts

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)
    GSI6PK = UnicodeAttribute(null=True)
    GSI6SK = UnicodeAttribute(null=True)
    entity = DiscriminatorAttribute()

    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()
    gsi4 = GSI4()
    gsi5 = GSI5()
    gsi6 = GSI6()

    def delete(self, condition=None, *, add_version_condition: bool = True) -> Any:
        """Delete the item; when the deletion leaves companions (a sync tombstone), in one transaction with them."""
        if not deletion_companions(self):
            return super().delete(condition=condition, add_version_condition=add_version_condition)
        try:
            with transaction() as tx:
                tx.delete(self, condition=condition, add_version_condition=add_version_condition)
        except TransactionCancelled as error:  # callers of Model.delete expect its error for a failed condition
            failed = botocore_error("ConditionalCheckFailedException", "The conditional request failed")
            raise DeleteError("Failed to delete item", cause=failed) from error
        return None

    @classmethod
    def batch_write(cls, auto_commit: bool = True, *, companions: bool = True) -> BatchWrite:
        """A batch whose deletions also put their companions (sync tombstones) unless `companions=False`."""
        return _CompanionBatchWrite(cls, auto_commit, companions=companions)

    @classmethod
    def unread(cls, pk: str, sk: str):
        """An instance at these keys for an update without reading the item first.

        PynamoDB sets `version = 1` when it updates an instance whose version it has not read; this one's
        update adds one to the stored version instead, so a concurrent edit still fails its version check.
        """
        return cls(pk, sk, **({cls._version_attribute_name: 0} if cls._version_attribute_name else {}))

    @classmethod
    def get_or_none(cls, pk: str, sk: str, *, consistent: bool = False):
        """The item at these keys, or None; served from this request's prefetched reads when it is there."""
        if not consistent:
            found = _take_prefetched(pk, sk)
            if found is not _NOT_PREFETCHED:
                return found if isinstance(found, cls) else None
        try:
            return cls.get(pk, sk, consistent_read=consistent)
        except cls.DoesNotExist:
            return None


def key_prefix(attribute, prefix: str):
    """A sort-key condition for keys that start with `prefix` (ASCII keys), written as a range.

    DynamoDB serves `begins_with` and `between` alike from the index. DynamoDB Local reads the whole partition
    for `begins_with` (112 ms vs 8 ms with 100k other items in it) but not for `between`, so queries in the big
    `ORG#<org>` partition use this to keep local latency independent of the org's size (decision 31).
    """
    return attribute.between(prefix, f"{prefix}~")


# --- reads gathered ahead of use ------------------------------------------------------------------------------
# An API request that knows which items it will need reads them in one BatchGetItem (often authentication's
# own, decision 100); `Item.get_or_none` then serves each of them once. Only inside `request_reads()` (the
# HTTP middleware): jobs and event handlers always read afresh, and nothing outlives its request.

Key = tuple[str, str]
_NOT_PREFETCHED = object()
_prefetched: ContextVar[dict[Key, Any] | None] = ContextVar("prefetched", default=None)


@contextmanager
def request_reads() -> Iterator[None]:
    """The scope of one API request's prefetched reads."""
    token = _prefetched.set({})
    try:
        yield
    finally:
        _prefetched.reset(token)


def batch_read(keys: list[Key]) -> dict[Key, Any]:
    """The items at `keys` (None where missing), 100 keys per BatchGetItem."""
    unique = list(dict.fromkeys(keys))
    found: dict[Key, Any] = dict.fromkeys(unique)
    for start in range(0, len(unique), 100):
        found.update({(item.PK, item.SK): item for item in Item.batch_get(unique[start : start + 100])})
    return found


def remember(items: dict[Key, Any]) -> None:
    """Keep items (None for a missing one) read ahead of use for this request's `get_or_none` calls."""
    store = _prefetched.get()
    if store is not None:
        store.update(items)


def prefetch(keys: list[Key]) -> None:
    """Read the `keys` not gathered yet in one BatchGetItem, for the `get_or_none` calls that follow."""
    store = _prefetched.get()
    if store is None:
        return
    missing = [key for key in keys if key not in store]
    if missing:
        store.update(batch_read(missing))


def _take_prefetched(pk: str, sk: str) -> Any:
    store = _prefetched.get()
    if not store:
        return _NOT_PREFETCHED
    return store.pop((pk, sk), _NOT_PREFETCHED)


@lru_cache(maxsize=1)
def connection() -> Connection:
    """The shared low-level connection used for transactions (with the models' timeouts and retries)."""
    meta = Item.Meta
    return Connection(
        region=_region(),
        connect_timeout_seconds=meta.connect_timeout_seconds,
        read_timeout_seconds=meta.read_timeout_seconds,
        max_retry_attempts=meta.max_retry_attempts,
    )


# --- what a deletion leaves behind ----------------------------------------------------------------------------
# Hooks (core.sync registers one) return the items to write together with a deletion, e.g. a tombstone. Every
# deletion path applies them: `tx.delete` in `transaction()`, `Item.delete`, and `Item.batch_write` deletions.
_deletion_hooks: list[Callable[[Any], list[Any]]] = []


def on_delete(hook: Callable[[Any], list[Any]]) -> None:
    """Register `hook(item) -> [items]`: items to put in the same write as `item`'s deletion."""
    _deletion_hooks.append(hook)


def deletion_companions(item: Any) -> list[Any]:
    """What deleting `item` must also write."""
    return [extra for hook in _deletion_hooks for extra in hook(item)]


def botocore_error(code: str, message: str) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": message}}, "TransactWriteItems")


class _CompanionTransactWrite(TransactWrite):
    def delete(self, model, condition=None, *, add_version_condition: bool = True) -> None:
        super().delete(model, condition=condition, add_version_condition=add_version_condition)
        for extra in deletion_companions(model):
            self.save(extra)


class _CompanionBatchWrite(BatchWrite):
    def __init__(self, model, auto_commit: bool = True, *, companions: bool = True) -> None:
        super().__init__(model, auto_commit)
        self.companions = companions

    def delete(self, del_item) -> None:
        super().delete(del_item)
        for extra in deletion_companions(del_item) if self.companions else []:
            self.save(extra)


_CANCELLED_BY = {"ConditionalCheckFailed", "TransactionConflict"}


class TransactionCancelled(Conflict):
    """A transaction was cancelled by a failed condition or a concurrent transaction (409 unless mapped).

    `reasons` holds one code (or None) per item and `keys` the (PK, SK) of each item, both in the order
    DynamoDB received them — which is not the order they were added (PynamoDB groups them by kind).
    """

    def __init__(
        self, reasons: list[str | None], keys: list[tuple[str, str]] | None = None, message: str | None = None
    ) -> None:
        super().__init__(message)
        self.reasons = reasons
        self.keys = keys or []

    def failed(self, pk: str, sk: str) -> bool:
        """Whether the item at these keys failed its condition."""
        return any(
            key == (pk, sk) and reason == "ConditionalCheckFailed"
            for key, reason in zip(self.keys, self.reasons, strict=False)
        )

    @property
    def conflicted(self) -> bool:
        """Cancelled only because another transaction touched the same items: worth retrying."""
        return "TransactionConflict" in self.reasons and "ConditionalCheckFailed" not in self.reasons


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    """A TransactWrite that commits on exit; a cancellation raises TransactionCancelled (409)."""
    tx = _CompanionTransactWrite(connection=connection())
    try:
        with tx:
            yield tx
    except TransactWriteError as error:
        reasons = [reason.code if reason else None for reason in (error.cancellation_reasons or [])]
        if _CANCELLED_BY.intersection(reasons):
            raise TransactionCancelled(reasons, _keys_in_sent_order(tx)) from error
        raise


def _keys_in_sent_order(tx: TransactWrite) -> list[tuple[str, str]]:
    # The order Connection.transact_write_items sends them in: condition checks, deletes, puts, updates.
    operations = tx._condition_check_items + tx._delete_items + tx._put_items + tx._update_items
    keys = []
    for operation in operations:
        attributes = operation.get("Key") or operation.get("Item") or {}
        keys.append((attributes.get("PK", {}).get("S", ""), attributes.get("SK", {}).get("S", "")))
    return keys


def transact(write: Callable[[TransactWrite], None], *, attempts: int = 3) -> None:
    """Run `write(tx)` in a transaction, retrying when only a concurrent transaction got in the way."""
    for attempt in range(attempts):
        try:
            with transaction() as tx:
                write(tx)
            return
        except TransactionCancelled as error:
            if not error.conflicted or attempt == attempts - 1:
                raise
            # Full jitter: writers that collided on the same item must not all come back at the same moment.
            time.sleep(random.uniform(0.005, 0.02 * (2**attempt)))
