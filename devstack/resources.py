"""The AWS resources the app expects, created on the local emulators if missing (idempotent)."""

import json
import os

import boto3
from botocore.exceptions import ClientError

from chalicelib.core.db import TTL_ATTRIBUTE, table_definition

# logical name -> (queue name, dead-letter queue name); a message goes to the DLQ after this many receives.
QUEUES = {
    "events": ("stint-events", "stint-events-dlq"),
    "jobs": ("stint-jobs", "stint-jobs-dlq"),
}
MAX_RECEIVE_COUNT = 5


def ensure_table(table_name: str) -> None:
    """Create the table with its GSIs and TTL unless it exists."""
    dynamodb = boto3.client("dynamodb")
    try:
        dynamodb.describe_table(TableName=table_name)
        return
    except dynamodb.exceptions.ResourceNotFoundException:
        pass
    dynamodb.create_table(**table_definition(table_name))
    dynamodb.get_waiter("table_exists").wait(TableName=table_name)
    dynamodb.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )


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
    for logical, (name, dlq_name) in QUEUES.items():
        dlq_url = sqs.create_queue(QueueName=dlq_name)["QueueUrl"]
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


def ensure_all() -> dict[str, str]:
    """Everything the app needs; returns the STINT_* environment that points the app at it."""
    table = os.environ.get("STINT_TABLE_NAME", "stint")
    bucket = os.environ.get("STINT_FILES_BUCKET", "stint-files")
    ensure_table(table)
    ensure_bucket(bucket)
    urls = ensure_queues()
    ensure_mail_identity(os.environ.get("STINT_MAIL_FROM", "Stint <no-reply@stint.local>"))
    return {
        "STINT_TABLE_NAME": table,
        "STINT_FILES_BUCKET": bucket,
        "STINT_EVENTS_QUEUE_URL": urls["events"],
        "STINT_JOBS_QUEUE_URL": urls["jobs"],
    }
