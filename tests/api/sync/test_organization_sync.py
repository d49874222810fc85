"""A user's clients learn which organizations they lost: deleted, or their membership removed."""

from datetime import UTC, datetime
from urllib.parse import urlencode

from chalicelib.core.timeutil import to_rfc3339
from tests.support import factories


def _lost(account, since: str) -> list[str]:
    response = account.api.get(f"/api/v1/sync/deletions?{urlencode({'since': since, 'type': 'organization'})}")
    assert response.status_code == 200, response.json_body
    return [deletion["id"] for deletion in response.json_body["data"]]


def test_a_removed_member_learns_from_another_org_that_they_lost_the_org(api, owner, member):
    # GIVEN a member who also has an organization of their own
    elsewhere = factories.in_new_org(member)
    since = to_rfc3339(datetime.now(UTC))
    # WHEN the owner removes them
    factories.remove_member(owner, member)
    # THEN their deletions (asked from their own org) name the org they were removed from
    assert _lost(elsewhere, since) == [owner.org_id]
    # AND the member list's own deletions name the membership, for the admins who list members
    members = owner.api.get(f"/api/v1/sync/deletions?{urlencode({'since': since, 'type': 'member'})}")
    assert [d["id"] for d in members.json_body["data"]] == [member.member_id]


def test_every_member_of_a_deleted_org_learns_it_once_the_deletion_job_ran(api, owner):
    # GIVEN a second org of the owner, with a member who has an org of their own too
    side = factories.in_new_org(owner)
    colleague = factories.join(api, side, name="Colleague")
    colleague_home = factories.in_new_org(colleague)
    since = to_rfc3339(datetime.now(UTC))
    # WHEN the owner deletes that org and the background job removes its data
    assert owner.api.delete(f"/api/v1/organizations/{side.org_id}").status_code in (202, 204)
    factories.drain_jobs()
    # THEN both the owner (from their first org) and the colleague learn the org is gone
    assert _lost(owner, since) == [side.org_id]
    assert _lost(colleague_home, since) == [side.org_id]


def test_nobody_else_sees_a_users_lost_organizations(owner, member, outsider):
    since = to_rfc3339(datetime.now(UTC))
    factories.remove_member(owner, member)
    assert _lost(outsider, since) == []
    assert _lost(owner, since) == []
