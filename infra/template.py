"""Builds the CloudFormation merged into `chalice package --merge-template`: what Chalice does not create.

Generated rather than hand-written so the table's keys and GSIs come from the same definition the app,
the local bootstrap and the tests use (chalicelib.core.db.table_definition), and so every function the app
defines gets its role, name and wiring (infra.functions reads them from the app object).

    python -m infra.template <stage>   # prints the merge template for a stage of .chalice/config.json
"""

import json
import os
import sys
from dataclasses import dataclass

from chalice.utils import to_cfn_resource_name

from chalicelib.core.config import get_settings
from chalicelib.core.db import GSI_NAMES, TTL_ATTRIBUTE, table_definition
from chalicelib.core.events import ENTITY as OUTBOX_ENTITY
from devstack.resources import MAX_RECEIVE_COUNT, queue_names
from infra import iam
from infra.functions import Function, config, functions, setting

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
_DEFAULT_TIMEOUT = 60  # Chalice's default Lambda timeout
_MAIL_SENDER = "no-reply"


@dataclass(frozen=True)
class Stage:
    """What differs between stages beyond .chalice/config.json."""

    protect_data: bool  # deletion protection + Retain on the table and bucket
    api_rate_limit: int  # API Gateway steady-state requests per second, whole stage
    api_burst_limit: int
    api_5xx_per_5_minutes: int  # alarm threshold
    throttles_per_5_minutes: int  # DynamoDB throttle events alarm threshold


STAGES = {
    "dev": Stage(
        protect_data=False, api_rate_limit=50, api_burst_limit=100, api_5xx_per_5_minutes=10, throttles_per_5_minutes=10
    ),
    "prod": Stage(
        protect_data=True, api_rate_limit=1000, api_burst_limit=2000, api_5xx_per_5_minutes=5, throttles_per_5_minutes=1
    ),
}


def template(stage: str = "dev") -> dict:
    """The merge template for `stage`, with resource names from the current settings (see `use_stage`)."""
    settings, options = get_settings(), STAGES[stage]
    found = functions()
    queues = {name: f"{logical.title()}Queue" for logical, name in queue_names().items()}
    resources = {
        "Table": _table(options),
        "FilesBucket": _bucket(options),
        "FilesBucketPolicy": _bucket_policy(),
        _THUMBNAILS_PERMISSION: _thumbnails_permission(),
        **_queues(stage, found),
        **_gateway_responses(),
        "RestAPI": _rest_api(stage, options),
        **_secrets(),
        **_mail(),
        **_alarms(stage, options),
    }
    ses = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}"
    mail = {
        "identity": {"Fn::Sub": f"{ses}:identity/${{MailDomain}}"},
        "configuration_set": {"Fn::Sub": f"{ses}:configuration-set/${{MailConfigurationSet}}"},
        "from_address": {"Fn::Sub": f"{_MAIL_SENDER}@${{MailDomain}}"},
    }
    for function in found:
        needs = iam.access(function, jobs_queue=settings.jobs_queue, events_queue=settings.events_queue)
        resources[f"{function.resource}Role"] = iam.role(
            needs,
            log_group=f"/aws/lambda/{function.physical_name(stage)}",
            table="Table",
            bucket=_bucket_name(),
            queues=queues,
            mail=mail,
        )
        resources[function.resource] = {"Properties": _function(stage, function, queues)}
        if setting(stage, function.name, "log_retention_in_days"):
            # Chalice names the group by a Ref to the function, misspelt for the API handler (`${ApiHandler}`);
            # the function's name is known, and the group exists before the function so the role needs no
            # logs:CreateLogGroup.
            log_group = f"{to_cfn_resource_name(function.name)}LogGroup"
            resources[log_group] = {"Properties": {"LogGroupName": f"/aws/lambda/{function.physical_name(stage)}"}}
            resources[function.resource]["DependsOn"] = [log_group]
    return {
        "Parameters": {
            "MailDomain": {
                "Type": "String",
                "Description": "The domain Stint sends email from (an SES identity; DKIM records are in Outputs).",
                "AllowedPattern": r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
            },
            "AlarmEmail": {
                "Type": "String",
                "Default": "",
                "Description": "Where alarms are emailed (empty: subscribe to the AlarmTopic yourself).",
            },
        },
        "Conditions": {"HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}},
        "Resources": resources,
        "Outputs": _outputs(),
    }


# --- data ----------------------------------------------------------------------------------------------------


def _table(options: Stage) -> dict:
    properties = table_definition(get_settings().table_name)
    # CreateTable's StreamEnabled is implied in CloudFormation by the view type.
    properties["StreamSpecification"] = {"StreamViewType": properties["StreamSpecification"]["StreamViewType"]}
    properties["TimeToLiveSpecification"] = {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": True}
    properties["SSESpecification"] = {"SSEEnabled": True}
    properties["DeletionProtectionEnabled"] = options.protect_data
    return {"Type": "AWS::DynamoDB::Table", **_retention(options), "Properties": properties}


def _retention(options: Stage) -> dict:
    policy = "Retain" if options.protect_data else "Delete"
    return {"DeletionPolicy": policy, "UpdateReplacePolicy": policy}


def _bucket(options: Stage) -> dict:
    return {
        "Type": "AWS::S3::Bucket",
        **_retention(options),
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
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            # A deleted or replaced object can be restored for 30 days.
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    # Multipart uploads never completed (abandoned presigned uploads are swept by the app).
                    {
                        "Id": "abort-incomplete-uploads",
                        "Status": "Enabled",
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                    },
                    {
                        "Id": "expire-deleted-objects",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                        "ExpiredObjectDeleteMarker": True,
                    },
                ]
            },
        },
    }


