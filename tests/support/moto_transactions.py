"""moto's TransactWriteItems, rolled back item by item instead of by copying whole tables.

moto 5 backs a transaction up by deep-copying the table once per item it holds, so one call costs
O(items × table size): a 95-entry approval or a month of invoicing took minutes and dominated the suite.
This keeps its all-or-nothing behaviour exactly: the items the transaction touches are saved first and put
back if it is cancelled, and moto's own backup becomes the table itself (restoring it is then a no-op).
"""

import copy
from typing import Any

import moto.dynamodb.models as backend_module
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_moto_transact_write_items = DynamoDBBackend.transact_write_items


class _TablesAreNotCopied:
    """Stands in for the `copy` module inside moto's backend: a Table 'copy' is the table itself."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict | None = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _touched(backend: DynamoDBBackend, operation: dict) -> tuple[Table, DynamoType, DynamoType | None] | None:
    kind, details = next(iter(operation.items()))
    try:
        table = backend.get_table(details["TableName"])
        attributes = details["Item"] if kind == "Put" else details["Key"]
        hash_value = DynamoType(attributes[table.hash_key_attr])
        range_value = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
    except Exception:  # a malformed operation: moto's own checks answer for it
        return None
    return table, hash_value, range_value


def _restore(table: Table, hash_value: DynamoType, range_value: DynamoType | None, before) -> None:
    if range_value is None:
        if before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
    elif before is None:
        table.items.get(hash_value, {}).pop(range_value, None)
    else:
        table.items[hash_value][range_value] = before


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    saved = []
    for operation in transact_items[:100]:
        touched = _touched(self, operation)
        if touched is not None:
            saved.append((*touched, copy.deepcopy(touched[0].get_item(touched[1], touched[2]))))
    try:
        _moto_transact_write_items(self, transact_items)
    except Exception:
        for table, hash_value, range_value, before in reversed(saved):  # the earliest copy of a key wins
            _restore(table, hash_value, range_value, before)
        raise


def install() -> None:
    backend_module.copy = _TablesAreNotCopied()
    DynamoDBBackend.transact_write_items = transact_write_items
