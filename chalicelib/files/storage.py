"""The files bucket: server-chosen keys, presigned POSTs and GETs, and the few reads the checks need.

Every key is built here. A file's objects live under `org/<org_id>/files/<att_id>/`; the client's file
name is never part of a key (it is kept in the table and only sent back in Content-Disposition).
"""

import re
from typing import IO, Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings

ORIGINAL = "original"
THUMBNAIL = "thumbnail.webp"
DOWNLOAD_SECONDS = 300
_FILE_KEY = re.compile(r"org/(org_[0-9A-Z]{26})/files/(att_[0-9A-Z]{26})/original")
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


def bucket() -> str:
    return get_settings().files_bucket


def file_prefix(org_id: str, file_id: str) -> str:
    return f"org/{org_id}/files/{file_id}/"


def original_key(org_id: str, file_id: str) -> str:
    return file_prefix(org_id, file_id) + ORIGINAL


def thumbnail_key(org_id: str, file_id: str) -> str:
    return file_prefix(org_id, file_id) + THUMBNAIL


def org_prefix(org_id: str) -> str:
    return f"org/{org_id}/"


def logo_key(org_id: str, image_id: str) -> str:
    return f"org/{org_id}/logo/{image_id}.png"


def avatar_key(user_id: str, image_id: str) -> str:
    """Avatars belong to a user, who may be in several orgs, so they live outside every org's prefix."""
    return f"users/{user_id}/avatar/{image_id}.png"


def parse_original_key(key: str) -> tuple[str, str] | None:
    """(org_id, file_id) of a file's original object, or None for any other key."""
    match = _FILE_KEY.fullmatch(key)
    return (match.group(1), match.group(2)) if match else None


def put(key: str, body: bytes | IO[bytes], content_type: str) -> None:
    """Store an object (private, like everything in the bucket)."""
    client("s3").put_object(Bucket=bucket(), Key=key, Body=body, ContentType=content_type)


def presigned_post(key: str, *, content_type: str, max_bytes: int, expires_in: int) -> dict[str, Any]:
    """A browser-ready POST to exactly `key`, which S3 accepts only with this content type and size range."""
    return client("s3").generate_presigned_post(
        Bucket=bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in,
    )


def presigned_get(key: str, *, content_type: str, filename: str, inline: bool) -> str:
    """A short-lived GET of `key` that answers with Stint's content type and disposition, not the stored ones."""
    disposition = "inline" if inline else "attachment"
    return client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket(),
            "Key": key,
            "ResponseContentType": content_type + ("; charset=utf-8" if content_type.startswith("text/") else ""),
            "ResponseContentDisposition": content_disposition(disposition, filename),
        },
        ExpiresIn=DOWNLOAD_SECONDS,
    )


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266: an ASCII fallback name plus the exact UTF-8 one."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename) or "file"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def size_of(key: str) -> int | None:
    """The object's size in bytes (a HEAD), or None if there is no such object."""
    try:
        return client("s3").head_object(Bucket=bucket(), Key=key)["ContentLength"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _NOT_FOUND:
            return None
        raise


def read_range(key: str, offset: int, length: int) -> bytes:
    """Up to `length` bytes at `offset` (a ranged GET); empty past the end."""
    try:
        response = client("s3").get_object(Bucket=bucket(), Key=key, Range=f"bytes={offset}-{offset + length - 1}")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("InvalidRange", *_NOT_FOUND):
            return b""
        raise
    return response["Body"].read()


def read(key: str) -> bytes:
    """The whole object (callers check its size first)."""
    return client("s3").get_object(Bucket=bucket(), Key=key)["Body"].read()


def delete(*keys: str) -> None:
    """Delete objects; missing ones are fine."""
    if keys:
        client("s3").delete_objects(Bucket=bucket(), Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})


def delete_prefix(prefix: str) -> int:
    """Delete every object under `prefix`, a page (≤ 1000) at a time; returns how many."""
    s3, deleted = client("s3"), 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket(), Prefix=prefix):
        keys = [item["Key"] for item in page.get("Contents", [])]
        if keys:
            delete(*keys)
            deleted += len(keys)
    return deleted