def _bucket_policy() -> dict:
    """Nothing reaches the bucket without TLS (presigned URLs are https)."""
    bucket = {"Fn::GetAtt": ["FilesBucket", "Arn"]}
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": "FilesBucket"},
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [bucket, {"Fn::Sub": "${FilesBucket.Arn}/*"}],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
        },
    }


def _queues(stage: str, found: list[Function]) -> dict:
    """Each queue with its DLQ. Visibility is 6x its consumer's timeout (AWS's advice for Lambda consumers)."""
    timeouts = {f.queue: setting(stage, f.name, "lambda_timeout", _DEFAULT_TIMEOUT) for f in found if f.kind == "sqs"}
    resources = {}
    for logical, name in queue_names().items():
        dlq_id, queue_id = f"{logical.title()}DeadLetterQueue", f"{logical.title()}Queue"
        resources[dlq_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": f"{name}-dlq", "MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True},
        }
        resources[queue_id] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": name,
                "VisibilityTimeout": 6 * timeouts.get(name, _DEFAULT_TIMEOUT),
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                    "maxReceiveCount": MAX_RECEIVE_COUNT,
                },
            },
        }
    return resources


# --- functions -----------------------------------------------------------------------------------------------


def _function(stage: str, function: Function, queues: dict[str, str]) -> dict:
    """Deep-merged into Chalice's function: its name and role, where the bucket is, mail and secrets, and
    its event source's wiring (per-message failures; the outbox publisher sees only new events)."""
    variables = {
        # The bucket's name, not a Ref to it: the bucket depends on the thumbnails function (its notification),
        # so a function depending back on the bucket would be a cycle.
        "STINT_FILES_BUCKET": _bucket_name(),
        "STINT_MAIL_FROM": {"Fn::Sub": f"Stint <{_MAIL_SENDER}@${{MailDomain}}>"},
        "STINT_JWT_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:${JwtSecret}:SecretString}}"},
        "STINT_SIGNING_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:${SigningSecret}:SecretString}}"},
    }
    properties = {
        "FunctionName": function.physical_name(stage),
        "Role": {"Fn::GetAtt": [f"{function.resource}Role", "Arn"]},
        "Environment": {"Variables": variables},
    }
    if function.kind == "sqs":
        source = {
            # A reference (not Chalice's ARN by name) so the queue exists before the mapping; an Fn::Sub so
            # that the deep merge replaces Chalice's Fn::Sub instead of adding a second function to the dict.
            "Queue": {"Fn::Sub": f"${{{queues[function.queue]}.Arn}}"},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        }
        reserved = setting(stage, function.name, "reserved_concurrency")
        if reserved:
            # Polling no faster than the function may run, so throttled batches do not count as receives.
            source["ScalingConfig"] = {"MaximumConcurrency": max(2, reserved)}
        properties["Events"] = {f"{function.resource}SqsEventSource": {"Properties": source}}
    if function.kind == "stream":
        properties["Events"] = {f"{function.resource}DynamodbEventSource": {"Properties": _outbox_stream()}}
    return properties


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


