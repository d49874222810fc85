"""Files through the real local stack: the API served over HTTP, moto_server as S3, the local worker."""

import io
import os
import time

import httpx
import pytest
from PIL import Image

from tests.support.stack import LocalStack

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
TWENTY_MB = 20 * 1024 * 1024


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("files") / "local")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def api(stack):
    email = f"files-{os.getpid()}-{time.monotonic_ns()}@example.com"
    with httpx.Client(base_url=stack.base_url, timeout=120) as client:
        registered = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Flo"})
        assert registered.status_code == 201, registered.text
        client.headers["Authorization"] = f"Bearer {registered.json()['access_token']}"
        yield client


def test_a_20_mb_file_uploads_through_the_presigned_flow_and_downloads_through_the_307(api):
    # GIVEN 20 MB of PDF
    data = b"%PDF-1.7\n" + os.urandom(TWENTY_MB - 9)
    # WHEN its upload is started, the bytes are POSTed to S3 with the presigned form, and the upload confirmed
    started = api.post(
        "/api/v1/files/presigned-upload",
        json={"filename": "big report.pdf", "content_type": "application/pdf", "size": len(data)},
    )
    assert started.status_code == 201, started.text
    upload, file_id = started.json()["upload"], started.json()["file"]["id"]
    posted = httpx.post(
        upload["url"], data=upload["fields"], files={"file": ("big report.pdf", data, "application/pdf")}, timeout=120
    )
    assert posted.status_code in (200, 201, 204), posted.text
    confirmed = api.post(f"/api/v1/files/{file_id}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["size"]) == ("ready", TWENTY_MB)
    # THEN the content URL, with a view ticket and no header, redirects to exactly those bytes
    ticket = api.post("/api/v1/files/view-ticket").json()["ticket"]
    redirect = httpx.get(f"{api.base_url}/api/v1/files/{file_id}/content", params={"ticket": ticket})
    assert redirect.status_code == 307
    downloaded = httpx.get(redirect.headers["location"], timeout=120)
    assert downloaded.status_code == 200
    assert downloaded.content == data


def test_an_image_uploaded_as_multipart_gets_its_thumbnail_from_the_worker(api):
    # GIVEN a PNG uploaded through the API's multipart endpoint (a binary body through the local gateway)
    image = io.BytesIO()
    Image.new("RGB", (1000, 500), "green").save(image, format="PNG")
    uploaded = api.post("/api/v1/files/upload", files={"file": ("wide.png", image.getvalue(), "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["size"] == len(image.getvalue())
    # WHEN the local worker has run the thumbnail job (it polls the jobs queue)
    file_id, thumbnail_url = uploaded.json()["id"], None
    deadline = time.monotonic() + 60
    while thumbnail_url is None and time.monotonic() < deadline:
        time.sleep(0.5)
        thumbnail_url = api.get(f"/api/v1/files/{file_id}").json()["thumbnail_url"]
    # THEN the file has a WebP thumbnail within 320 px
    assert thumbnail_url, "the worker made no thumbnail"
    thumbnail = Image.open(io.BytesIO(httpx.get(thumbnail_url).content))
    assert (thumbnail.format, thumbnail.size) == ("WEBP", (320, 160))


def test_an_exe_renamed_png_is_refused_through_the_stack(api):
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(256)
    refused = api.post("/api/v1/files/upload", files={"file": ("cat.png", exe, "image/png")})
    assert refused.status_code == 415
    assert refused.json()["error"]["details"][0]["field"] == "file"
