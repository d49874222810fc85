"""Builds the CloudFormation merged into `chalice package --merge-template`: what Chalice does not create.

Generated rather than hand-written so the table's keys and GSIs come from the same definition the app,
the local bootstrap and the tests use (chalicelib.core.db.table_definition).
"""

import json
import os
import sys
from pathlib import Path

from chalicelib.core.config import get_settings
from chalicelib.core.db import TTL_ATTRIBUTE, table_definition
from chalicelib.core.events import ENTITY as OUTBOX_ENTITY
from devstack.resources import MAX_RECEIVE_COUNT, queue_names

_ENVELOPE = '{"error":{"code":"%s","message":"%s","request_id":"$context.requestId"}}'
# API Gateway answers these itself, before any function runs; render them in Stint's envelope.
_GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "No such route."),
    "RESOURCE_NOT_FOUND": (404, "not_found", "No such route."),
    "UNSUPPORTED_MEDIA_TYPE": (415, "unsupported_media_type", "Unsupported content type."),
    "REQUEST_TOO_LARGE": (413, "payload_too_large", "The request body is too large."),
    "THROTTLED": (429, "rate_limited", "Too many requests, slow down."),
    "DEFAULT_4XX": (None, "validation_error", "The request was rejected."),
    "DEFAULT_5XX": (None, "internal_error", "An unexpected error occurred."),
}


def _table() -> dict:
    properties = table_definition(get_settings().table_name)
    properties["TimeToLiveSpecification"] = {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    properties["SSESpecification"] = {"SSEEnabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": properties}


def _queues() -> dict:
    resources = {}
    for logical, name in queue_names().items():
        dlq_name = f"{name}-dlq"
        dlq_id, queue_id = f"{logical.title()}DeadLetterQueue", f"{logical.title()}Queue"
        resources[dlq_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": dlq_name,
                "MessageRetentionPeriod": 1209600,
            },
        }
        resources[queue_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": name,
                "VisibilityTimeout": 180,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                    "maxReceiveCount": MAX_RECEIVE_COUNT,
                },
            },
        }
    return resources


def _gateway_responses() -> dict:
    resources = {}
    for response_type, (status, code, message) in _GATEWAY_RESPONSES.items():
        properties = {
            "RestApiId": {"Ref": "RestAPI"},
            "ResponseType": response_type,
            "ResponseTemplates": {"application/json": _ENVELOPE % (code, message)},
        }
        if status:
            properties["StatusCode"] = str(status)
        name = "".join(part.title() for part in response_type.split("_"))
        resources[f"GatewayResponse{name}"] = {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": properties}
    return resources


def template() -> dict:
    """The merge template."""
    bucket = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        # S3 checks that it may invoke the thumbnails function when the notification is configured.
        "DependsOn": [_THUMBNAILS_PERMISSION],
        "Properties": {
            "BucketName": _bucket_name(),
            "NotificationConfiguration": {"LambdaConfigurations": [_thumbnail_notification()]},
            # Browsers POST uploads straight to the bucket (presigned POST) and follow 307s to it.
            "CorsConfiguration": {
                "CorsRules": [
                    {
                        "AllowedMethods": ["GET", "HEAD", "POST"],
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["*"],
                        "MaxAge": 3600,
                    }
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        },
    }
    return {
        "Resources": {
            "Table": _table(),
            "FilesBucket": bucket,
            _THUMBNAILS_PERMISSION: _thumbnails_permission(),
            **_queues(),
            **_gateway_responses(),
            **_functions(),
        }
    }


def _functions() -> dict:
    """Deep-merged into Chalice's functions: where the bucket is, per-message failures for SQS batches, and the
    outbox publisher on the table's stream (only new events reach it, through a filter)."""
    from chalice.app import DynamoDBEventConfig, SQSEventConfig
    from chalice.utils import to_cfn_resource_name

    from app import app

    # The bucket's name, not a Ref to it: the bucket depends on the thumbnails function (its notification), so
    # a function depending back on the bucket would be a cycle.
    bucket = {"Environment": {"Variables": {"STINT_FILES_BUCKET": _bucket_name()}}}
    functions = {"APIHandler": {"Properties": bucket}}
    for function in app.pure_lambda_functions:
        functions[to_cfn_resource_name(function.name)] = {"Properties": dict(bucket)}
    for source in app.event_sources:
        name = to_cfn_resource_name(source.name)
        properties = dict(bucket)
        if isinstance(source, SQSEventConfig):
            properties["Events"] = {
                f"{name}SqsEventSource": {"Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}}
            }
        if isinstance(source, DynamoDBEventConfig):
            properties["Events"] = {f"{name}DynamodbEventSource": {"Properties": _outbox_stream()}}
        functions[name] = {"Properties": properties}
    return functions


def _outbox_stream() -> dict:
    """The publisher's stream source: new outbox events only, per-record failures, poison batches bisected."""
    pattern = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"entity": {"S": [OUTBOX_ENTITY]}}}}
    return {
        "Stream": {"Fn::GetAtt": ["Table", "StreamArn"]},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": 10,
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps(pattern)}]},
    }


_THUMBNAILS_FUNCTION = "Thumbnails"  # chalice's resource name for @app.lambda_function(name="thumbnails")
_THUMBNAILS_PERMISSION = "ThumbnailsS3InvokePermission"


def _bucket_name() -> dict:
    """Globally unique and known before the bucket exists: `<files_bucket>-<account>-<region>`."""
    return {"Fn::Sub": f"{get_settings().files_bucket}-${{AWS::AccountId}}-${{AWS::Region}}"}


def _thumbnail_notification() -> dict:
    """Every object created as a file's original (`org/<org>/files/<att>/original`) invokes the thumbnails function."""
    rules = [{"Name": "prefix", "Value": "org/"}, {"Name": "suffix", "Value": "/original"}]
    return {
        "Event": "s3:ObjectCreated:*",
        "Filter": {"S3Key": {"Rules": rules}},
        "Function": {"Fn::GetAtt": [_THUMBNAILS_FUNCTION, "Arn"]},
    }


def _thumbnails_permission() -> dict:
    """Lets this stack's bucket (and only it) invoke the thumbnails function."""
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [_THUMBNAILS_FUNCTION, "Arn"]},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${Name}", {"Name": _bucket_name()}]},
        },
    }


def use_stage(stage: str) -> None:
    """Read settings as the stage's Lambda functions will: with its environment from .chalice/config.json."""
    config = json.loads((Path(__file__).resolve().parent.parent / ".chalice" / "config.json").read_text())
    os.environ.update(config.get("environment_variables", {}))
    os.environ.update(config["stages"][stage].get("environment_variables", {}))
    get_settings.cache_clear()


if __name__ == "__main__":
    use_stage(sys.argv[1] if len(sys.argv) > 1 else "dev")
    json.dump(template(), sys.stdout, indent=2)
