"""Every syncable list answers `updated_since` with the items changed since, and its deletions are tombstoned."""

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.core.timeutil import to_rfc3339
from tests.api.tasks.helpers import project, task
from tests.support import factories


@dataclass
class Resource:
    type: str
    list_path: str  # formatted with the context (org, project, task, client ids)
    create_path: str
    body: dict
    delete_path: str  # also takes {id}


_serial = itertools.count(1)  # names some lists keep unique

RESOURCES = [
    Resource("project", "/api/v1/projects", "/api/v1/projects", {"name": "P"}, "/api/v1/projects/{id}"),
    Resource("client", "/api/v1/clients", "/api/v1/clients", {"name": "C"}, "/api/v1/clients/{id}"),
    Resource(
        "contact",
        "/api/v1/clients/{client}/contacts",
        "/api/v1/clients/{client}/contacts",
        {"name": "Ann"},
        "/api/v1/clients/{client}/contacts/{id}",
    ),
    Resource(
        "milestone",
        "/api/v1/organizations/{org}/projects/{project}/milestones",
        "/api/v1/organizations/{org}/projects/{project}/milestones",
        {"title": "M", "target_date": "2030-01-01"},
        "/api/v1/organizations/{org}/milestones/{id}",
    ),
    Resource(
        "comment",
        "/api/v1/tasks/{task}/comments",
        "/api/v1/tasks/{task}/comments",
        {"body": "hi"},
        "/api/v1/tasks/{task}/comments/{id}",
    ),
    Resource(
        "checklist_item",
        "/api/v1/tasks/{task}/checklists",
        "/api/v1/tasks/{task}/checklists",
        {"title": "step"},
        "/api/v1/tasks/checklists/{id}",
    ),
    Resource("kb_article", "/api/v1/kb", "/api/v1/kb", {"type": "article", "title": "How to"}, "/api/v1/kb/{id}"),
    Resource("whiteboard", "/api/v1/whiteboards", "/api/v1/whiteboards", {"title": "W"}, "/api/v1/whiteboards/{id}"),
    Resource("label", "/api/v1/labels", "/api/v1/labels", {"name": "bug", "color": "#ff0000"}, "/api/v1/labels/{id}"),
    Resource(
        "task_group",
        "/api/v1/projects/{project}/task-groups",
        "/api/v1/projects/{project}/task-groups",
        {"name": "Later"},
        "/api/v1/projects/{project}/task-groups/{id}",
    ),
]


def _context(owner) -> dict:
    project_id = project(owner, name="Context")
    client = owner.api.post("/api/v1/clients", json={"name": "Context client"})
    assert client.status_code == 201, client.json_body
    return {
        "org": owner.org_id,
        "project": project_id,
        "task": task(owner, project_id)["id"],
        "client": client.json_body["id"],
    }


def _create(owner, resource: Resource, context: dict) -> str:
    body = {key: f"{value} {next(_serial)}" if key == "name" else value for key, value in resource.body.items()}
    response = owner.api.post(resource.create_path.format(**context), json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body["id"]


def _listed(owner, resource: Resource, context: dict, **params) -> list[str]:
    response = owner.api.get(f"{resource.list_path.format(**context)}?{urlencode(params)}")
    assert response.status_code == 200, response.json_body
    return [item["id"] for item in response.json_body["data"]]


def _deleted(owner, entity_type: str, since: str) -> list[str]:
    response = owner.api.get(f"/api/v1/sync/deletions?{urlencode({'since': since, 'type': entity_type})}")
    assert response.status_code == 200, response.json_body
    return [deletion["id"] for deletion in response.json_body["data"]]


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.type for r in RESOURCES])
def test_a_list_since_a_sync_point_has_the_new_items_and_the_deletions_name_the_removed_ones(owner, resource):
    # GIVEN two items the client already holds
    context = _context(owner)
    kept, removed = _create(owner, resource, context), _create(owner, resource, context)
    since = to_rfc3339(datetime.now(UTC))
    # WHEN one is deleted and another is created
    deleted = owner.api.delete(resource.delete_path.format(id=removed, **context))
    assert deleted.status_code in (200, 204), deleted.json_body
    created = _create(owner, resource, context)
    # THEN the list since the sync point has only the new item, and the deletions only the removed one
    assert _listed(owner, resource, context, updated_since=since) == [created]
    assert _deleted(owner, resource.type, since) == [removed]
    assert kept in _listed(owner, resource, context)


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.type for r in RESOURCES])
def test_a_list_refuses_a_malformed_or_too_old_updated_since(owner, resource):
    context = _context(owner)
    path = resource.list_path.format(**context)
    malformed = owner.api.get(f"{path}?updated_since=last-week")
    too_old = to_rfc3339(datetime.now(UTC) - timedelta(days=31))
    expired = owner.api.get(f"{path}?{urlencode({'updated_since': too_old})}")
    assert (malformed.status_code, malformed.json_body["error"]["details"][0]["field"]) == (400, "updated_since")
    assert (expired.status_code, expired.json_body["error"]["code"]) == (410, "resync_required")


def test_the_member_list_since_a_sync_point_has_new_members_and_the_deletions_name_removed_ones(api, owner):
    # GIVEN a member the client already holds
    leaving = factories.join(api, owner, name="Leaving")
    leaving_id = _member_id(owner, leaving.user_id)
    since = to_rfc3339(datetime.now(UTC))
    # WHEN that member is removed and another joins
    factories.remove_member(owner, leaving)
    joined = factories.join(api, owner, name="Joined")
    # THEN the member list since the sync point has only the newcomer, and the deletions the removed membership
    changed = owner.api.get(f"/api/v1/members?{urlencode({'updated_since': since})}")
    assert [m["user_id"] for m in changed.json_body["data"]] == [joined.user_id]
    assert _deleted(owner, "member", since) == [leaving_id]


def _member_id(owner, user_id: str) -> str:
    members = owner.api.get("/api/v1/members").json_body["data"]
    return next(m["id"] for m in members if m["user_id"] == user_id)
