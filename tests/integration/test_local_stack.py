"""`make run`'s stack: one supervisor, real DynamoDB Local and moto, data kept across restarts."""

import socket

import boto3
import httpx
import pytest

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration


@pytest.fixture
def stack(tmp_path):
    stack = LocalStack(tmp_path / "local")
    stack.start()
    yield stack
    stack.stop()


def _clients(stack: LocalStack, monkeypatch):
    for key, value in stack.aws_env.items():
        monkeypatch.setenv(key, value)
    return boto3.client("dynamodb"), boto3.client("s3")


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_stack_serves_health_and_the_error_envelope(stack):
    assert httpx.get(f"{stack.base_url}/api/v1/health").json() == {"status": "ok"}
    missing = httpx.get(f"{stack.base_url}/api/v1/no-such-route")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_sigterm_stops_every_child(stack):
    assert stack.stop() == 0
    assert not any(_port_open(port) for port in stack.ports.values())


def test_data_survives_a_restart(stack, monkeypatch):
    dynamodb, s3 = _clients(stack, monkeypatch)
    dynamodb.put_item(TableName="stint", Item={"PK": {"S": "KEEP"}, "SK": {"S": "ME"}})
    s3.put_object(Bucket="stint-files", Key="org/kept.txt", Body=b"still here")

    stack.stop()
    stack.start()

    dynamodb, s3 = _clients(stack, monkeypatch)
    assert dynamodb.get_item(TableName="stint", Key={"PK": {"S": "KEEP"}, "SK": {"S": "ME"}}).get("Item")
    assert s3.get_object(Bucket="stint-files", Key="org/kept.txt")["Body"].read() == b"still here"
