"""GET /search?type=comment: task comments are found by their words, only where their task is visible."""

from tests.api.tasks.helpers import project, restricted_project, task
from tests.support import factories


def _search(account, query: str) -> list[dict]:
    response = account.api.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def _comment(account, task_id: str, body: str) -> dict:
    response = account.api.post(f"/api/v1/tasks/{task_id}/comments", json={"body": body})
    assert response.status_code == 201, response.json_body
    return response.json_body


def _hits(account, query: str) -> list[tuple[str, str]]:
    return [(hit["type"], hit["id"]) for hit in _search(account, query)]


def test_a_comment_is_found_by_a_word_prefix_with_its_task(api):
    # GIVEN a comment on a task
    owner = factories.register(api)
    created_task = task(owner, project(owner), title="Checkout page")
    comment = _comment(owner, created_task["id"], "The Réfund button\nneeds a confirmation step")
    factories.drain_jobs()
    # WHEN searching comments by a prefix of one of its words, in another case and without the accent
    hits = _search(owner, "q=REFUN&type=comment")
    # THEN the comment is found, titled by its first line, pointing at its task and project
    assert hits == [
        {
            "type": "comment",
            "id": comment["id"],
            "title": "The Réfund button",
            "project_id": created_task["project_id"],
            "parent_id": created_task["id"],
        }
    ]


def test_type_comment_leaves_out_tasks_with_the_same_word(api):
    owner = factories.register(api)
    created_task = task(owner, project(owner), title="Invoice layout")
    comment = _comment(owner, created_task["id"], "Invoice totals look wrong")
    factories.drain_jobs()
    assert _hits(owner, "q=invoice&type=comment") == [("comment", comment["id"])]
    assert {("task", created_task["id"]), ("comment", comment["id"])} <= set(_hits(owner, "q=invoice"))


def test_an_edited_comment_is_found_by_its_new_words_only(api):
    owner = factories.register(api)
    created_task = task(owner, project(owner))
    comment = _comment(owner, created_task["id"], "Blocked by the vendor")
    factories.drain_jobs()
    edited = owner.api.put(f"/api/v1/tasks/{created_task['id']}/comments/{comment['id']}", json={"body": "Unblocked"})
    assert edited.status_code == 200, edited.json_body
    factories.drain_jobs()
    assert _hits(owner, "q=vendor&type=comment") == []
    assert _hits(owner, "q=unblocked&type=comment") == [("comment", comment["id"])]


def test_a_deleted_comment_leaves_the_index(api):
    owner = factories.register(api)
    created_task = task(owner, project(owner))
    comment = _comment(owner, created_task["id"], "Staging password rotated")
    factories.drain_jobs()
    deleted = owner.api.delete(f"/api/v1/tasks/{created_task['id']}/comments/{comment['id']}")
    assert deleted.status_code == 204
    factories.drain_jobs()
    assert _hits(owner, "q=staging&type=comment") == []


def test_deleting_the_task_removes_its_comments_from_the_index(api):
    # GIVEN two comments on a task, both searchable
    owner = factories.register(api)
    created_task = task(owner, project(owner))
    _comment(owner, created_task["id"], "Kubernetes upgrade notes")
    _comment(owner, created_task["id"], "Kubernetes rollback plan")
    factories.drain_jobs()
    assert len(_hits(owner, "q=kubernetes&type=comment")) == 2
    # WHEN the task is deleted and the background jobs have run
    assert owner.api.delete(f"/api/v1/tasks/{created_task['id']}").status_code == 204
    factories.drain_jobs()
    # THEN neither comment is found any more
    assert _hits(owner, "q=kubernetes&type=comment") == []


def test_deleting_the_project_removes_its_comments_from_the_index(api):
    owner = factories.register(api)
    project_id = project(owner)
    _comment(owner, task(owner, project_id)["id"], "Penguin mascot sketches")
    factories.drain_jobs()
    assert owner.api.delete(f"/api/v1/projects/{project_id}").status_code == 204
    factories.drain_jobs()
    assert _hits(owner, "q=penguin&type=comment") == []


def test_members_do_not_find_comments_on_tasks_they_cannot_see(api):
    # GIVEN a comment on a task in a project restricted to the owner, and one in an open project
    owner = factories.register(api)
    member = factories.join(api, owner)
    secret = _comment(owner, task(owner, restricted_project(owner))["id"], "Merger codename Falcon")
    public = _comment(owner, task(owner, project(owner))["id"], "Falcon logo draft")
    factories.drain_jobs()
    # WHEN each searches THEN the member finds only the open project's comment
    assert set(_hits(owner, "q=falcon&type=comment")) == {("comment", secret["id"]), ("comment", public["id"])}
    assert _hits(member, "q=falcon&type=comment") == [("comment", public["id"])]


def test_a_member_added_to_the_project_then_finds_its_comments(api):
    owner = factories.register(api)
    member = factories.join(api, owner)
    project_id = restricted_project(owner)
    secret = _comment(owner, task(owner, project_id)["id"], "Quokka budget")
    factories.drain_jobs()
    assert _hits(member, "q=quokka&type=comment") == []
    added = owner.api.post(f"/api/v1/projects/{project_id}/members", json={"user_id": member.user_id})
    assert added.status_code == 201, added.json_body
    assert _hits(member, "q=quokka&type=comment") == [("comment", secret["id"])]


def test_another_organization_never_finds_the_comments(api):
    owner = factories.register(api)
    _comment(owner, task(owner, project(owner))["id"], "Zeppelin launch")
    factories.drain_jobs()
    assert _hits(factories.register(api), "q=zeppelin&type=comment") == []
