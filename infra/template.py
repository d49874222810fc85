"""Builds the CloudFormation merged into `chalice package --merge-template`: what Chalice does not create.

Generated rather than hand-written so the table's keys and GSIs come from the same definition the app,
the local bootstrap and the tests use (chalicelib.core.db.table_definition).
"""

import json
import sys

from chalicelib.core.db import TTL_ATTRIBUTE, table_definition
from devstack.resources import MAX_RECEIVE_COUNT, QUEUES

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
    properties = {key: value for key, value in table_definition("unused").items() if key != "TableName"}
    properties["TimeToLiveSpecification"] = {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    properties["SSESpecification"] = {"SSEEnabled": True}
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": properties}


def _queues() -> dict:
    resources = {}
    for logical, (name, dlq_name) in QUEUES.items():
        dlq_id, queue_id = f"{logical.title()}DeadLetterQueue", f"{logical.title()}Queue"
        resources[dlq_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": {"Fn::Sub": f"${{AWS::StackName}}-{dlq_name}"},
                "MessageRetentionPeriod": 1209600,
            },
        }
        resources[queue_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": {"Fn::Sub": f"${{AWS::StackName}}-{name}"},
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
        "Properties": {
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
    # Deep-merged into Chalice's function: the app finds its resources through these variables.
    api_environment = {
        "Environment": {
            "Variables": {
                "STINT_TABLE_NAME": {"Ref": "Table"},
                "STINT_FILES_BUCKET": {"Ref": "FilesBucket"},
                **{f"STINT_{logical.upper()}_QUEUE_URL": {"Ref": f"{logical.title()}Queue"} for logical in QUEUES},
            }
        }
    }
    return {
        "Resources": {
            "Table": _table(),
            "FilesBucket": bucket,
            **_queues(),
            **_gateway_responses(),
            "APIHandler": {"Properties": api_environment},
        }
    }


if __name__ == "__main__":
    json.dump(template(), sys.stdout, indent=2)
