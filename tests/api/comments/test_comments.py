"""Task comments: list oldest first, add (Markdown), edit and delete by the author or an admin."""

import pytest

from chalicelib.comments.models import Comment
from chalicelib.core.events import Event
from tests.support import factories, task_setup
from tests.support.task_setup import field_error, ids, status


def comments_url(task_id: str) -> str:
    return f"/api/v1/tasks/{task_id}/comments"


def comment(account, task_id: str, body: str = "Looks good, merging now.") -> dict:
    response = account.api.post(comments_url(task_id), json={"body": body})
    assert response.status_code == 201, response.json_body
    return response.json_body


def listed(account, task_id: str, query: str = "") -> list[dict]:
    response = account.api.get(comments_url(task_id) + query)
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def commented_events(org_id: str) -> list[Event]:
    return list(Event.query(f"ORG#{org_id}", Event.SK.startswith("EVENT#"), Event.type == "task_commented"))


# --- happy paths ---------------------------------------------------------------------------------------------


def test_a_comment_is_created_with_its_author_and_markdown_body(owner, task):
    # WHEN the owner comments on a task with Markdown
    response = owner.api.post(comments_url(task["id"]), json={"body": "**Looks good**, merging now."})
    # THEN it is a 201 with a cmt_ id, the task, the author and the body as sent
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("cmt_")
    assert (created["task_id"], created["author_id"]) == (task["id"], owner.user_id)
    assert created["body"] == "**Looks good**, merging now."
    assert created["created_at"].endswith("Z") and created["updated_at"].endswith("Z")


def test_comments_are_listed_oldest_first(owner, member, task):
    # GIVEN three comments by two people
    first, second, third = (
        comment(owner, task["id"], "one"),
        comment(member, task["id"], "two"),
        comment(owner, task["id"], "three"),
    )
    # WHEN the task's comments are listed
    data = listed(member, task["id"])
    # THEN they come in the order they were written
    assert ids(data) == [first["id"], second["id"], third["id"]]


def test_the_comment_list_is_paged_by_cursor_and_by_page_number(owner, task):
    # GIVEN three comments
    made = [comment(owner, task["id"], str(n))["id"] for n in range(3)]
    # WHEN they are read two per page, by cursor and by page number
    first = owner.api.get(comments_url(task["id"]) + "?per_page=2").json_body
    by_cursor = owner.api.get(comments_url(task["id"]) + f"?per_page=2&cursor={first['next_cursor']}").json_body
    by_page = owner.api.get(comments_url(task["id"]) + "?per_page=2&page=2").json_body
    # THEN the pages continue each other, and the paging fields are echoed
    assert ids(first["data"]) == made[:2] and first["has_more"] is True
    assert ids(by_cursor["data"]) == made[2:] and by_cursor["has_more"] is False
    assert ids(by_page["data"]) == made[2:] and (by_page["page"], by_page["per_page"]) == (2, 2)


def test_comments_of_one_task_are_not_listed_on_another(owner, project_id, task):
    # GIVEN a comment on another task of the same project
    other = task_setup.task(owner, project_id, title="Signup page")
    comment(owner, other["id"])
    # WHEN the first task's comments are listed
    # THEN there are none
    assert listed(owner, task["id"]) == []


def test_a_body_of_exactly_20000_characters_is_accepted(owner, task):
    # WHEN a comment is exactly at the maximum length
    response = owner.api.post(comments_url(task["id"]), json={"body": "x" * 20_000})
    # THEN it is stored whole
    assert response.status_code == 201, response.json_body
    assert len(response.json_body["body"]) == 20_000


# --- notifications -------------------------------------------------------------------------------------------


def test_a_comment_notifies_the_reporter_and_assignee_except_the_commenter(api, owner, member, project_id):
    # GIVEN a task reported by the owner and assigned to the member
    assigned = task_setup.task(owner, project_id, assignee_id=member.user_id)
    # WHEN the member comments on it
    created = comment(member, assigned["id"])
    # THEN one task_commented event is in the outbox, for the owner only, linking to the task
    events = commented_events(owner.org_id)
    assert len(events) == 1
    assert events[0].recipients == [owner.user_id]
    assert events[0].actor_id == member.user_id
    assert events[0].data["link"] == f"/tasks?task={assigned['id']}"
    assert (events[0].data["task_id"], events[0].data["comment_id"]) == (assigned["id"], created["id"])


