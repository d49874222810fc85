"""The suite's moto transactions (tests/support/moto_transactions.py) stay all-or-nothing."""

import boto3
import pytest
from botocore.exceptions import ClientError


def _item(name: str, sk: str) -> dict | None:
    return boto3.client("dynamodb").get_item(TableName=name, Key={"PK": {"S": "T"}, "SK": {"S": sk}}).get("Item")


def test_a_cancelled_transaction_leaves_every_item_as_it_was(table):
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=table, Item={"PK": {"S": "T"}, "SK": {"S": "kept"}, "n": {"N": "1"}})
    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": {"PK": {"S": "T"}, "SK": {"S": "new"}}}},
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"PK": {"S": "T"}, "SK": {"S": "kept"}},
                        "UpdateExpression": "SET n = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": {"PK": {"S": "T"}, "SK": {"S": "missing"}},
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )
    assert _item(table, "new") is None
    assert _item(table, "kept")["n"] == {"N": "1"}


def test_a_transaction_that_succeeds_writes_everything(table):
    dynamodb = boto3.client("dynamodb")
    dynamodb.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": {"PK": {"S": "T"}, "SK": {"S": sk}}}} for sk in ("a", "b")]
    )
    assert _item(table, "a") and _item(table, "b")
