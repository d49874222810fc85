"""Authentication and tenancy on every file route: no credentials is 401, another org's ids are 404."""

import pytest

from tests.api.files import samples
from tests.api.files.helpers import bucket_keys, uploaded
from tests.support.task_setup import status

ID_ROUTES = [
    ("GET", "/api/v1/files/{file_id}"),
    ("GET", "/api/v1/files/{file_id}/url"),
    ("GET", "/api/v1/files/{file_id}/content"),
    ("POST", "/api/v1/files/{file_id}/confirm"),
    ("DELETE", "/api/v1/files/{file_id}"),
    ("GET", "/api/v1/tasks/{task_id}/attachments"),
]
OTHER_ROUTES = [
    ("POST", "/api/v1/files/upload"),
    ("POST", "/api/v1/files/presigned-upload"),
    ("POST", "/api/v1/files/view-ticket"),
    ("POST", "/api/v1/users/me/avatar/upload"),
    ("DELETE", "/api/v1/users/me/avatar"),
    ("GET", "/api/v1/users/me/avatar"),
    ("GET", "/api/v1/users/usr_01HV0000000000000000000000/avatar"),
    ("POST", "/api/v1/organizations/org_01HV0000000000000000000000/logo/upload"),
    ("DELETE", "/api/v1/organizations/org_01HV0000000000000000000000/logo"),
    ("GET", "/api/v1/organizations/org_01HV0000000000000000000000/logo"),
]


@pytest.mark.parametrize(("method", "path"), ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_another_orgs_file_is_404_on_every_route(owner, outsider, task, method, path):
    # GIVEN a file on a task of the owner's org
    body = uploaded(owner, samples.png(), task_id=task["id"])
    # WHEN the owner of another org calls the route with its ids
    response = outsider.api.request(method, path.format(file_id=body["id"], task_id=task["id"]))
    # THEN it does not exist for them, and the file is untouched
    status(response, 404, "not_found")
    assert owner.api.get(f"/api/v1/files/{body['id']}").status_code == 200
    assert f"org/{owner.org_id}/files/{body['id']}/original" in bucket_keys()


@pytest.mark.parametrize(
    ("method", "path"), ID_ROUTES + OTHER_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES + OTHER_ROUTES]
)
def test_every_file_route_needs_credentials(api, method, path):
    url = path.format(file_id="att_01HV0000000000000000000000", task_id="tsk_01HV0000000000000000000000")
    headers = {"content-type": "multipart/form-data; boundary=x"} if path.endswith("/upload") else None
    status(api.request(method, url, headers=headers), 401, "unauthorized")
