"""Thumbnails of images: made in the background (the jobs queue locally, the bucket's S3 event in AWS), WebP,
at most 320 px, upright, without metadata; never by decoding an image that announces too many pixels."""

import io
from dataclasses import replace
from urllib.parse import quote_plus

import pytest
from PIL import Image

from chalicelib.core.config import get_settings
from chalicelib.files import service
from tests.api.files import helpers, samples
from tests.api.files.helpers import bucket_keys, uploaded
from tests.support import factories


def thumbnail_of(account, file_id: str) -> Image.Image:
    body = account.api.get(f"/api/v1/files/{file_id}").json_body
    assert body["thumbnail_url"], body
    return Image.open(io.BytesIO(helpers.fetch(body["thumbnail_url"]).content))


def s3_event(key: str, bucket: str | None = None) -> dict:
    """What S3 sends the thumbnails function for one created object (keys arrive URL-encoded)."""
    name = bucket or get_settings().files_bucket
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": name}, "object": {"key": quote_plus(key, safe="/")}},
            }
        ]
    }


@pytest.fixture
def s3_event_mode(monkeypatch):
    """Settings as in AWS: the bucket's notification, not a job, makes thumbnails."""
    monkeypatch.setattr(service, "get_settings", lambda: replace(get_settings(), thumbnails_from="s3_events"))


def test_an_uploaded_image_gets_a_webp_thumbnail_within_320_px(owner, task):
    # GIVEN a 1200 x 600 PNG uploaded to a task
    body = uploaded(owner, samples.png(1200, 600), task_id=task["id"])
    assert body["thumbnail_url"] is None
    # WHEN the background work has run
    factories.drain_jobs()
    # THEN the file has a WebP thumbnail that keeps the aspect ratio within 320 px
    thumbnail = thumbnail_of(owner, body["id"])
    assert (thumbnail.format, thumbnail.size) == ("WEBP", (320, 160))
    assert bucket_keys() == sorted(
        [f"org/{owner.org_id}/files/{body['id']}/original", f"org/{owner.org_id}/files/{body['id']}/thumbnail.webp"]
    )


def test_the_thumbnail_is_upright_and_carries_no_metadata(owner):
    # GIVEN a 64 x 48 JPEG whose EXIF says "rotate 90° to display" and which carries GPS data
    body = uploaded(owner, samples.jpeg(64, 48, orientation=6), filename="photo.jpg", content_type="image/jpeg")
    factories.drain_jobs()
    # THEN the thumbnail is turned upright and has no EXIF left
    thumbnail = thumbnail_of(owner, body["id"])
    assert thumbnail.size == (48, 64)
    assert not thumbnail.getexif()


def test_a_pdf_gets_no_thumbnail(owner):
    body = uploaded(owner, samples.pdf(), filename="a.pdf", content_type="application/pdf")
    factories.drain_jobs()
    assert owner.api.get(f"/api/v1/files/{body['id']}").json_body["thumbnail_url"] is None
    assert bucket_keys() == [f"org/{owner.org_id}/files/{body['id']}/original"]


def test_an_image_announcing_10_gigapixels_is_stored_but_never_decoded(owner):
    # GIVEN a tiny PNG whose header claims 100000 x 100000 pixels (a decompression bomb)
    body = uploaded(owner, samples.png_bomb(), filename="bomb.png")
    # WHEN the background work runs THEN it does not fail (drain_jobs asserts that) and makes no thumbnail
    factories.drain_jobs()
    assert service.make_thumbnail(org_id=owner.org_id, file_id=body["id"]) is False
    assert owner.api.get(f"/api/v1/files/{body['id']}").json_body["thumbnail_url"] is None
    assert bucket_keys() == [f"org/{owner.org_id}/files/{body['id']}/original"]


def test_a_thumbnail_is_made_once_even_if_its_job_is_delivered_twice(owner):
    body = uploaded(owner, samples.png())
    assert service.make_thumbnail(org_id=owner.org_id, file_id=body["id"]) is True
    assert service.make_thumbnail(org_id=owner.org_id, file_id=body["id"]) is False
    assert len(bucket_keys()) == 2


def test_a_file_deleted_before_its_thumbnail_job_leaves_no_thumbnail_behind(owner):
    # GIVEN an image deleted before the background work ran
    body = uploaded(owner, samples.png())
    owner.api.delete(f"/api/v1/files/{body['id']}")
    # WHEN the thumbnail job runs
    factories.drain_jobs()
    # THEN the bucket is empty
    assert bucket_keys() == []


def test_in_aws_the_bucket_event_makes_the_thumbnail_and_no_job_is_queued(app, owner, s3_event_mode):
    # GIVEN an image uploaded where thumbnails come from S3 events: no job is queued for it
    body = uploaded(owner, samples.png(400, 400))
    factories.drain_jobs()
    assert owner.api.get(f"/api/v1/files/{body['id']}").json_body["thumbnail_url"] is None
    # WHEN the bucket's ObjectCreated notification invokes the thumbnails function
    app.handler_map["thumbnails"](s3_event(f"org/{owner.org_id}/files/{body['id']}/original"), None)
    # THEN the file has its thumbnail
    assert thumbnail_of(owner, body["id"]).size == (320, 320)


def test_the_thumbnails_function_ignores_other_keys_and_other_buckets(app, owner, s3_event_mode):
    body = uploaded(owner, samples.png())
    original = f"org/{owner.org_id}/files/{body['id']}/original"
    app.handler_map["thumbnails"](s3_event(f"org/{owner.org_id}/files/{body['id']}/thumbnail.webp"), None)
    app.handler_map["thumbnails"](s3_event(original, bucket="someone-elses-bucket"), None)
    assert bucket_keys() == [original]
