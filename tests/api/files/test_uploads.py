"""POST /files/upload: multipart through the API (≤ 6 MB), attached to a task or not; type by magic bytes."""

import pytest

from chalicelib.files.models import StoredFile
from tests.api.files import helpers, samples
from tests.api.files.helpers import attachments, bucket_keys, multipart_body, upload, uploaded
from tests.support import task_setup
from tests.support.task_setup import audit_actions, field_error, status


def stored_files(org_id: str) -> list[StoredFile]:
    return list(StoredFile.query(f"ORG#{org_id}", StoredFile.SK.startswith("FILE#")))


# --- happy paths ---------------------------------------------------------------------------------------------


def test_an_image_uploaded_to_a_task_is_stored_and_listed_with_a_download_url(owner, task):
    # WHEN the owner uploads a PNG to a task
    response = upload(owner, samples.png(), filename="screenshot.png", task_id=task["id"])
    # THEN it is a 201 with an att_ id and what was stored
    assert response.status_code == 201, response.json_body
    body = response.json_body
    assert body["id"].startswith("att_")
    assert (body["task_id"], body["filename"], body["content_type"]) == (task["id"], "screenshot.png", "image/png")
    assert (body["size"], body["status"], body["uploaded_by"]) == (len(samples.png()), "ready", owner.user_id)
    # AND the task lists it, with a URL that serves the bytes
    (listed,) = attachments(owner, task["id"])
    assert listed["id"] == body["id"]
    assert helpers.fetch(listed["url"]).content == samples.png()


def test_the_object_key_is_chosen_by_the_server_under_the_org_never_from_the_file_name(owner, task):
    # WHEN a file is uploaded with a name that tries to climb out of its folder
    body = uploaded(owner, b"notes\n", filename="../../etc/passwd.txt", content_type="text/plain")
    # THEN the object lives under the org's prefix at a key made of ids only
    assert bucket_keys() == [f"org/{owner.org_id}/files/{body['id']}/original"]
    # AND the name kept for display is the last path segment only
    assert body["filename"] == "passwd.txt"


def test_a_file_without_a_task_belongs_to_the_org(owner, member):
    # WHEN a file is uploaded without task_id
    body = uploaded(owner, samples.pdf(), filename="contract.pdf", content_type="application/pdf")
    # THEN it is not attached to any task, and another member of the org can read it
    assert body["task_id"] is None
    assert member.api.get(f"/api/v1/files/{body['id']}").status_code == 200


def test_the_upload_is_audited(owner, task):
    # WHEN a file is uploaded
    uploaded(owner, samples.png(), task_id=task["id"])
    # THEN the audit log has its creation
    assert audit_actions(owner, "attachment") == ["created"]


def test_any_field_name_carries_the_file_and_other_form_fields_are_ignored(owner):
    # GIVEN a form with a text field and the file under a field name of the client's choosing
    body, form_type = multipart_body(
        [("comment", None, None, b"for the designer"), ("screenshot", "shot.png", "image/png", samples.png())]
    )
    # WHEN it is uploaded
    response = owner.api.post("/api/v1/files/upload", body=body, headers={"content-type": form_type})
    # THEN the file part is the one stored
    assert response.status_code == 201, response.json_body
    assert (response.json_body["filename"], response.json_body["size"]) == ("shot.png", len(samples.png()))


# --- the type is judged by the content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "declared", "stored_as"),
    [
        (samples.png(), "a.png", "image/png", "image/png"),
        (samples.jpeg(), "photo.jpg", "image/jpeg", "image/jpeg"),
        (samples.gif(), "anim.gif", None, "image/gif"),
        (samples.pdf(), "report", None, "application/pdf"),
        (b"name,hours\nAda,3\n", "hours.csv", "application/vnd.ms-excel", "text/csv"),
        ("Grüße\n".encode(), "notes.txt", "text/plain", "text/plain"),
        (
            samples.docx(),
            "spec.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (samples.docx(), "bundle.zip", "application/zip", "application/zip"),
        (samples.odt(), "letter", None, "application/vnd.oasis.opendocument.text"),
        (samples.compound_file(samples.WORD_CLASS), "old.doc", "application/octet-stream", "application/msword"),
    ],
    ids=["png", "jpeg", "gif", "pdf", "csv-sent-as-excel", "utf8-text", "docx", "zip", "odt", "legacy-word"],
)
def test_allowed_content_is_stored_with_the_type_its_bytes_support(owner, data, filename, declared, stored_as):
    # WHEN a file of an allowed kind is uploaded (declared type right, missing or wrong)
    body = uploaded(owner, data, filename=filename, content_type=declared)
    # THEN it is stored with a type its content supports
    assert body["content_type"] == stored_as


