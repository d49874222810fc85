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

    from chalicelib.core.config import get_settings
    from chalicelib.core.db import table_definition
    from chalicelib.core.jobs import queue_url
    from devstack.resources import ensure_bucket, ensure_mail_identity, ensure_queues
    from tests.support.client import ApiClient

    with mock_aws():
        boto3.client("dynamodb").create_table(**table_definition("stint-bench"))
        # Everything else the app expects (registration queues a job, sends mail), as the tests' fixtures do.
        queue_url.cache_clear()
        ensure_bucket(get_settings().files_bucket)
        ensure_queues()
        ensure_mail_identity(get_settings().mail_from)
        from app import app

        yield ApiClient(app)
