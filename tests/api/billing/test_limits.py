"""Plan limits on members, projects and storage: 402 `feature_gated`, nothing written, room given back on removal."""

from tests.api.auth.helpers import assert_error
from tests.api.billing.helpers import CANCEL, approve_in_sandbox, state, subscribe
from tests.api.files import helpers as files
from tests.support import factories

PROJECTS = "/api/v1/projects"


def _project(account, name: str = "Website"):
    return account.api.post(PROJECTS, json={"name": name})


def _invite(account, address: str | None = None):
    return account.api.post("/api/v1/members/invite", json={"email": address or factories.unique_email("seat")})


def _upgrade(owner, plan: str = "pro") -> None:
    approve_in_sandbox(owner, subscribe(owner, plan)["approval_url"])
    assert state(owner)["plan"] == plan


def _projects_listed(account) -> int:
    return len(account.api.get(f"{PROJECTS}?per_page=100").json_body["data"])


def test_the_free_plan_allows_twenty_projects_and_refuses_the_twenty_first(owner):
    # GIVEN an org on the free plan with 20 projects
    for n in range(20):
        assert _project(owner, f"Project {n}").status_code == 201
    # WHEN the owner creates another
    response = _project(owner, "One too many")
    # THEN it is refused as a feature of a higher plan, naming the limit, and nothing was written
    error = assert_error(response, 402, "feature_gated")
    assert error["message"] == "The Free plan allows 20 projects; upgrade the plan to add more."
    assert error["details"] == [{"limit": "projects", "plan": "free", "max": 20}]
    assert _projects_listed(owner) == 20
    assert state(owner)["usage"]["projects"] == 20


def test_deleting_a_project_makes_room_for_another(owner, small_plans):
    # GIVEN an org at its plan's two projects
    first = _project(owner, "One").json_body
    _project(owner, "Two")
    assert _project(owner, "Three").status_code == 402
    # WHEN one is deleted
    assert owner.api.delete(f"{PROJECTS}/{first['id']}").status_code == 204
    # THEN a new one fits again
    assert _project(owner, "Three").status_code == 201
    assert state(owner)["usage"]["projects"] == 2


def test_upgrading_raises_the_limit_at_once(owner, small_plans):
    # GIVEN an org at the free plan's two projects
    _project(owner, "One")
    _project(owner, "Two")
    assert _project(owner, "Three").status_code == 402
    # WHEN it moves to Pro (four projects)
    _upgrade(owner)
    # THEN two more fit, and the fifth is refused under Pro's name
    assert [_project(owner, name).status_code for name in ("Three", "Four")] == [201, 201]
    assert assert_error(_project(owner, "Five"), 402, "feature_gated")["details"][0]["plan"] == "pro"


def test_pending_invitations_take_seats_and_the_seat_past_the_limit_is_refused(owner, small_plans):
    # GIVEN an org of three seats: the owner and two pending invitations
    factories.invite(owner)
    factories.invite(owner)
    # WHEN the owner invites a fourth person
    address = factories.unique_email("fourth")
    response = _invite(owner, address)
    # THEN it is refused, no membership or email exists for them, and the seats used stay three
    error = assert_error(response, 402, "feature_gated")
    assert "3 members (pending invitations included)" in error["message"]
    factories.drain_jobs()
    assert address not in [m["email"] for m in owner.api.get("/api/v1/members").json_body["data"]]
    assert all(address not in message["To"] for message in factories.sent_emails())
    assert state(owner)["usage"]["members"] == 3


def test_removing_a_member_frees_their_seat(owner, small_plans):
    # GIVEN a full org: the owner and two members
    factories.join(owner.api, owner)
    leaving = factories.join(owner.api, owner)
    assert _invite(owner).status_code == 402
    # WHEN a member is removed
    factories.remove_member(owner, leaving)
    # THEN the seat can be given to someone else
    assert _invite(owner).status_code == 201
    assert state(owner)["usage"]["members"] == 3


