"""Large files (≤ 50 MB) go straight to S3: POST /files/presigned-upload, the browser's POST, then confirm.

moto does not enforce POST policies, so the policy is checked as generated; what Stint checks itself on
confirm (size by HEAD, type by the first bytes) is checked on what actually reached the bucket.
"""

from datetime import timedelta

from chalicelib.core.timeutil import utcnow
from chalicelib.files import service
from chalicelib.files.models import StoredFile
from tests.api.files import helpers, samples
from tests.api.files.helpers import (
    attachments,
    bucket_keys,
    confirm,
    policy,
    post_to_s3,
    put_object,
    start,
    started,
)
from tests.support import task_setup
from tests.support.task_setup import audit_actions, field_error, status

MAX = 50 * 1024 * 1024


def pending_items(org_id: str) -> list[StoredFile]:
    return [f for f in StoredFile.query(f"ORG#{org_id}", StoredFile.SK.startswith("FILE#")) if f.status == "pending"]


# --- the presigned POST ----------------------------------------------------------------------------------------


def test_the_presigned_post_is_limited_to_50_mb_the_declared_type_and_one_server_chosen_key(owner, task):
    # WHEN an upload of a PDF is started for a task
    response = start(owner, filename="Q3 report.pdf", size=20_000_000, task_id=task["id"])
    # THEN it is a 201 with a pending file and a POST to S3
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert body["file"]["id"].startswith("att_") and body["file"]["status"] == "pending"
    assert body["upload"]["method"] == "POST" and body["upload"]["max_size"] == MAX
    # AND the policy S3 enforces carries the size range, the content type and the exact key
    conditions = policy(body["upload"])["conditions"]
    key = f"org/{owner.org_id}/files/{body['file']['id']}/original"
    assert ["content-length-range", 1, MAX] in conditions
    assert {"Content-Type": "application/pdf"} in conditions
    assert {"key": key} in conditions
    assert body["upload"]["fields"]["key"] == key and body["upload"]["fields"]["Content-Type"] == "application/pdf"
    assert "Q3 report" not in key


def test_a_pending_upload_is_not_listed_on_its_task(owner, task):
    started(owner, task_id=task["id"])
    assert attachments(owner, task["id"]) == []


def test_a_type_off_the_allow_list_is_415_naming_content_type_and_nothing_is_written(owner):
    response = start(owner, filename="setup.exe", content_type="application/x-msdownload")
    status(response, 415, "unsupported_media_type")
    assert response.json_body["error"]["details"][0]["field"] == "content_type"
    assert pending_items(owner.org_id) == []


def test_a_declared_size_over_50_mb_is_413_naming_size(owner):
    response = start(owner, size=MAX + 1)
    status(response, 413, "payload_too_large")
    assert response.json_body["error"]["details"][0]["field"] == "size"
    assert pending_items(owner.org_id) == []


def test_a_fractional_size_is_400(owner):
    field_error(start(owner, size=1024.5), "size")


def test_unknown_fields_are_400(owner):
    field_error(start(owner, key="org/someone-else/evil"), "key")


def test_another_orgs_task_is_400_naming_task_id(owner, outsider):
    foreign = task_setup.task(outsider, task_setup.project(outsider))
    field_error(start(owner, task_id=foreign["id"]), "task_id")
    assert pending_items(owner.org_id) == []


# --- confirm -----------------------------------------------------------------------------------------------------


def test_a_confirmed_upload_is_ready_listed_and_downloadable(owner, task):
    # GIVEN a PDF posted to S3 with the presigned POST
    body = started(owner, filename="report.pdf", content_type="application/pdf", task_id=task["id"])
    assert post_to_s3(body["upload"], samples.pdf()).status_code in (200, 201, 204)
    # WHEN the upload is confirmed
    response = confirm(owner, body["file"]["id"])
    # THEN the file is ready with the size that reached S3, listed on its task, audited, and downloadable
    assert response.status_code == 200, response.json_body
    assert (response.json_body["status"], response.json_body["size"]) == ("ready", len(samples.pdf()))
    assert [f["id"] for f in attachments(owner, task["id"])] == [body["file"]["id"]]
    assert audit_actions(owner, "attachment") == ["created"]
    content = owner.api.get(f"/api/v1/files/{body['file']['id']}/content")
    assert helpers.fetch(content.headers["Location"]).content == samples.pdf()


