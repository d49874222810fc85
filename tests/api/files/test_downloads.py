"""Reading files: attachment lists, /files/{id}/url, /files/{id}/content (307) with a view ticket, the
Authorization header or ?token=, and deleting files."""

from urllib.parse import parse_qs, urlparse

from chalicelib.core import security
from tests.api.files import helpers, samples
from tests.api.files.helpers import attachments, bucket_keys, uploaded
from tests.support import factories, task_setup
from tests.support.task_setup import audit_actions, ids, status


def content_url(file_id: str, query: str = "") -> str:
    return f"/api/v1/files/{file_id}/content{query}"


def ticket_for(account) -> str:
    response = account.api.post("/api/v1/files/view-ticket")
    assert response.status_code == 201, response.json_body
    return response.json_body["ticket"]


# --- lists and URLs ------------------------------------------------------------------------------------------


def test_a_tasks_attachments_are_listed_oldest_first_and_paged(owner, member, task):
    # GIVEN three files on a task, by two people
    first = uploaded(owner, samples.png(), task_id=task["id"])
    second = uploaded(member, samples.pdf(), filename="a.pdf", content_type="application/pdf", task_id=task["id"])
    third = uploaded(owner, b"notes\n", filename="n.txt", content_type="text/plain", task_id=task["id"])
    # WHEN they are listed two at a time
    page = owner.api.get(f"/api/v1/tasks/{task['id']}/attachments?per_page=2").json_body
    rest = attachments(owner, task["id"], f"?per_page=2&cursor={page['next_cursor']}")
    # THEN they come in upload order across the pages
    assert ids(page["data"]) + ids(rest) == [first["id"], second["id"], third["id"]]
    assert page["has_more"] is True and page["per_page"] == 2


def test_files_of_other_tasks_are_not_listed(owner, task, project_id):
    other = task_setup.task(owner, project_id, title="Other")
    uploaded(owner, samples.png(), task_id=other["id"])
    assert attachments(owner, task["id"]) == []