def test_a_third_person_commenting_notifies_both_reporter_and_assignee(api, owner, member, admin, project_id):
    # GIVEN a task reported by the owner and assigned to the member
    assigned = task_setup.task(owner, project_id, assignee_id=member.user_id)
    # WHEN an admin comments on it
    comment(admin, assigned["id"])
    # THEN both the reporter and the assignee are recipients
    (event,) = commented_events(owner.org_id)
    assert sorted(event.recipients) == sorted([owner.user_id, member.user_id])


def test_commenting_on_your_own_unassigned_task_notifies_nobody(owner, task):
    # WHEN the reporter comments on their own unassigned task
    comment(owner, task["id"])
    # THEN no task_commented event is written
    assert commented_events(owner.org_id) == []


# --- edit and delete -----------------------------------------------------------------------------------------


def test_the_author_edits_their_comment(member, task):
    # GIVEN the member's comment
    created = comment(member, task["id"], "first draft")
    # WHEN the member edits it
    response = member.api.put(f"{comments_url(task['id'])}/{created['id']}", json={"body": "final words"})
    # THEN the new body is returned and listed
    assert response.status_code == 200, response.json_body
    assert response.json_body["body"] == "final words"
    assert response.json_body["updated_at"] >= created["updated_at"]
    assert [c["body"] for c in listed(member, task["id"])] == ["final words"]


def test_an_admin_edits_someone_elses_comment(member, admin, task):
    # GIVEN the member's comment
    created = comment(member, task["id"], "typo heer")
    # WHEN an admin edits it
    response = admin.api.put(f"{comments_url(task['id'])}/{created['id']}", json={"body": "typo here"})
    # THEN the edit is applied
    assert response.status_code == 200, response.json_body
    assert [c["body"] for c in listed(member, task["id"])] == ["typo here"]


def test_a_member_cannot_edit_another_members_comment(api, owner, member, task):
    # GIVEN the owner's comment and a second plain member
    created = comment(owner, task["id"], "original")
    other = factories.join(api, owner, role="member", name="Other Member")
    # WHEN that member tries to edit it
    response = other.api.put(f"{comments_url(task['id'])}/{created['id']}", json={"body": "hijacked"})
    # THEN it is a 403 and the body is unchanged
    status(response, 403, "forbidden")
    assert [c["body"] for c in listed(owner, task["id"])] == ["original"]


def test_the_author_deletes_their_comment(member, task):
    # GIVEN the member's comment
    created = comment(member, task["id"])
    # WHEN the member deletes it
    response = member.api.delete(f"{comments_url(task['id'])}/{created['id']}")
    # THEN it is gone
    assert response.status_code == 204
    assert listed(member, task["id"]) == []


def test_an_admin_deletes_someone_elses_comment(member, admin, task):
    # GIVEN the member's comment
    created = comment(member, task["id"])
    # WHEN an admin deletes it
    response = admin.api.delete(f"{comments_url(task['id'])}/{created['id']}")
    # THEN it is gone
    assert response.status_code == 204
    assert listed(admin, task["id"]) == []


def test_a_member_cannot_delete_someone_elses_comment(owner, member, task):
    # GIVEN the owner's comment
    created = comment(owner, task["id"])
    # WHEN a plain member tries to delete it
    response = member.api.delete(f"{comments_url(task['id'])}/{created['id']}")
    # THEN it is a 403 and the comment stays
    status(response, 403, "forbidden")
    assert ids(listed(owner, task["id"])) == [created["id"]]


def test_adding_editing_and_deleting_are_audited(owner, task):
    # GIVEN a comment that is edited and then deleted
    created = comment(owner, task["id"], "v1")
    owner.api.put(f"{comments_url(task['id'])}/{created['id']}", json={"body": "v2"})
    owner.api.delete(f"{comments_url(task['id'])}/{created['id']}")
    # WHEN the audit log is read
    actions = task_setup.audit_actions(owner, "comment")
    # THEN each change has its entry
    assert actions == ["deleted", "updated", "created"]


# --- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{}, {"body": ""}, {"body": "   "}, {"body": "x" * 20_001}, {"body": 42}, {"body": None}],
    ids=["missing", "empty", "blank", "too-long", "not-text", "null"],
)
def test_a_bad_body_is_400_naming_it_and_nothing_is_written(owner, task, body):
    # WHEN a comment is posted with a bad body
    response = owner.api.post(comments_url(task["id"]), json=body)
    # THEN it is a 400 naming `body`, and no comment or audit entry exists
    field_error(response, "body")
    assert listed(owner, task["id"]) == []
    assert task_setup.audit_actions(owner, "comment") == []


