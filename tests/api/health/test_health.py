import boto3

from chalicelib.core.metrics import count_dynamodb_calls


def test_health_is_ok_when_the_table_answers(api):
    response = api.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok"}


def test_health_reads_the_table_once(api):
    with count_dynamodb_calls() as calls:
        api.get("/api/v1/health")
    assert calls.total == 1


def test_health_is_503_in_envelope_when_the_table_is_gone(api, table):
    boto3.client("dynamodb").delete_table(TableName=table)
    response = api.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json_body["error"]["code"] == "internal_error"
    assert response.headers["Retry-After"] == "1"
