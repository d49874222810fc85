"""One IAM role per Lambda function, granting exactly what that function calls (docs/decisions.md 60).

A function's needs start from its kind (every function reads and writes the table; SQS consumers read their
queue; the stream publisher reads the stream) and then name what only it does (files, mail, queues). No
statement has a wildcard action, nothing may Scan, and every resource is this stack's table, index, bucket
prefix, queue, log group or mail identity. tests/unit/infra/test_iam.py records the calls each function
makes under moto and checks every one is granted here.
"""

from dataclasses import dataclass, replace
from typing import Any

from chalicelib.core.db import GSI_NAMES
from infra.functions import Function

TABLE_READ = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")
TABLE_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",  # condition checks inside TransactWriteItems
)
STREAM_READ = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
QUEUE_SEND = ("sqs:SendMessage", "sqs:GetQueueUrl")
QUEUE_CONSUME = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")
OBJECT_READ, OBJECT_WRITE, OBJECT_DELETE = "s3:GetObject", "s3:PutObject", "s3:DeleteObject"
MAIL_SEND = ("ses:SendRawEmail",)
LOGS = ("logs:CreateLogStream", "logs:PutLogEvents")
# Object keys the app writes (chalicelib/files/storage.py): files and logos per org, avatars per user.
OBJECT_PREFIXES = ("org/", "users/")


@dataclass(frozen=True)
class Access:
    """What one function may do; the role is built from it."""

    table: tuple[str, ...] = TABLE_READ + TABLE_WRITE
    objects: tuple[str, ...] = ()  # S3 object actions under OBJECT_PREFIXES
    list_objects: bool = False  # ListBucket under org/ (deleting a prefix)
    send_to: tuple[str, ...] = ()  # queue names it sends to
    consume: str | None = None  # the queue it reads (SQS event source)
    stream: bool = False  # the table's stream (DynamoDB event source)
    mail: bool = False  # SES, as the stack's sender only


def access(function: Function, *, jobs_queue: str, events_queue: str) -> Access:
    """What `function` needs: its kind's baseline, then what only it does."""
    baseline = {
        "api": Access(objects=(OBJECT_READ, OBJECT_WRITE, OBJECT_DELETE), send_to=(jobs_queue,)),
        "sqs": Access(send_to=(jobs_queue,), consume=function.queue, mail=True),
        "stream": Access(table=("dynamodb:BatchGetItem", "dynamodb:UpdateItem"), stream=True),
        "schedule": Access(send_to=(jobs_queue,)),
        "lambda": Access(),
    }[function.kind]
    specific = {
        # Jobs delete an org's or a task's objects, make thumbnails (local stack) and send mail.
        "run_jobs": {"objects": (OBJECT_READ, OBJECT_WRITE, OBJECT_DELETE), "list_objects": True},
        # The publisher and the sweep move outbox events to the events queue and touch nothing else.
        "publish_outbox": {"send_to": (events_queue,)},
        "sweep_outbox": {
            "table": ("dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"),
            "send_to": (events_queue,),
        },
        "clean_abandoned_uploads": {"objects": (OBJECT_DELETE,)},
        # Reads an original, writes its thumbnail.
        "thumbnails": {"objects": (OBJECT_READ, OBJECT_WRITE)},
    }.get(function.name, {})
    return replace(baseline, **specific)


def role(access: Access, *, log_group: str, table: str, bucket: dict, queues: dict[str, str], mail: dict) -> dict:
    """The AWS::IAM::Role for one function. `queues` maps queue name → logical id; `mail` holds the SES ARNs."""
    statements = [
        _allow(
            LOGS,
            {"Fn::Sub": f"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group}:*"},
        )
    ]
    table_arn = {"Fn::GetAtt": [table, "Arn"]}
    if access.table:
        statements.append(_allow(access.table, table_arn))
        if "dynamodb:Query" in access.table:
            indexes = [{"Fn::Sub": f"${{{table}.Arn}}/index/{name}"} for name in GSI_NAMES]
            statements.append(_allow(("dynamodb:Query",), indexes))
    if access.stream:
        statements.append(_allow(STREAM_READ, {"Fn::GetAtt": [table, "StreamArn"]}))
        statements.append(_allow(("dynamodb:ListStreams",), {"Fn::Sub": f"${{{table}.Arn}}/stream/*"}))
    if access.objects:
        objects = [_bucket_arn(bucket, f"/{prefix}*") for prefix in OBJECT_PREFIXES]
        statements.append(_allow(access.objects, objects))
    if access.list_objects:
        listing = _allow(("s3:ListBucket",), _bucket_arn(bucket, ""))
        listing["Condition"] = {"StringLike": {"s3:prefix": ["org/*"]}}
        statements.append(listing)
    if access.send_to:
        targets = [{"Fn::GetAtt": [queues[name], "Arn"]} for name in access.send_to]
        statements.append(_allow(QUEUE_SEND, targets))
    if access.consume:
        statements.append(_allow(QUEUE_CONSUME, {"Fn::GetAtt": [queues[access.consume], "Arn"]}))
    if access.mail:
        sending = _allow(MAIL_SEND, [mail["identity"], mail["configuration_set"]])
        sending["Condition"] = {"StringEquals": {"ses:FromAddress": mail["from_address"]}}
        statements.append(sending)
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "Policies": [
                {"PolicyName": "access", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
            ],
        },
    }


def _allow(actions: tuple[str, ...], resources: Any) -> dict:
    return {"Effect": "Allow", "Action": sorted(actions), "Resource": resources}


def _bucket_arn(bucket: dict, suffix: str) -> dict:
    return {"Fn::Sub": [f"arn:${{AWS::Partition}}:s3:::${{Name}}{suffix}", {"Name": bucket}]}