def test_an_invitation_cannot_be_accepted_once_a_downgrade_took_its_seat(api, owner, small_plans):
    # GIVEN an org on Pro (five seats) with four pending invitations
    _upgrade(owner)
    invitations = [factories.invite(owner) for _ in range(4)]
    # AND the subscription cancelled: back on the free plan's three seats
    assert owner.api.post(CANCEL, json={}).status_code == 200
    # WHEN an invitee accepts
    body = {"token": invitations[0].token, "password": factories.PASSWORD, "name": "Late Comer"}
    response = api.post("/api/v1/invitations/accept", json=body)
    # THEN joining is refused for the plan, and the invitation stays pending
    assert_error(response, 402, "feature_gated")
    listed = {m["email"]: m["status"] for m in owner.api.get("/api/v1/members").json_body["data"]}
    assert listed[invitations[0].email] == "invited"


def test_a_file_past_the_storage_limit_is_refused_and_not_kept(owner, small_plans):
    # GIVEN an org that stored 600 of its plan's 1000 bytes
    files.uploaded(owner, b"a" * 600, filename="notes.txt", content_type="text/plain")
    keys_before = files.bucket_keys(f"org/{owner.org_id}/")
    # WHEN another 600-byte file is uploaded
    response = files.upload(owner, b"b" * 600, filename="more.txt", content_type="text/plain")
    # THEN it is refused, its bytes are not in the bucket, and the usage is unchanged
    error = assert_error(response, 402, "feature_gated")
    assert error["details"] == [{"limit": "storage", "plan": "free", "max": 1000}]
    assert files.bucket_keys(f"org/{owner.org_id}/") == keys_before
    assert state(owner)["usage"]["storage_bytes"] == 600


def test_a_presigned_upload_over_the_storage_limit_is_refused_before_anything_is_uploaded(owner, small_plans):
    # WHEN a member asks to upload a file larger than the plan's storage
    response = owner.api.post(
        "/api/v1/files/presigned-upload", json={"filename": "big.txt", "content_type": "text/plain", "size": 1001}
    )
    # THEN it is refused at once
    assert_error(response, 402, "feature_gated")


def test_deleting_a_file_gives_its_bytes_back(owner, small_plans):
    # GIVEN a 600-byte file
    stored = files.uploaded(owner, b"a" * 600, filename="notes.txt", content_type="text/plain")
    # WHEN it is deleted
    assert owner.api.delete(f"/api/v1/files/{stored['id']}").status_code == 204
    # THEN the usage drops and another 600 bytes fit
    assert state(owner)["usage"]["storage_bytes"] == 0
    files.uploaded(owner, b"b" * 600, filename="more.txt", content_type="text/plain")


def test_the_billing_state_shows_the_plan_limits_and_usage_to_every_member(owner, member):
    # GIVEN an org with a project and two people
    _project(owner)
    # WHEN a plain member looks at billing
    billing = state(member)
    # THEN they see the free plan, its limits and what is used
    assert billing["plan"] == "free"
    assert billing["limits"] == {"members": 10, "projects": 20, "storage_bytes": 1024**3}
    assert billing["usage"] == {"members": 2, "projects": 1, "storage_bytes": 0}
    assert (billing["subscription"], billing["pending_subscription"]) == (None, None)


def test_the_plans_are_listed_with_their_limits(owner):
    # WHEN a member lists the plans
    response = owner.api.get("/api/v1/billing/plans")
    # THEN free, pro and business are there, business unlimited in members and projects
    plans = {plan["id"]: plan for plan in response.json_body["data"]}
    assert list(plans) == ["free", "pro", "business"]
    assert plans["business"]["limits"] == {"members": None, "projects": None, "storage_bytes": 1024**4}
    assert all(plan["available"] for plan in plans.values())  # the local sandbox sells them


def test_business_has_no_project_limit(owner, small_plans):
    # GIVEN an org on Business
    _upgrade(owner, "business")
    # WHEN it grows past every smaller plan's limits
    statuses = [_project(owner, f"P{n}").status_code for n in range(5)]
    # THEN everything fits
    assert statuses == [201] * 5