def _rest_api(stage: str, options: Stage) -> dict:
    """The stage's name and request throttling (every method), with per-method metrics."""
    return {
        "Properties": {
            "Name": f"{config()['app_name']}-{stage}",
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": options.api_rate_limit,
                    "ThrottlingBurstLimit": options.api_burst_limit,
                    "MetricsEnabled": True,
                }
            ],
        }
    }


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
        if status == 429:  # the stage's throttling answers like the app's own rate limit
            properties["ResponseParameters"] = {"gatewayresponse.header.Retry-After": "'1'"}
        name = "".join(part.title() for part in response_type.split("_"))
        resources[f"GatewayResponse{name}"] = {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": properties}
    return resources


def _secrets() -> dict:
    """The JWT and cursor-signing secrets, generated once per stack and handed to the functions' settings."""
    return {
        name: {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {
                "Description": description,
                "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
            },
        }
        for name, description in (
            ("JwtSecret", "Signs Stint's access tokens (HS256)."),
            ("SigningSecret", "Signs Stint's cursors and view tickets."),
        )
    }


# --- mail ----------------------------------------------------------------------------------------------------


def _mail() -> dict:
    """The sending domain: DKIM-signed, a custom MAIL FROM, bounces and complaints suppressed."""
    return {
        "MailConfigurationSet": {
            "Type": "AWS::SES::ConfigurationSet",
            "Properties": {
                "ReputationOptions": {"ReputationMetricsEnabled": True},
                "SendingOptions": {"SendingEnabled": True},
                "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            },
        },
        "MailIdentity": {
            "Type": "AWS::SES::EmailIdentity",
            "Properties": {
                "EmailIdentity": {"Ref": "MailDomain"},
                "DkimAttributes": {"SigningEnabled": True},
                "DkimSigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"},
                "ConfigurationSetAttributes": {"ConfigurationSetName": {"Ref": "MailConfigurationSet"}},
                "MailFromAttributes": {
                    "MailFromDomain": {"Fn::Sub": "mail.${MailDomain}"},
                    "BehaviorOnMxFailure": "USE_DEFAULT_VALUE",
                },
            },
        },
    }


# --- alarms --------------------------------------------------------------------------------------------------


def _alarms(stage: str, options: Stage) -> dict:
    """Messages in a DLQ, API 5xx answers, DynamoDB throttling (table or any index): each notifies AlarmTopic."""
    resources = {
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/aws/sns"}},
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlarmEmail",
            "Properties": {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}},
        },
    }
    for logical in queue_names():
        dlq = f"{logical.title()}DeadLetterQueue"
        resources[f"{dlq}Alarm"] = _alarm(
            f"Messages in the {logical} dead-letter queue: they failed {MAX_RECEIVE_COUNT} times.",
            threshold=1,
            metric=_metric(
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", QueueName={"Fn::GetAtt": [dlq, "QueueName"]}
            ),
        )
    resources["Api5xxAlarm"] = _alarm(
        "The API answered 5xx (internal_error or overloaded) more than usual.",
        threshold=options.api_5xx_per_5_minutes,
        metric=_metric("AWS/ApiGateway", "5XXError", "Sum", ApiName=f"{config()['app_name']}-{stage}", Stage="api"),
    )
    for kind in ("Read", "Write"):
        metrics = [
            {
                "Id": "table",
                "ReturnData": False,
                "MetricStat": _stat("AWS/DynamoDB", f"{kind}ThrottleEvents", TableName={"Ref": "Table"}),
            }
        ]
        for index in GSI_NAMES:
            stat = _stat(
                "AWS/DynamoDB", f"{kind}ThrottleEvents", TableName={"Ref": "Table"}, GlobalSecondaryIndexName=index
            )
            metrics.append({"Id": index.lower(), "ReturnData": False, "MetricStat": stat})
        ids = ", ".join(metric["Id"] for metric in metrics)
        metrics.append(
            {"Id": "throttled", "Expression": f"SUM([{ids}])", "Label": f"{kind} throttle events", "ReturnData": True}
        )
        resources[f"Table{kind}ThrottleAlarm"] = _alarm(
            f"DynamoDB throttled {kind.lower()}s on the table or an index (the API answers 503 when retries run out).",
            threshold=options.throttles_per_5_minutes,
            metric={"Metrics": metrics},
        )
    return resources


def _alarm(description: str, *, threshold: int, metric: dict) -> dict:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": threshold,
            "EvaluationPeriods": 1,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": "AlarmTopic"}],
            "OKActions": [{"Ref": "AlarmTopic"}],
            **metric,
        },
    }


def _metric(namespace: str, name: str, statistic: str, **dimensions) -> dict:
    return {
        "Namespace": namespace,
        "MetricName": name,
        "Statistic": statistic,
        "Period": 300,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }


def _stat(namespace: str, name: str, **dimensions) -> dict:
    metric = {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }
    return {"Metric": metric, "Period": 300, "Stat": "Sum"}


def _outputs() -> dict:
    """What DNS needs for the mail domain (three DKIM CNAMEs), and where alarms go."""
    outputs = {"AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}}}
    for n in (1, 2, 3):
        outputs[f"DkimRecord{n}"] = {
            "Description": "CNAME to add to the mail domain's DNS",
            "Value": {
                "Fn::Join": [
                    " CNAME ",
                    [
                        {"Fn::GetAtt": ["MailIdentity", f"DkimDNSTokenName{n}"]},
                        {"Fn::GetAtt": ["MailIdentity", f"DkimDNSTokenValue{n}"]},
                    ],
                ]
            },
        }
    return outputs


# --- files ---------------------------------------------------------------------------------------------------

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
    os.environ.update(config().get("environment_variables", {}))
    os.environ.update(config()["stages"][stage].get("environment_variables", {}))
    get_settings.cache_clear()


if __name__ == "__main__":
    stage_name = sys.argv[1] if len(sys.argv) > 1 else "dev"
    use_stage(stage_name)
    json.dump(template(stage_name), sys.stdout, indent=2)
