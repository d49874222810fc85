"""A project's client: a client that projects point at cannot be deleted (the clients domain counts them)."""

from tests.api.projects import helpers
from tests.api.projects.helpers import create_client, create_project, update_project


def _delete_client(account, client_id):
    return account.api.delete(f"/api/v1/clients/{client_id}")


def test_a_client_with_a_project_cannot_be_deleted(owner):
    # GIVEN a project of a client
    client = create_client(owner)
    create_project(owner, client_id=client["id"])
    # WHEN the owner deletes the client
    response = _delete_client(owner, client["id"])
    # THEN it is a conflict: the project still refers to it
    helpers.error(response, 409, "conflict")


def test_a_client_whose_project_was_deleted_can_be_deleted(owner):
    # GIVEN a client whose only project was deleted
    client = create_client(owner)
    project = create_project(owner, client_id=client["id"])
    assert owner.api.delete(f"/api/v1/projects/{project['id']}").status_code == 204
    # WHEN the owner deletes the client
    response = _delete_client(owner, client["id"])
    # THEN nothing refers to it any more, so it goes
    assert response.status_code == 204, response.json_body


def test_a_client_whose_project_moved_to_another_client_can_be_deleted(owner):
    # GIVEN a project moved from one client to another
    old, new = create_client(owner, "Old"), create_client(owner, "New")
    project = create_project(owner, client_id=old["id"])
    assert update_project(owner, project["id"], client_id=new["id"]).status_code == 200
    # WHEN the owner deletes the old client
    response = _delete_client(owner, old["id"])
    # THEN it goes
    assert response.status_code == 204, response.json_body


def test_the_client_a_project_moved_to_cannot_be_deleted(owner):
    # GIVEN a project moved from one client to another
    old, new = create_client(owner, "Old"), create_client(owner, "New")
    project = create_project(owner, client_id=old["id"])
    assert update_project(owner, project["id"], client_id=new["id"]).status_code == 200
    # WHEN the owner deletes the new client
    response = _delete_client(owner, new["id"])
    # THEN it is a conflict
    helpers.error(response, 409, "conflict")


def test_a_client_removed_from_its_project_can_be_deleted(owner):
    # GIVEN a project whose client was cleared
    client = create_client(owner)
    project = create_project(owner, client_id=client["id"])
    assert update_project(owner, project["id"], client_id=None).status_code == 200
    # WHEN the owner deletes the client
    response = _delete_client(owner, client["id"])
    # THEN it goes
    assert response.status_code == 204, response.json_body


def test_a_project_cannot_be_pointed_at_a_deleted_client(owner):
    # GIVEN a client that was deleted
    client = create_client(owner)
    assert _delete_client(owner, client["id"]).status_code == 204
    # WHEN the owner creates a project for it
    response = owner.api.post("/api/v1/projects", json={"name": "P", "client_id": client["id"]})
    # THEN it is a 400 naming client_id
    helpers.field_error(response, "client_id")
