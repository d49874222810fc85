"""DynamoDB calls of the TataTrack list that clients poll most: `{tasks, projects, users}` stays a fixed cost."""

from chalicelib.core.metrics import count_dynamodb_calls
from tests.api.tatatrack.helpers import project, task


def test_a_page_of_tasks_with_its_projects_and_users_is_four_reads_whatever_it_holds(owner, member):
    # GIVEN tasks over two projects, assigned to two people
    first, second = project(owner, name="One"), project(owner, name="Two")
    for n in range(6):
        task(owner, (first, second)[n % 2]["id"], title=f"t{n}", assigneeId=(owner, member)[n % 2].user_id)
    # WHEN the owner lists tasks
    with count_dynamodb_calls() as calls:
        response = owner.api.get("/api/tasks")
    # THEN it reads with authentication's BatchGet, one Query, and one BatchGet each for the projects and people
    assert response.status_code == 200
    assert len(response.json_body["projects"]) == 2 and len(response.json_body["users"]) == 2
    assert (calls["BatchGetItem"], calls["Query"]) == (3, 1), dict(calls)
    # AND writes at most the credential's request counter, which is written in batches (decision 26)
    assert calls.total - 4 == calls["UpdateItem"] <= 1, dict(calls)
