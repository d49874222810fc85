"""Reads gathered ahead of use (core.db prefetch): each serves one read, within its request only."""

from chalicelib.core import db
from chalicelib.tasks.models import Task
from tests.support.factories import register


def _task(account) -> tuple[str, str]:
    project = account.api.post("/api/v1/projects", json={"name": "Launch"}).json_body
    task = account.api.post("/api/v1/tasks", json={"title": "Draft", "project_id": project["id"]}).json_body
    return Task.keys(account.org_id, task["id"])


def test_a_prefetched_item_serves_one_read_then_the_table_answers(api):
    owner = register(api)
    keys = _task(owner)
    with db.request_reads():
        db.prefetch([keys])
        stored = Task.get(*keys)
        stored.update(actions=[Task.title.set("Renamed elsewhere")])
        assert Task.get_or_none(*keys).title == "Draft"  # read ahead, before the change
        assert Task.get_or_none(*keys).title == "Renamed elsewhere"  # a second read is a real one


def test_nothing_is_kept_outside_a_request(api):
    owner = register(api)
    keys = _task(owner)
    db.remember({keys: None})  # no request scope: ignored
    assert Task.get_or_none(*keys) is not None
    with db.request_reads():
        db.remember({keys: None})
    assert Task.get_or_none(*keys) is not None  # the scope ended with its request


def test_a_consistent_read_never_takes_the_prefetched_copy(api):
    owner = register(api)
    keys = _task(owner)
    with db.request_reads():
        db.remember({keys: None})
        assert Task.get_or_none(*keys, consistent=True) is not None


def test_reading_ahead_a_task_of_another_org_still_answers_404(api):
    owner, stranger = register(api), register(api)
    _, sk = _task(owner)
    task_id = sk.split("#", 1)[1]
    assert stranger.api.get(f"/api/v1/tasks/{task_id}").status_code == 404
    assert stranger.api.put(f"/api/v1/tasks/{task_id}/status", json={"status": "done"}).status_code == 404
