"""Fixtures, in the order they must apply: environment → fake credentials → mock_aws → table → client."""

import os

# Before anything imports the app: the settings and the PynamoDB table name are read at import time.
for _name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[_name]
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "STINT_STAGE": "test",
        "STINT_TABLE_NAME": "stint-test",
        "STINT_FILES_BUCKET": "stint-test-files",
        # Suites make hundreds of requests with one token; the rate-limit tests lower it again (decision 26).
        "STINT_API_RATE_LIMIT_PER_MINUTE": "100000",
        # Production-strength argon2 costs ~125 ms a hash; tests register and log in thousands of times.
        "STINT_ARGON2_MEMORY_KIB": "1024",
        "STINT_ARGON2_TIME_COST": "1",
        # Webhook receivers in tests are HTTP servers on 127.0.0.1 (decision 48).
        "STINT_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "1",
    }
)

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from chalicelib.core.db import table_definition  # noqa: E402
from chalicelib.core.metrics import count_dynamodb_calls  # noqa: E402

# The DynamoDB fault hook (before any botocore session), and moto transactions rolled back by item.
from tests.support import faults, moto_transactions  # noqa: E402, F401
from tests.support.client import ApiClient  # noqa: E402

moto_transactions.install()


@pytest.fixture
def aws():
    """Every AWS call in the test goes to moto's in-memory services.

    boto3's default session is kept across tests: a fresh one would parse botocore's service models again
    for every client, which cost more than the tests themselves.
    """
    with mock_aws(config={"core": {"reset_boto3_session": False}}):
        yield


@pytest.fixture
def table(aws):
    """The single table, with its GSIs, empty."""
    boto3.client("dynamodb").create_table(**table_definition(os.environ["STINT_TABLE_NAME"]))
    yield os.environ["STINT_TABLE_NAME"]


@pytest.fixture
def resources(table):
    """Everything else the app expects: bucket, queues + DLQs, the SES sender identity (the bootstrap's code)."""
    from chalicelib.core.config import get_settings
    from chalicelib.core.jobs import queue_url
    from devstack.resources import ensure_bucket, ensure_mail_identity, ensure_queues

    queue_url.cache_clear()
    ensure_bucket(get_settings().files_bucket)
    ensure_queues()
    ensure_mail_identity(get_settings().mail_from)


@pytest.fixture
def app(resources):
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def api(app):
    """An unauthenticated client of the whole API."""
    return ApiClient(app)


@pytest.fixture(autouse=True)
def no_scans():
    """DESIGN.md §3: nothing Stint does may Scan the table."""
    with count_dynamodb_calls() as calls:
        yield
    assert calls["Scan"] == 0, "a Scan was issued"
