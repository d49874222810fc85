"""What a processed delivery does: linked activity on the tasks it mentions, and merged PRs closing tasks."""

import pytest

from tests.api.git.helpers import (
    GITHUB_SECRET,
    GITLAB_SECRET,
    activity,
    audit_entries,
    commit,
    connect,
    error,
    github_delivery,
    gitlab_delivery,
    pull_request,
    push,
    register_webhook,
    run_jobs,
)
from tests.support.task_setup import project, task


@pytest.fixture
def repo(owner) -> dict:
    repository = connect(owner)
    register_webhook(owner, repository["id"], secret=GITHUB_SECRET, events=["branch_created"])
    return repository


def _deliver(api, repo, event, payload) -> None:
    response = github_delivery(api, repo["id"], event, payload)
    assert response.status_code == 202, response.json_body
    run_jobs()


def _status(owner, task_id) -> str:
    return owner.api.get(f"/api/v1/tasks/{task_id}").json_body["status"]


def test_a_pushed_commit_mentioning_a_task_appears_on_it(api, owner, repo, login_task):
    # GIVEN a push with a commit that mentions the task and one that does not
    mentioning = commit(f"Add login form ({login_task['id']})", sha="a" * 40, author="Mona Lisa")
    _deliver(api, repo, "push", push(mentioning, commit("Unrelated"), branch="feature/login"))
    # WHEN the task's git activity is read
    [linked] = activity(owner, login_task["id"])
    # THEN it shows the commit's sha, message, author and url, and where it came from
    assert linked["kind"] == "commit"
    assert linked["sha"] == "a" * 40
    assert linked["message"] == f"Add login form ({login_task['id']})"
    assert linked["author"] == "Mona Lisa"
    assert linked["url"] == "https://github.com/acme/app/commit/" + "a" * 40
    assert linked["branch"] == "feature/login"
    assert (linked["repository_id"], linked["provider"]) == (repo["id"], "github")
    assert linked["id"].startswith("gact_") and linked["created_at"].endswith("Z")


def test_the_same_commit_pushed_twice_is_linked_once(api, owner, repo, login_task):
    same = commit(f"Work on {login_task['id']}", sha="b" * 40)
    _deliver(api, repo, "push", push(same, branch="feature/login"))
    _deliver(api, repo, "push", push(same, branch="main"))
    assert [item["sha"] for item in activity(owner, login_task["id"])] == ["b" * 40]


def test_one_commit_mentioning_two_tasks_appears_on_both(api, owner, repo, project_id, login_task):
    other = task(owner, project_id, title="Signup page")
    _deliver(api, repo, "push", push(commit(f"{login_task['id']} and {other['id']}")))
    assert len(activity(owner, login_task["id"])) == 1
    assert len(activity(owner, other["id"])) == 1


def test_a_lower_cased_task_id_in_a_new_branch_name_links_the_branch(api, owner, repo, login_task):
    branch = f"feature/{login_task['id'].lower()}-login"
    _deliver(api, repo, "create", {"ref": branch, "ref_type": "branch", "sender": {"login": "mona"}})
    [linked] = activity(owner, login_task["id"])
    assert (linked["kind"], linked["branch"], linked["author"]) == ("branch", branch, "mona")


def test_an_opened_pull_request_links_without_closing(api, owner, repo, login_task):
    _deliver(api, repo, "pull_request", pull_request(number=12, title=f"Fixes {login_task['id']}"))
    [linked] = activity(owner, login_task["id"])
    assert (linked["kind"], linked["number"], linked["action"]) == ("pull_request", 12, "opened")
    assert linked["title"] == f"Fixes {login_task['id']}"
    assert linked["url"] == "https://github.com/acme/app/pull/12"
    assert _status(owner, login_task["id"]) == "open"


def test_a_merged_pull_request_that_fixes_a_task_moves_it_to_done(api, owner, repo, login_task):
    # GIVEN an open task
    assert _status(owner, login_task["id"]) == "open"
    # WHEN a pull request whose body says "Fixes <task>" is merged
    merged = pull_request(number=12, action="closed", merged=True, title="Login", body=f"Fixes {login_task['id']}")
    _deliver(api, repo, "pull_request", merged)
    # THEN the task is done (a terminal status of the workflow), with the merge on its activity
    body = owner.api.get(f"/api/v1/tasks/{login_task['id']}").json_body
    assert body["status"] == "done"
    assert [item["action"] for item in activity(owner, login_task["id"])] == ["merged"]


def test_the_status_change_goes_through_the_workflow_and_is_audited_as_the_integration(api, owner, repo, login_task):
    merged = pull_request(action="closed", merged=True, title=f"closes {login_task['id']}")
    _deliver(api, repo, "pull_request", merged)
    entries = audit_entries(owner, entity_id=login_task["id"])
    updated = next(entry for entry in entries if entry["action"] == "updated")
    assert updated["changes"]["status"] == {"from": "open", "to": "done"}
    assert (updated["user_id"], updated["user_name"]) == (None, None)  # no person: the repository's merge did it
    linked = next(entry for entry in entries if entry["action"] == "linked")
    assert linked["changes"]["git_activity"]["to"] == ["acme/app pull_request #12 merged"]


def test_a_merged_pull_request_that_only_mentions_a_task_does_not_close_it(api, owner, repo, login_task):
    _deliver(api, repo, "pull_request", pull_request(action="closed", merged=True, body=f"Related: {login_task['id']}"))
    assert _status(owner, login_task["id"]) == "open"
    assert len(activity(owner, login_task["id"])) == 1


