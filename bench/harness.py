"""The app in-process against moto, for benchmarks that count calls rather than time a network."""

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def in_process_api() -> Iterator:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "STINT_TABLE_NAME": "stint-bench",
        }
    )
    import boto3
    from moto import mock_aws

    from chalicelib.core.db import table_definition
    from tests.support.client import ApiClient

    with mock_aws():
        boto3.client("dynamodb").create_table(**table_definition("stint-bench"))
        from app import app

        yield ApiClient(app)