def test_the_url_endpoint_gives_a_fresh_short_lived_url_that_serves_the_file(owner, task):
    body = uploaded(owner, samples.pdf(), filename="report.pdf", content_type="application/pdf", task_id=task["id"])
    response = owner.api.get(f"/api/v1/files/{body['id']}/url")
    assert response.status_code == 200, response.json_body
    query = parse_qs(urlparse(response.json_body["url"]).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert response.json_body["expires_at"].endswith("Z")
    assert helpers.fetch(response.json_body["url"]).content == samples.pdf()


def test_downloads_carry_the_stored_type_and_the_original_name_as_a_download(owner):
    # GIVEN a CSV with a non-ASCII name
    body = uploaded(owner, b"a,b\n1,2\n", filename="Übersicht 2026.csv", content_type="text/csv")
    # WHEN its URL is asked for
    url = owner.api.get(f"/api/v1/files/{body['id']}/url").json_body["url"]
    # THEN S3 is told to answer as text/csv, as an attachment, with the exact UTF-8 name
    query = parse_qs(urlparse(url).query)
    assert query["response-content-type"] == ["text/csv; charset=utf-8"]
    disposition = query["response-content-disposition"][0]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%C3%9Cbersicht%202026.csv" in disposition


# --- /content: 307 with three ways to authenticate ---------------------------------------------------------


def test_content_redirects_to_the_file_with_the_authorization_header(owner, task):
    body = uploaded(owner, samples.png(), task_id=task["id"])
    response = owner.api.get(content_url(body["id"]))
    assert response.status_code == 307
    assert response.headers["Cache-Control"] == "no-store"
    assert helpers.fetch(response.headers["Location"]).content == samples.png()


def test_content_accepts_a_view_ticket_instead_of_a_header(api, owner, task):
    # GIVEN a file and a view ticket issued to the owner
    body = uploaded(owner, samples.png(), task_id=task["id"])
    ticket = ticket_for(owner)
    # WHEN the content URL is requested with no Authorization header, only ?ticket=
    response = api.get(content_url(body["id"], f"?ticket={ticket}"))
    # THEN it redirects to the file
    assert response.status_code == 307
    assert helpers.fetch(response.headers["Location"]).content == samples.png()


def test_a_view_ticket_lives_60_seconds(owner):
    response = owner.api.post("/api/v1/files/view-ticket")
    assert response.status_code == 201, response.json_body
    assert response.json_body["expires_in"] == 60
    assert response.json_body["expires_at"].endswith("Z")


def test_content_accepts_an_access_token_in_the_query(api, owner):
    body = uploaded(owner, samples.png())
    response = api.get(content_url(body["id"], f"?token={owner.access_token}"))
    assert response.status_code == 307


def test_content_accepts_a_personal_api_token_in_the_header(api, owner):
    body = uploaded(owner, samples.png())
    token = factories.api_token(owner).secret
    assert api.as_token(token).get(content_url(body["id"])).status_code == 307


def test_content_without_credentials_is_401(api, owner):
    body = uploaded(owner, samples.png())
    status(api.get(content_url(body["id"])), 401, "unauthorized")


def test_a_tampered_ticket_is_401(api, owner):
    body = uploaded(owner, samples.png())
    ticket = ticket_for(owner)
    tampered = ticket[:-4] + ("AAAA" if not ticket.endswith("AAAA") else "BBBB")
    status(api.get(content_url(body["id"], f"?ticket={tampered}")), 401, "unauthorized")


def test_an_expired_ticket_is_401(api, owner):
    # GIVEN a ticket signed by Stint whose lifetime is over
    claims = {"sub": owner.user_id, "org": owner.org_id, "role": "owner"}
    expired, _ = security.issue_signed_token(typ="view", claims=claims, ttl_seconds=-1)
    body = uploaded(owner, samples.png())
    # WHEN it is used THEN it is refused
    status(api.get(content_url(body["id"], f"?ticket={expired}")), 401, "unauthorized")


def test_an_access_token_is_not_a_ticket_and_a_ticket_is_not_an_access_token(api, owner):
    body = uploaded(owner, samples.png())
    status(api.get(content_url(body["id"], f"?ticket={owner.access_token}")), 401, "unauthorized")
    status(api.as_token(ticket_for(owner)).get(content_url(body["id"])), 401, "unauthorized")


def test_a_ticket_is_bound_to_its_org(api, owner, outsider):
    # GIVEN a file of the owner's org and a ticket issued in another org
    body = uploaded(owner, samples.png())
    foreign_ticket = ticket_for(outsider)
    # WHEN the other org's ticket asks for the file THEN it does not exist for it
    status(api.get(content_url(body["id"], f"?ticket={foreign_ticket}")), 404, "not_found")


def test_a_garbage_query_token_is_401(api, owner):
    body = uploaded(owner, samples.png())
    status(api.get(content_url(body["id"], "?token=garbage")), 401, "unauthorized")


# --- visibility ------------------------------------------------------------------------------------------------


def test_files_of_a_restricted_project_are_404_for_members_outside_it(owner, member, admin):
    # GIVEN a file on a task of a project restricted to the admin
    restricted = task_setup.project(owner, name="Secret")
    task_setup.add_to_project(owner, restricted, admin)
    hidden = task_setup.task(owner, restricted)
    body = uploaded(owner, samples.png(), task_id=hidden["id"])
    # WHEN the member asks for it in any way THEN it does not exist for them
    for response in (
        member.api.get(f"/api/v1/files/{body['id']}"),
        member.api.get(f"/api/v1/files/{body['id']}/url"),
        member.api.get(content_url(body["id"])),
        member.api.get(f"/api/v1/tasks/{hidden['id']}/attachments"),
    ):
        status(response, 404, "not_found")
    # AND the admin, who is in the project, can read it
    assert admin.api.get(f"/api/v1/files/{body['id']}").status_code == 200


# --- delete ----------------------------------------------------------------------------------------------------


def test_the_uploader_deletes_a_file_and_its_objects(owner, task):
    # GIVEN an image with its thumbnail
    body = uploaded(owner, samples.png(), task_id=task["id"])
    factories.drain_jobs()
    assert len(bucket_keys()) == 2
    # WHEN the uploader deletes it
    response = owner.api.delete(f"/api/v1/files/{body['id']}")
    # THEN it is gone from the task, the API and the bucket, and the deletion is audited
    assert response.status_code == 204
    assert attachments(owner, task["id"]) == []
    status(owner.api.get(f"/api/v1/files/{body['id']}"), 404, "not_found")
    assert bucket_keys() == []
    assert audit_actions(owner, "attachment") == ["deleted", "created"]


def test_a_member_cannot_delete_someone_elses_file_but_an_admin_can(owner, member, admin, task):
    body = uploaded(owner, samples.png(), task_id=task["id"])
    status(member.api.delete(f"/api/v1/files/{body['id']}"), 403, "forbidden")
    assert ids(attachments(owner, task["id"])) == [body["id"]]
    assert admin.api.delete(f"/api/v1/files/{body['id']}").status_code == 204


def test_deleting_twice_is_404(owner):
    body = uploaded(owner, samples.png())
    owner.api.delete(f"/api/v1/files/{body['id']}")
    status(owner.api.delete(f"/api/v1/files/{body['id']}"), 404, "not_found")


def test_deleting_a_task_removes_its_files_and_their_objects(owner, task):
    # GIVEN a task with a file, and a file of the org not on any task
    uploaded(owner, samples.pdf(), filename="spec.pdf", content_type="application/pdf", task_id=task["id"])
    loose = uploaded(owner, samples.pdf(), filename="loose.pdf", content_type="application/pdf")
    # WHEN the task is deleted and the background work has run
    task_setup.delete_task(owner, task["id"])
    factories.drain_jobs()
    # THEN only the loose file's object is left
    assert bucket_keys() == [f"org/{owner.org_id}/files/{loose['id']}/original"]
    assert owner.api.get(f"/api/v1/files/{loose['id']}").status_code == 200


def test_deleting_an_org_removes_its_objects(api, owner):
    # GIVEN a second org of the owner's with a file in it, and a file in the first org
    kept = uploaded(owner, samples.pdf(), filename="kept.pdf", content_type="application/pdf")
    side = factories.in_new_org(owner)
    uploaded(side, samples.pdf(), filename="gone.pdf", content_type="application/pdf")
    # WHEN the second org is deleted and the background work has run
    assert side.api.delete(f"/api/v1/organizations/{side.org_id}").status_code == 204
    factories.drain_jobs()
    # THEN only the first org's object is left
    assert bucket_keys() == [f"org/{owner.org_id}/files/{kept['id']}/original"]