def test_an_unknown_field_is_400_naming_it(owner, task):
    # WHEN a comment carries a field the API does not take
    response = owner.api.post(comments_url(task["id"]), json={"body": "hi", "author_id": "usr_x"})
    # THEN it is a 400 naming that field and nothing is written
    field_error(response, "author_id")
    assert listed(owner, task["id"]) == []


def test_a_bad_edit_is_400_and_leaves_the_comment_unchanged(owner, task):
    # GIVEN a comment
    created = comment(owner, task["id"], "keep me")
    # WHEN it is edited to an empty body
    response = owner.api.put(f"{comments_url(task['id'])}/{created['id']}", json={"body": ""})
    # THEN it is a 400 naming `body` and the comment is unchanged
    field_error(response, "body")
    assert [c["body"] for c in listed(owner, task["id"])] == ["keep me"]


# --- authentication and tenancy -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, suffix",
    [
        ("get", ""),
        ("post", ""),
        ("put", "/cmt_01JD0000000000000000000000"),
        ("delete", "/cmt_01JD0000000000000000000000"),
    ],
)
def test_every_comment_route_needs_authentication(api, task, method, suffix):
    # WHEN a comment route is called without credentials
    response = getattr(api, method)(comments_url(task["id"]) + suffix, json={"body": "hi"})
    # THEN it is a 401
    status(response, 401, "unauthorized")


def test_another_orgs_task_is_404_for_listing_and_commenting(owner, outsider, task):
    # WHEN another org's owner reads or comments on the task
    listing = outsider.api.get(comments_url(task["id"]))
    posting = outsider.api.post(comments_url(task["id"]), json={"body": "hello"})
    # THEN both are 404 and nothing is written
    status(listing, 404, "not_found")
    status(posting, 404, "not_found")
    assert listed(owner, task["id"]) == []


def test_another_orgs_comment_is_404_for_edit_and_delete(owner, outsider, task):
    # GIVEN a comment in the owner's org
    created = comment(owner, task["id"], "mine")
    url = f"{comments_url(task['id'])}/{created['id']}"
    # WHEN another org's owner edits or deletes it
    edit = outsider.api.put(url, json={"body": "theirs"})
    removal = outsider.api.delete(url)
    # THEN both are 404 and the comment is unchanged
    status(edit, 404, "not_found")
    status(removal, 404, "not_found")
    assert [c["body"] for c in listed(owner, task["id"])] == ["mine"]


@pytest.mark.parametrize(
    "comment_id", ["cmt_01JD0000000000000000000000", "not-an-id", "tsk_01JD0000000000000000000000"]
)
def test_an_unknown_or_malformed_comment_id_is_404(owner, task, comment_id):
    # WHEN a comment that does not exist is deleted
    response = owner.api.delete(f"{comments_url(task['id'])}/{comment_id}")
    # THEN it is a 404
    status(response, 404, "not_found")


def test_a_member_who_cannot_see_the_project_cannot_read_or_comment(api, owner, member, project_id, task):
    # GIVEN the project is restricted to an admin-chosen member list without the member
    other = factories.join(api, owner, role="member", name="Insider")
    task_setup.add_to_project(owner, project_id, other)
    # WHEN the member lists or adds comments
    listing = member.api.get(comments_url(task["id"]))
    posting = member.api.post(comments_url(task["id"]), json={"body": "peek"})
    # THEN both are 404, as for a task that does not exist
    status(listing, 404, "not_found")
    status(posting, 404, "not_found")


# --- cleanup -------------------------------------------------------------------------------------------------


def test_deleting_a_task_deletes_its_comments_in_the_background(owner, project_id, task):
    # GIVEN comments on two tasks
    comment(owner, task["id"], "one")
    comment(owner, task["id"], "two")
    kept = task_setup.task(owner, project_id, title="Kept")
    comment(owner, kept["id"], "stays")
    # WHEN the first task is deleted and background jobs run (twice: the cleanup is idempotent)
    task_setup.delete_task(owner, task["id"])
    factories.drain_jobs()
    task_setup.rerun_task_deleted_job(owner, task["id"])
    # THEN its comments are gone and the other task's remain
    prefix = Comment.task_prefix(task["id"])
    assert list(Comment.query(f"ORG#{owner.org_id}", Comment.SK.startswith(prefix))) == []
    assert [c["body"] for c in listed(owner, kept["id"])] == ["stays"]
