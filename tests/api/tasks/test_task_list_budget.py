"""DynamoDB call budgets of the hottest task reads (issue: ≤ 3 calls per request)."""

from chalicelib.core.metrics import count_dynamodb_calls
from tests.api.tasks.helpers import project, task
from tests.support import factories


def test_filtered_first_page_and_stats_stay_within_three_calls(api):
    # GIVEN a project with tasks
    owner = factories.register(api)
    project_id = project(owner)
    for priority in ("low", "high", "urgent"):
        task(owner, project_id, priority=priority)
    # WHEN the first page by project+status+priority and the project stats are read
    with count_dynamodb_calls() as listing:
        owner.api.get(f"/api/v1/tasks?project_id={project_id}&status=open&sort=priority&order=desc")
    with count_dynamodb_calls() as stats:
        owner.api.get("/api/v1/projects/stats")
    # THEN each costs at most three DynamoDB calls, authentication included
    assert listing.total <= 3, dict(listing)
    assert stats.total <= 3, dict(stats)


def test_unknown_status_filter_is_still_a_400(api):
    owner = factories.register(api)
    response = owner.api.get(f"/api/v1/tasks?project_id={project(owner)}&status=someday")
    assert response.status_code == 400
    assert response.json_body["error"]["details"][0]["field"] == "status"
