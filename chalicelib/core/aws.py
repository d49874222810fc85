"""boto3 clients, created once per process. Endpoints come from AWS_ENDPOINT_URL_<SERVICE> when set."""

from functools import cache
from typing import Any

import boto3
from botocore.config import Config


@cache
def client(service: str) -> Any:
    """A shared boto3 client; S3 signs with SigV4 so presigned URLs work everywhere."""
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"}) if service == "s3" else None
    return boto3.client(service, config=config)
