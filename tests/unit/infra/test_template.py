"""The merge template, rendered in-process: what CloudFormation will create next to Chalice's functions."""

import json

import pytest
from chalice.package import TemplateDeepMerger

from chalicelib.core.config import get_settings
from chalicelib.core.db import GSI_NAMES, TTL_ATTRIBUTE, table_definition
from devstack.resources import MAX_RECEIVE_COUNT
from infra import check
from infra.functions import functions, setting
from infra.template import template


@pytest.fixture(scope="module")
def prod():
    return template("prod")


@pytest.fixture(scope="module")
def dev():
    return template("dev")


def resources_of(rendered: dict, kind: str) -> dict:
    return {name: r for name, r in rendered["Resources"].items() if r.get("Type") == kind}


# --- table ---------------------------------------------------------------------------------------------------


def test_the_table_has_the_keys_and_every_index_the_code_defines(prod):
    table = prod["Resources"]["Table"]["Properties"]
    defined = table_definition(get_settings().table_name)
    assert table["KeySchema"] == defined["KeySchema"]
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == list(GSI_NAMES)
    assert table["GlobalSecondaryIndexes"] == defined["GlobalSecondaryIndexes"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"


def test_the_table_expires_items_streams_changes_and_keeps_a_35_day_restore_window(prod):
    table = prod["Resources"]["Table"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    # The outbox publisher reads the new image of inserted events.
    assert table["StreamSpecification"]["StreamViewType"] in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_prod_data_survives_a_stack_deletion_and_dev_data_does_not(prod, dev):
    for name in ("Table", "FilesBucket"):
        assert prod["Resources"][name]["DeletionPolicy"] == prod["Resources"][name]["UpdateReplacePolicy"] == "Retain"
        assert dev["Resources"][name]["DeletionPolicy"] == "Delete"
    assert prod["Resources"]["Table"]["Properties"]["DeletionProtectionEnabled"] is True
    assert dev["Resources"]["Table"]["Properties"]["DeletionProtectionEnabled"] is False


# --- bucket --------------------------------------------------------------------------------------------------


def test_the_files_bucket_is_private_encrypted_and_tls_only(prod):
    bucket = prod["Resources"]["FilesBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    [deny] = prod["Resources"]["FilesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_browsers_may_post_uploads_and_follow_downloads_to_the_bucket(prod):
    [rule] = prod["Resources"]["FilesBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert {"GET", "POST"} <= set(rule["AllowedMethods"])


def test_abandoned_multipart_uploads_and_deleted_objects_do_not_linger(prod):
    rules = prod["Resources"]["FilesBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any(rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation") == 1 for rule in rules)
    assert any("NoncurrentVersionExpiration" in rule for rule in rules)


# --- queues --------------------------------------------------------------------------------------------------


def test_every_queue_hands_repeatedly_failing_messages_to_its_dead_letter_queue(prod):
    queues = resources_of(prod, "AWS::SQS::Queue")
    main = {name: q for name, q in queues.items() if not name.endswith("DeadLetterQueue")}
    assert {q["Properties"]["QueueName"] for q in main.values()} == {
        get_settings().jobs_queue,
        get_settings().events_queue,
    }
    for queue in main.values():
        redrive = queue["Properties"]["RedrivePolicy"]
        assert redrive["maxReceiveCount"] == MAX_RECEIVE_COUNT
        assert (
            queues[redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]]["Properties"]["MessageRetentionPeriod"] == 1209600
        )


def test_a_message_stays_hidden_while_its_consumer_may_still_be_running(prod):
    queues = {q["Properties"]["QueueName"]: q["Properties"] for q in resources_of(prod, "AWS::SQS::Queue").values()}
    consumers = [f for f in functions() if f.kind == "sqs"]
    assert consumers
    for consumer in consumers:
        assert queues[consumer.queue]["VisibilityTimeout"] >= 6 * setting("prod", consumer.name, "lambda_timeout")


# --- functions -----------------------------------------------------------------------------------------------


def test_every_function_the_app_defines_gets_its_own_role_name_and_log_group(prod):
    found = functions()
    assert {f.kind for f in found} == {"api", "sqs", "stream", "schedule", "lambda"}
    roles = resources_of(prod, "AWS::IAM::Role")
    for function in found:
        properties = prod["Resources"][function.resource]["Properties"]
        assert properties["Role"] == {"Fn::GetAtt": [f"{function.resource}Role", "Arn"]}
        assert f"{function.resource}Role" in roles
        assert properties["FunctionName"] == f"stint-prod-{function.name}"
        [log_group] = prod["Resources"][function.resource]["DependsOn"]
        assert prod["Resources"][log_group]["Properties"]["LogGroupName"] == f"/aws/lambda/stint-prod-{function.name}"


def test_sqs_consumers_report_failed_messages_one_by_one_and_wait_for_their_queue(prod):
    for function in (f for f in functions() if f.kind == "sqs"):
        [source] = prod["Resources"][function.resource]["Properties"]["Events"].values()
        assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        queue_ref = source["Properties"]["Queue"]["Fn::Sub"]
        queue = prod["Resources"][queue_ref.strip("${}").removesuffix(".Arn")]
        assert queue["Properties"]["QueueName"] == function.queue


def test_the_outbox_publisher_sees_only_new_events_and_retries_per_record(prod):
    [publisher] = [f for f in functions() if f.kind == "stream"]
    [source] = prod["Resources"][publisher.resource]["Properties"]["Events"].values()
    assert source["Properties"]["Stream"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    [pattern] = source["Properties"]["FilterCriteria"]["Filters"]
    assert json.loads(pattern["Pattern"])["eventName"] == ["INSERT"]


def test_functions_get_generated_secrets_and_the_stack_sender_not_the_local_defaults(prod):
    variables = prod["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert "JwtSecret" in variables["STINT_JWT_SECRET"]["Fn::Sub"]
    assert "SigningSecret" in variables["STINT_SIGNING_SECRET"]["Fn::Sub"]
    assert "MailDomain" in variables["STINT_MAIL_FROM"]["Fn::Sub"]
    assert prod["Resources"]["JwtSecret"]["Properties"]["GenerateSecretString"]["PasswordLength"] >= 32


def test_the_stage_throttles_requests_before_they_reach_a_function(prod, dev):
    for rendered in (prod, dev):
        [settings] = rendered["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
        assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
        assert 0 < settings["ThrottlingRateLimit"] <= settings["ThrottlingBurstLimit"]


def test_requests_over_the_stage_limit_get_429_in_the_envelope_with_retry_after(prod):
    throttled = prod["Resources"]["GatewayResponseThrottled"]["Properties"]
    assert throttled["StatusCode"] == "429"
    assert (
        json.loads(throttled["ResponseTemplates"]["application/json"].replace("$context.requestId", "r"))["error"][
            "code"
        ]
        == "rate_limited"
    )
    assert throttled["ResponseParameters"] == {"gatewayresponse.header.Retry-After": "'1'"}


def test_stage_settings_give_every_function_a_timeout_and_a_concurrency_cap():
    for stage in ("dev", "prod"):
        for function in functions():
            assert setting(stage, function.name, "lambda_timeout")
            assert setting(stage, function.name, "reserved_concurrency"), f"{stage}/{function.name}"
        assert setting(stage, "api_handler", "lambda_timeout") < 30  # API Gateway gives up at 29 s


# --- mail and alarms -----------------------------------------------------------------------------------------


def test_mail_goes_out_from_a_dkim_signed_domain_that_suppresses_bounces(prod):
    identity = prod["Resources"]["MailIdentity"]["Properties"]
    assert identity["EmailIdentity"] == {"Ref": "MailDomain"}
    assert identity["DkimAttributes"] == {"SigningEnabled": True}
    options = prod["Resources"]["MailConfigurationSet"]["Properties"]["SuppressionOptions"]
    assert set(options["SuppressedReasons"]) == {"BOUNCE", "COMPLAINT"}


def test_alarms_watch_every_dead_letter_queue_api_5xx_and_throttling_on_the_table_and_each_index(prod):
    alarms = resources_of(prod, "AWS::CloudWatch::Alarm")
    dlqs = [name for name in resources_of(prod, "AWS::SQS::Queue") if name.endswith("DeadLetterQueue")]
    for dlq in dlqs:
        alarm = alarms[f"{dlq}Alarm"]["Properties"]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible" and alarm["Threshold"] == 1
        assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}]
    assert alarms["Api5xxAlarm"]["Properties"]["MetricName"] == "5XXError"
    for kind in ("Read", "Write"):
        metrics = alarms[f"Table{kind}ThrottleAlarm"]["Properties"]["Metrics"]
        indexes = {
            d["Value"]
            for m in metrics
            for d in m.get("MetricStat", {}).get("Metric", {}).get("Dimensions", [])
            if d["Name"] == "GlobalSecondaryIndexName"
        }
        assert indexes == set(GSI_NAMES)
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


# --- the packaged template's own checks ----------------------------------------------------------------------


def chalice_output(rendered: dict) -> dict:
    """Roughly what `chalice package` emits for the app's functions: each on the placeholder role."""
    return {
        "Resources": {
            f.resource: {
                "Type": "AWS::Serverless::Function",
                "Properties": {"Role": "arn:aws:iam::000000000000:role/set-per-function-by-infra-template"},
            }
            for f in functions()
        }
    }


def test_merged_with_chalices_output_every_function_runs_under_its_own_least_privilege_role(prod):
    merged = TemplateDeepMerger().merge(prod, chalice_output(prod))
    assert check.problems(merged) == []


def test_the_check_refuses_a_placeholder_role_a_shared_role_and_wildcard_grants(prod):
    merged = TemplateDeepMerger().merge(prod, chalice_output(prod))
    merged["Resources"]["RunJobs"]["Properties"]["Role"] = "arn:aws:iam::000000000000:role/placeholder"
    merged["Resources"]["DeliverEvents"]["Properties"]["Role"] = {"Fn::GetAtt": ["SweepOutboxRole", "Arn"]}
    statements = merged["Resources"]["ThumbnailsRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    statements.append({"Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "*"})
    merged["Resources"]["JobsQueue"]["Properties"].pop("RedrivePolicy")
    found = "\n".join(check.problems(merged))
    assert "RunJobs: runs under" in found
    assert "shares SweepOutboxRole" in found
    assert "ThumbnailsRole: wildcard action" in found and "on every resource" in found
    assert "JobsQueue: no dead-letter queue" in found
