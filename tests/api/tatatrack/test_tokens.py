"""Personal API tokens as the document's `tt_live_…` tokens: the same credential as Stint's `stint_pat_…`."""

from tests.api.tatatrack.helpers import assert_camel, error, project, task
from tests.support import factories


def test_a_token_issued_on_the_profile_is_a_tt_live_token_that_lists_tasks(owner):
    # GIVEN a task and an API token created through the TataTrack surface
    created = task(owner, project(owner)["id"])
    response = owner.api.post("/api/profile/api-tokens", json={"name": "Zapier"})
    assert response.status_code == 201, response.json_body
    assert_camel(response.json_body)
    secret = response.json_body["token"]
    # THEN the secret is a tt_live_ token, shown once and not cached
    assert secret.startswith("tt_live_")
    assert response.json_body["prefix"].startswith("tt_live_")
    assert response.headers["Cache-Control"] == "no-store"
    # AND the documented curl call works with it
    listed = owner.api.as_token(secret).get("/api/tasks")
    assert listed.status_code == 200, listed.json_body
    assert [t["id"] for t in listed.json_body["tasks"]] == [created["id"]]


def test_a_native_token_works_in_either_spelling(owner):
    # GIVEN a token made on the native API
    issued = factories.api_token(owner)
    alias = "tt_live_" + issued.secret.removeprefix("stint_pat_")
    # THEN both spellings authenticate, on both surfaces
    assert owner.api.as_token(issued.secret).get("/api/tasks").status_code == 200
    assert owner.api.as_token(alias).get("/api/tasks").status_code == 200
    assert owner.api.as_token(alias).get("/api/v1/tasks").status_code == 200


def test_a_revoked_token_is_401_in_either_spelling(owner):
    created = owner.api.post("/api/profile/api-tokens", json={"name": "Zapier"}).json_body
    assert owner.api.delete(f"/api/profile/api-tokens/{created['id']}").status_code == 200
    error(owner.api.as_token(created["token"]).get("/api/tasks"), 401, "unauthorized")
    native = "stint_pat_" + created["token"].removeprefix("tt_live_")
    error(owner.api.as_token(native).get("/api/tasks"), 401, "unauthorized")


def test_a_made_up_tt_live_token_is_401(api):
    error(api.as_token("tt_live_" + "A" * 80).get("/api/tasks"), 401, "unauthorized")
    error(api.as_token("tt_live_").get("/api/tasks"), 401, "unauthorized")


def test_tokens_are_listed_without_secrets(owner):
    owner.api.post("/api/profile/api-tokens", json={"name": "Zapier"})
    listed = owner.api.get("/api/profile/api-tokens").json_body["tokens"]
    assert [t["name"] for t in listed] == ["Zapier"]
    assert "token" not in listed[0]


def test_a_token_sees_only_its_workspace(owner, outsider):
    theirs = task(outsider, project(outsider)["id"])
    token = owner.api.post("/api/profile/api-tokens", json={"name": "Zapier"}).json_body["token"]
    error(owner.api.as_token(token).get(f"/api/tasks/{theirs['id']}"), 404, "not_found")
