"""Requests the file tests make: multipart bodies, uploads, presigned flows, and what is in the bucket."""

import base64
import json
import uuid

import boto3
import requests
from chalice.test import HTTPResponse

from chalicelib.core.config import get_settings
from tests.support.factories import Account


def multipart_body(parts: list[tuple[str, str | None, str | None, bytes]]) -> tuple[bytes, str]:
    """(body, content type) for form parts given as (field, filename, content type, bytes)."""
    boundary = f"stint-{uuid.uuid4().hex}"
    body = b""
    for field, filename, content_type, data in parts:
        disposition = f'form-data; name="{field}"' + (f'; filename="{filename}"' if filename is not None else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            body += f"Content-Type: {content_type}\r\n".encode()
        body += b"\r\n" + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post_file(
    account: Account, path: str, data: bytes, *, filename: str = "file.bin", content_type: str | None = None
) -> HTTPResponse:
    body, form_type = multipart_body([("file", filename, content_type, data)])
    return account.api.post(path, body=body, headers={"content-type": form_type})


def upload(
    account: Account,
    data: bytes,
    *,
    filename: str = "screenshot.png",
    content_type: str | None = "image/png",
    task_id: str | None = None,
) -> HTTPResponse:
    path = "/api/v1/files/upload" + (f"?task_id={task_id}" if task_id else "")
    return post_file(account, path, data, filename=filename, content_type=content_type)


def uploaded(account: Account, data: bytes, **kwargs) -> dict:
    response = upload(account, data, **kwargs)
    assert response.status_code == 201, response.json_body
    return response.json_body


def attachments(account: Account, task_id: str, query: str = "") -> list[dict]:
    response = account.api.get(f"/api/v1/tasks/{task_id}/attachments{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def start(
    account: Account, *, filename="report.pdf", content_type="application/pdf", size=1024, **extra
) -> HTTPResponse:
    body = {"filename": filename, "content_type": content_type, "size": size, **extra}
    return account.api.post("/api/v1/files/presigned-upload", json=body)


def started(account: Account, **kwargs) -> dict:
    response = start(account, **kwargs)
    assert response.status_code == 201, response.json_body
    return response.json_body


def policy(upload: dict) -> dict:
    """The decoded POST policy S3 will enforce."""
    return json.loads(base64.b64decode(upload["fields"]["policy"]))


def post_to_s3(upload: dict, data: bytes, filename: str = "upload.bin") -> requests.Response:
    """What a browser does with the presigned POST: the fields, then the file (moto answers it in tests)."""
    return requests.post(upload["url"], data=upload["fields"], files={"file": (filename, data)}, timeout=30)


def confirm(account: Account, file_id: str) -> HTTPResponse:
    return account.api.post(f"/api/v1/files/{file_id}/confirm")


def bucket_keys(prefix: str = "") -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=get_settings().files_bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def put_object(key: str, data: bytes) -> None:
    boto3.client("s3").put_object(Bucket=get_settings().files_bucket, Key=key, Body=data)


def fetch(url: str) -> requests.Response:
    """Follow a presigned URL, as a browser following the 307 would."""
    return requests.get(url, timeout=30)