@pytest.mark.parametrize(
    ("data", "filename", "declared"),
    [
        (samples.exe(), "cat.png", "image/png"),
        (samples.exe(), "setup.exe", "application/x-msdownload"),
        (samples.compound_file(samples.INSTALLER_CLASS), "old.doc", "application/msword"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(64), "report.pdf", "application/pdf"),
        (b"<svg onload='alert(1)'>\x00</svg>", "logo.svg", "image/svg+xml"),
    ],
    ids=["exe-renamed-png", "exe", "installer-renamed-doc", "elf-renamed-pdf", "binary-svg"],
)
def test_content_off_the_allow_list_is_refused_whatever_it_is_called(owner, task, data, filename, declared):
    # WHEN a file whose bytes are not of an allowed kind is uploaded
    response = upload(owner, data, filename=filename, content_type=declared, task_id=task["id"])
    # THEN it is a 415 naming the file, and nothing is stored
    status(response, 415, "unsupported_media_type")
    assert response.json_body["error"]["details"][0]["field"] == "file"
    assert bucket_keys() == []
    assert stored_files(owner.org_id) == []
    assert attachments(owner, task["id"]) == []


# --- bad input -------------------------------------------------------------------------------------------------


def test_a_body_over_6_mb_is_413_and_points_to_the_presigned_flow(owner):
    # WHEN a 7 MB file is sent through the API
    response = upload(owner, samples.pdf() + bytes(7 * 1024 * 1024), filename="big.pdf", content_type="application/pdf")
    # THEN it is a 413 naming the file and the way to upload large files, and nothing is stored
    status(response, 413, "payload_too_large")
    assert "presigned-upload" in response.json_body["error"]["message"]
    assert bucket_keys() == [] and stored_files(owner.org_id) == []


def test_a_form_without_a_file_part_is_400_naming_file(owner):
    body, form_type = multipart_body([("comment", None, None, b"no file here")])
    response = owner.api.post("/api/v1/files/upload", body=body, headers={"content-type": form_type})
    field_error(response, "file")


def test_an_empty_file_is_400(owner):
    field_error(upload(owner, b"", filename="empty.txt", content_type="text/plain"), "file")


def test_two_files_in_one_request_are_400(owner):
    body, form_type = multipart_body(
        [("a", "a.png", "image/png", samples.png()), ("b", "b.png", "image/png", samples.png())]
    )
    response = owner.api.post("/api/v1/files/upload", body=body, headers={"content-type": form_type})
    field_error(response, "file")
    assert bucket_keys() == []


def test_a_malformed_multipart_body_is_400(owner):
    # WHEN the body does not follow the boundary it announces
    headers = {"content-type": "multipart/form-data; boundary=abc"}
    response = owner.api.post("/api/v1/files/upload", body=b"--abc\r\nno headers end here", headers=headers)
    # THEN it is a 400 naming the file
    field_error(response, "file")


def test_a_json_body_is_415(owner):
    response = owner.api.post("/api/v1/files/upload", json={"file": "aGVsbG8="})
    status(response, 415, "unsupported_media_type")


def test_a_multipart_body_without_a_boundary_is_400(owner):
    response = owner.api.post("/api/v1/files/upload", body=b"whatever", headers={"content-type": "multipart/form-data"})
    field_error(response, "file")


def test_another_orgs_task_is_400_naming_task_id_and_nothing_is_stored(owner, outsider):
    # GIVEN a task in another org
    foreign = task_setup.task(outsider, task_setup.project(outsider))
    # WHEN the owner uploads to it
    response = upload(owner, samples.png(), task_id=foreign["id"])
    # THEN the task does not exist for them, and nothing is stored anywhere
    field_error(response, "task_id")
    assert bucket_keys() == []
    assert stored_files(owner.org_id) == [] and stored_files(outsider.org_id) == []


def test_a_task_in_a_project_the_member_cannot_see_is_400(owner, member, admin):
    # GIVEN a task in a project restricted to its explicit members (the admin), which the member cannot see
    restricted = task_setup.project(owner, name="Secret")
    task_setup.add_to_project(owner, restricted, admin)
    hidden = task_setup.task(owner, restricted)
    # WHEN the member uploads to it
    response = upload(member, samples.png(), task_id=hidden["id"])
    # THEN it is refused as if the task did not exist
    field_error(response, "task_id")
    assert bucket_keys() == []


def test_upload_needs_credentials(api):
    body, form_type = multipart_body([("file", "a.png", "image/png", samples.png())])
    response = api.post("/api/v1/files/upload", body=body, headers={"content-type": form_type})
    status(response, 401, "unauthorized")
    assert bucket_keys() == []
