from tests.support import factories


def test_register_invite_accept_and_see_members(api):
    owner = factories.register(api)
    member = factories.join(api, owner)
    listed = owner.api.get("/api/v1/members")
    assert listed.status_code == 200
    emails = {m["email"] for m in listed.json_body["data"]}
    assert {owner.email, member.email} <= emails
    me = member.api.get("/api/v1/me")
    assert me.json_body["workspace"]["id"] == owner.org_id
    assert me.json_body["workspace"]["role"] == "member"