def test_confirming_twice_answers_the_ready_file_again(owner):
    body = started(owner)
    post_to_s3(body["upload"], samples.pdf())
    first = confirm(owner, body["file"]["id"])
    second = confirm(owner, body["file"]["id"])
    assert second.status_code == 200 and second.json_body["id"] == first.json_body["id"]
    assert audit_actions(owner, "attachment") == ["created"]


def test_an_object_over_50_mb_is_refused_on_confirm_and_deleted(owner):
    # GIVEN an upload whose object in S3 is larger than 50 MB (S3 enforces the policy; moto does not)
    body = started(owner, filename="huge.pdf", content_type="application/pdf", size=MAX)
    put_object(body["upload"]["fields"]["key"], samples.pdf() + bytes(MAX))
    # WHEN it is confirmed
    response = confirm(owner, body["file"]["id"])
    # THEN it is a 413, the object is deleted and the file is gone
    status(response, 413, "payload_too_large")
    assert bucket_keys() == []
    assert pending_items(owner.org_id) == []
    status(confirm(owner, body["file"]["id"]), 404, "not_found")


def test_an_exe_posted_as_a_png_is_refused_on_confirm_and_deleted(owner, task):
    # GIVEN an upload declared as PNG whose bytes are a Windows executable
    body = started(owner, filename="cat.png", content_type="image/png", task_id=task["id"])
    post_to_s3(body["upload"], samples.exe())
    # WHEN it is confirmed
    response = confirm(owner, body["file"]["id"])
    # THEN it is a 415 naming the file, the object is deleted, and nothing is listed
    status(response, 415, "unsupported_media_type")
    assert response.json_body["error"]["details"][0]["field"] == "file"
    assert bucket_keys() == []
    assert attachments(owner, task["id"]) == []


def test_confirming_before_anything_was_uploaded_is_409_and_the_upload_stays_pending(owner):
    body = started(owner)
    status(confirm(owner, body["file"]["id"]), 409, "conflict")
    assert [f.id for f in pending_items(owner.org_id)] == [body["file"]["id"]]


def test_only_the_uploader_can_confirm(owner, member):
    body = started(owner)
    post_to_s3(body["upload"], samples.pdf())
    status(confirm(member, body["file"]["id"]), 404, "not_found")


def test_a_malformed_id_is_404(owner):
    status(confirm(owner, "att_nope"), 404, "not_found")


# --- abandoned uploads ---------------------------------------------------------------------------------------


def test_abandoned_uploads_are_removed_with_their_objects_and_ready_files_are_kept(owner):
    # GIVEN an upload posted but never confirmed, and one confirmed
    abandoned = started(owner, filename="draft.pdf")
    post_to_s3(abandoned["upload"], samples.pdf())
    kept = started(owner, filename="final.pdf")
    post_to_s3(kept["upload"], samples.pdf())
    confirm(owner, kept["file"]["id"])
    # WHEN the cleanup runs after the pending upload's deadline
    removed = service.clean_abandoned_uploads(now=utcnow() + service.ABANDONED_AFTER + timedelta(minutes=1))
    # THEN the abandoned upload and its object are gone, and the confirmed file is untouched
    assert removed == 1
    assert pending_items(owner.org_id) == []
    assert bucket_keys() == [f"org/{owner.org_id}/files/{kept['file']['id']}/original"]
    assert owner.api.get(f"/api/v1/files/{kept['file']['id']}").status_code == 200


def test_the_cleanup_leaves_uploads_still_within_their_deadline(owner):
    body = started(owner)
    assert service.clean_abandoned_uploads(now=utcnow()) == 0
    assert [f.id for f in pending_items(owner.org_id)] == [body["file"]["id"]]
