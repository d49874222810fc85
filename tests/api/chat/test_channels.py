"""Chat channels: public to the org, private to their members (invisible to anyone else), unique names."""

import pytest

from tests.api.chat.helpers import channel, channel_ids, messages, post
from tests.support import factories, task_setup
from tests.support.task_setup import field_error, ids, status


def test_a_channel_is_created_with_its_creator_as_member(owner):
    # WHEN the owner creates a channel as in the document
    response = owner.api.post("/api/v1/chat/channels", json={"name": "engineering", "is_private": False})
    # THEN it is a 201 with a ch_ id, the fields sent, and one member
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("ch_")
    assert (created["name"], created["description"], created["is_private"]) == ("engineering", None, False)
    assert (created["created_by"], created["member_count"]) == (owner.user_id, 1)
    assert created["created_at"].endswith("Z") and created["updated_at"].endswith("Z")


def test_a_public_channel_is_listed_for_everyone_in_the_org(owner, member, outsider):
    # GIVEN a public channel the member was not added to
    made = channel(owner, "general")
    # WHEN the member and another org's owner list channels
    # THEN the member sees it, the outsider does not
    assert made["id"] in channel_ids(member)
    assert made["id"] not in channel_ids(outsider)


def test_a_private_channel_is_invisible_to_non_members_even_admins(owner, member, other_member, admin):
    # GIVEN a private channel of the owner and the member
    made = channel(owner, "leadership", is_private=True, member_ids=[member.user_id])
    assert made["member_count"] == 2
    # WHEN each person lists channels and reads the channel
    # THEN its members see it; the other member and the admin neither list it nor read it (404)
    assert made["id"] in channel_ids(owner) and made["id"] in channel_ids(member)
    for outside in (other_member, admin):
        assert made["id"] not in channel_ids(outside)
        status(outside.api.get(f"/api/v1/chat/channels/{made['id']}"), 404, "not_found")
        status(outside.api.get(f"/api/v1/chat/channels/{made['id']}/messages"), 404, "not_found")
        posted = outside.api.post(f"/api/v1/chat/channels/{made['id']}/messages", json={"content": "hi"})
        status(posted, 404, "not_found")


def test_channels_are_listed_oldest_first_and_paged(owner):
    # GIVEN three channels
    made = [channel(owner, name)["id"] for name in ("one", "two", "three")]
    # WHEN they are read two per page
    first = owner.api.get("/api/v1/chat/channels?per_page=2").json_body
    second = owner.api.get(f"/api/v1/chat/channels?per_page=2&cursor={first['next_cursor']}").json_body
    # THEN the pages continue each other in creation order
    assert ids(first["data"]) == made[:2] and first["has_more"] is True
    assert ids(second["data"]) == made[2:] and second["has_more"] is False


def test_names_are_unique_in_an_org_regardless_of_case(owner, member, outsider):
    # GIVEN a channel named engineering
    channel(owner, "engineering")
    # WHEN someone creates "Engineering" in the same org, and another org creates "engineering"
    duplicate = member.api.post("/api/v1/chat/channels", json={"name": "Engineering"})
    # THEN the first is a 409 naming the channel, the second is fine
    status(duplicate, 409, "conflict")
    assert "engineering" in duplicate.json_body["error"]["message"].lower()
    channel(outsider, "engineering")


def test_a_renamed_channel_frees_its_old_name(owner):
    # GIVEN a channel renamed from random to watercooler
    made = channel(owner, "random")
    renamed = owner.api.put(f"/api/v1/chat/channels/{made['id']}", json={"name": "watercooler"})
    assert renamed.status_code == 200 and renamed.json_body["name"] == "watercooler"
    # WHEN a new channel takes the old name, and another tries the new one
    channel(owner, "random")
    # THEN the old name was free, the new one is taken
    status(owner.api.post("/api/v1/chat/channels", json={"name": "WaterCooler"}), 409, "conflict")


def test_the_creator_and_admins_may_update_a_channel_others_may_not(owner, member, admin):
    # GIVEN the member's public channel
    made = channel(member, "design")
    # WHEN the owner (admin role), another admin and the creator change its description
    for account in (owner, admin, member):
        response = account.api.put(f"/api/v1/chat/channels/{made['id']}", json={"description": "Design talk"})
        assert response.status_code == 200, response.json_body
    # AND a plain member who did not create a channel tries
    other = channel(owner, "ops")
    # THEN that is a 403 and nothing changed
    status(member.api.put(f"/api/v1/chat/channels/{other['id']}", json={"description": "mine"}), 403, "forbidden")
    assert owner.api.get(f"/api/v1/chat/channels/{other['id']}").json_body["description"] is None


def test_deleting_a_channel_needs_an_admin_and_takes_its_messages(owner, member):
    # GIVEN a channel with a message
    made = channel(member, "temp")
    post(member, made["id"])
    # WHEN its member creator tries to delete it, then the owner does
    status(member.api.delete(f"/api/v1/chat/channels/{made['id']}"), 403, "forbidden")
    assert owner.api.delete(f"/api/v1/chat/channels/{made['id']}").status_code == 204
    factories.drain_jobs()
    # THEN it is gone, its name is free again
    status(owner.api.get(f"/api/v1/chat/channels/{made['id']}"), 404, "not_found")
    recreated = channel(owner, "temp")
    assert messages(owner, recreated["id"])["data"] == []


def test_channel_changes_are_audited(owner):
    made = channel(owner, "audited")
    owner.api.put(f"/api/v1/chat/channels/{made['id']}", json={"name": "audited-2"})
    owner.api.delete(f"/api/v1/chat/channels/{made['id']}")
    assert task_setup.audit_actions(owner, "chat_channel") == ["deleted", "updated", "created"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "ok", "is_private": "yes"}, "is_private"),
        ({"name": "ok", "member_ids": "usr_1"}, "member_ids"),
        ({"name": "ok", "org_id": "org_1"}, "org_id"),
    ],
)
def test_a_malformed_channel_is_a_400_naming_the_field(owner, body, field):
    field_error(owner.api.post("/api/v1/chat/channels", json=body), field)
    assert channel_ids(owner) == []


def test_members_must_belong_to_the_org(owner, outsider):
    # WHEN a private channel names another org's user as a member
    response = owner.api.post(
        "/api/v1/chat/channels", json={"name": "secret", "is_private": True, "member_ids": [outsider.user_id]}
    )
    # THEN it is a 400 naming member_ids, and no channel was made
    field_error(response, "member_ids")
    assert channel_ids(owner) == []


def test_a_channel_cannot_lose_its_name(owner):
    made = channel(owner, "named")
    field_error(owner.api.put(f"/api/v1/chat/channels/{made['id']}", json={"name": None}), "name")
