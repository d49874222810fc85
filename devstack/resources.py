"""The AWS resources the app expects, created on the local emulators if missing (idempotent)."""

import json

import boto3
from botocore.exceptions import ClientError

from chalicelib.core.config import get_settings
from chalicelib.core.db import TTL_ATTRIBUTE, table_definition

# A message goes to its queue's DLQ (`<name>-dlq`) after this many receives.
MAX_RECEIVE_COUNT = 5


def queue_names() -> dict[str, str]:
    """Logical name -> queue name, as the app's settings name them."""
    settings = get_settings()
    return {"events": settings.events_queue, "jobs": settings.jobs_queue}


def ensure_table(table_name: str) -> None:
    """Create the table with its GSIs and TTL unless it exists; add GSIs a newer version defines."""
    dynamodb = boto3.client("dynamodb")
    definition = table_definition(table_name)
    try:
        existing = dynamodb.describe_table(TableName=table_name)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        existing = None
    if existing is not None:
        _add_missing_indexes(dynamodb, definition, existing)
        return
    dynamodb.create_table(**definition)
    dynamodb.get_waiter("table_exists").wait(TableName=table_name)
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


def _add_missing_indexes(dynamodb, definition: dict, existing: dict) -> None:
    present = {index["IndexName"] for index in existing.get("GlobalSecondaryIndexes", [])}
    for index in definition["GlobalSecondaryIndexes"]:
        if index["IndexName"] in present:
            continue
        dynamodb.update_table(
            TableName=definition["TableName"],
            AttributeDefinitions=definition["AttributeDefinitions"],
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )
        dynamodb.get_waiter("table_exists").wait(TableName=definition["TableName"])


def ensure_bucket(bucket: str) -> None:
    """Create the private files bucket unless it exists."""
    s3 = boto3.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        s3.create_bucket(Bucket=bucket)


def ensure_queues() -> dict[str, str]:
    """Create each queue with its DLQ and redrive policy; returns logical name -> queue URL."""
    sqs = boto3.client("sqs")
    urls = {}
    for logical, name in queue_names().items():
        dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)})
        urls[logical] = sqs.create_queue(
            QueueName=name, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "30"}
        )["QueueUrl"]
    return urls


def ensure_mail_identity(sender: str) -> None:
    """SES only sends from verified identities; verify the sender's address."""
    address = sender.split("<")[-1].rstrip(">").strip()
    boto3.client("ses").verify_email_identity(EmailAddress=address)


def ensure_all() -> None:
    """Everything the app needs, named as its settings say."""
    settings = get_settings()
    ensure_table(settings.table_name)
    ensure_bucket(settings.files_bucket)
    ensure_queues()
    ensure_mail_identity(settings.mail_from)