def test_a_pull_request_closed_without_merging_does_not_close_the_task(api, owner, repo, login_task):
    _deliver(api, repo, "pull_request", pull_request(action="closed", merged=False, title=f"Fixes {login_task['id']}"))
    assert _status(owner, login_task["id"]) == "open"
    assert activity(owner, login_task["id"])[0]["action"] == "closed"


def test_a_commit_saying_fixes_does_not_close_the_task(api, owner, repo, login_task):
    _deliver(api, repo, "push", push(commit(f"Fixes {login_task['id']}")))
    assert _status(owner, login_task["id"]) == "open"


def test_a_task_already_closed_by_hand_stays_as_it_is(api, owner, repo, login_task):
    assert owner.api.put(f"/api/v1/tasks/{login_task['id']}/status", json={"status": "closed"}).status_code == 200
    _deliver(api, repo, "pull_request", pull_request(action="closed", merged=True, title=f"Fixes {login_task['id']}"))
    assert _status(owner, login_task["id"]) == "closed"


def test_a_merged_gitlab_merge_request_closes_the_task(api, owner, login_task):
    repository = connect(owner, provider="gitlab")
    register_webhook(owner, repository["id"], secret=GITLAB_SECRET)
    payload = {
        "object_kind": "merge_request",
        "user": {"username": "jo"},
        "object_attributes": {
            "iid": 4,
            "title": "Login form",
            "description": f"Closes {login_task['id']}",
            "state": "merged",
            "action": "merge",
            "url": "https://gitlab.com/acme/web/app/-/merge_requests/4",
            "source_branch": "login",
            "target_branch": "main",
        },
    }
    assert gitlab_delivery(api, repository["id"], "Merge Request Hook", payload).status_code == 202
    run_jobs()
    assert _status(owner, login_task["id"]) == "done"
    [linked] = activity(owner, login_task["id"])
    assert (linked["provider"], linked["number"], linked["author"]) == ("gitlab", 4, "jo")


def test_a_repository_linked_to_a_project_only_touches_that_projects_tasks(api, owner, project_id, login_task):
    # GIVEN a repository linked to the login task's project, and a task in another project
    repository = connect(owner, project_id=project_id)
    register_webhook(owner, repository["id"])
    elsewhere = task(owner, project(owner, name="Other"), title="Elsewhere")
    # WHEN a merged PR fixes both
    body = f"Fixes {login_task['id']}, fixes {elsewhere['id']}"
    _deliver(api, repository, "pull_request", pull_request(action="closed", merged=True, body=body))
    # THEN only the project's task is linked and closed
    assert _status(owner, login_task["id"]) == "done"
    assert _status(owner, elsewhere["id"]) == "open"
    assert activity(owner, elsewhere["id"]) == []


def test_another_orgs_task_ids_are_never_touched(api, owner, outsider, repo):
    theirs = task(outsider, project(outsider, name="Theirs"), title="Their task")
    _deliver(api, repo, "pull_request", pull_request(action="closed", merged=True, title=f"Fixes {theirs['id']}"))
    assert _status(outsider, theirs["id"]) == "open"
    assert activity(outsider, theirs["id"]) == []


def test_links_are_audited_on_the_task(api, owner, repo, login_task):
    _deliver(api, repo, "push", push(commit(f"Start {login_task['id']}", sha="c" * 40)))
    [entry] = [e for e in audit_entries(owner, entity_id=login_task["id"]) if e["action"] == "linked"]
    assert entry["entity_type"] == "task"
    assert entry["changes"] == {"git_activity": {"from": None, "to": ["acme/app commit " + "c" * 12]}}


def test_activity_is_newest_first_and_paged(api, owner, repo, login_task):
    for n in range(3):
        _deliver(api, repo, "push", push(commit(f"Step {n} {login_task['id']}", sha=str(n) * 40)))
    first = owner.api.get(f"/api/v1/tasks/{login_task['id']}/git-activity?per_page=2").json_body
    assert [item["sha"] for item in first["data"]] == ["2" * 40, "1" * 40] and first["has_more"]
    rest = owner.api.get(f"/api/v1/tasks/{login_task['id']}/git-activity?per_page=2&cursor={first['next_cursor']}")
    assert [item["sha"] for item in rest.json_body["data"]] == ["0" * 40]


def test_a_deleted_tasks_activity_goes_with_it(api, owner, repo, login_task):
    _deliver(api, repo, "push", push(commit(f"Start {login_task['id']}")))
    assert owner.api.delete(f"/api/v1/tasks/{login_task['id']}").status_code == 204
    run_jobs()
    error(owner.api.get(f"/api/v1/tasks/{login_task['id']}/git-activity"), 404, "not_found")


def test_a_delivery_for_a_repository_disconnected_before_processing_does_nothing(api, owner, repo, login_task):
    assert github_delivery(api, repo["id"], "push", push(commit(f"Start {login_task['id']}"))).status_code == 202
    assert owner.api.delete(f"/api/v1/git/repositories/{repo['id']}").status_code == 204
    run_jobs()
    assert activity(owner, login_task["id"]) == []


def test_members_see_activity_only_on_tasks_they_can_see(api, owner, member, repo):
    from tests.support.task_setup import add_to_project

    secret_project = project(owner, name="Secret")
    add_to_project(owner, secret_project, owner)
    hidden = task(owner, secret_project, title="Hidden")
    _deliver(api, repo, "push", push(commit(f"Work {hidden['id']}")))
    assert len(activity(owner, hidden["id"])) == 1
    error(member.api.get(f"/api/v1/tasks/{hidden['id']}/git-activity"), 404, "not_found")
