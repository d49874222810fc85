"""Chat messages: newest first with a `before` cursor, threads by `reply_to`, deletion, @mentions."""

import pytest

from chalicelib.core.metrics import count_dynamodb_calls
from tests.api.chat.helpers import channel, messages, post
from tests.support import task_setup
from tests.support.outbox import deliver_events
from tests.support.task_setup import field_error, ids, status


def mentions_of(account) -> list[dict]:
    response = account.api.get("/api/v1/notifications")
    assert response.status_code == 200, response.json_body
    return [n for n in response.json_body["data"] if n["type"] == "chat_mentioned"]


def test_a_message_is_posted_as_in_the_document(owner):
    made = channel(owner)
    # WHEN the owner posts the document's example
    response = owner.api.post(f"/api/v1/chat/channels/{made['id']}/messages", json={"content": "Deployment complete!"})
    # THEN it is a 201 with a msg_ id, the author, and no replies, mentions or reactions yet
    assert response.status_code == 201, response.json_body
    message = response.json_body
    assert message["id"].startswith("msg_") and message["channel_id"] == made["id"]
    assert (message["author_id"], message["content"]) == (owner.user_id, "Deployment complete!")
    assert (message["reply_to"], message["reply_count"], message["mentions"], message["reactions"]) == (
        None,
        0,
        [],
        [],
    )


def test_messages_are_listed_newest_first_and_paged_with_before(owner, member):
    # GIVEN five messages in a public channel
    made = channel(owner)
    sent = [post(owner if n % 2 else member, made["id"], f"message {n}")["id"] for n in range(5)]
    # WHEN the member reads two, then two before the last one read, then the rest
    first = messages(member, made["id"], "?limit=2")
    second = messages(member, made["id"], f"?limit=2&before={first['next_cursor']}")
    third = messages(member, made["id"], f"?limit=2&before={second['next_cursor']}")
    # THEN each page continues the previous one, newest first, until has_more is false
    assert ids(first["data"]) == [sent[4], sent[3]] and first["has_more"] is True and first["limit"] == 2
    assert ids(second["data"]) == [sent[2], sent[1]] and second["before"] == first["next_cursor"]
    assert ids(third["data"]) == [sent[0]] and third["has_more"] is False and third["next_cursor"] is None


def test_the_default_page_is_fifty_messages(owner):
    made = channel(owner)
    post(owner, made["id"])
    assert messages(owner, made["id"])["limit"] == 50


@pytest.mark.parametrize(
    ("query", "field"), [("?limit=101", "limit"), ("?limit=0", "limit"), ("?before=abc", "before")]
)
def test_a_bad_page_request_is_a_400_naming_the_parameter(owner, query, field):
    made = channel(owner)
    field_error(owner.api.get(f"/api/v1/chat/channels/{made['id']}/messages{query}"), field)


def test_a_reply_threads_under_its_message(owner, member):
    # GIVEN a message
    made = channel(owner)
    parent = post(owner, made["id"], "Who can review?")
    # WHEN the member replies to it
    reply = post(member, made["id"], "I can", reply_to=parent["id"])
    # THEN the reply points at it and the parent counts one reply
    assert reply["reply_to"] == parent["id"]
    listed = {m["id"]: m for m in messages(owner, made["id"])["data"]}
    assert listed[parent["id"]]["reply_count"] == 1


def test_a_reply_must_name_a_message_of_the_same_channel(owner):
    made, elsewhere = channel(owner, "one"), channel(owner, "two")
    foreign = post(owner, elsewhere["id"])
    for reply_to in (foreign["id"], "msg_01JD0000000000000000000000", "nonsense"):
        response = owner.api.post(
            f"/api/v1/chat/channels/{made['id']}/messages", json={"content": "re", "reply_to": reply_to}
        )
        field_error(response, "reply_to")
    assert messages(owner, made["id"])["data"] == []


@pytest.mark.parametrize(
    ("body", "field"), [({}, "content"), ({"content": " "}, "content"), ({"content": 5}, "content")]
)
def test_a_malformed_message_is_a_400_naming_the_field(owner, body, field):
    made = channel(owner)
    field_error(owner.api.post(f"/api/v1/chat/channels/{made['id']}/messages", json=body), field)


def test_the_author_or_an_admin_may_delete_a_message_others_may_not(owner, member, other_member):
    # GIVEN two messages by the member
    made = channel(owner)
    first, second = post(member, made["id"], "first"), post(member, made["id"], "second")
    url = f"/api/v1/chat/channels/{made['id']}/messages"
    # WHEN another member tries to delete one, the author deletes it, and the owner deletes the other
    status(other_member.api.delete(f"{url}/{first['id']}"), 403, "forbidden")
    assert member.api.delete(f"{url}/{first['id']}").status_code == 204
    assert owner.api.delete(f"{url}/{second['id']}").status_code == 204
    # THEN both are gone, and deleting again is a 404
    assert messages(owner, made["id"])["data"] == []
    status(member.api.delete(f"{url}/{first['id']}"), 404, "not_found")


def test_deleting_a_reply_uncounts_it(owner, member):
    made = channel(owner)
    parent = post(owner, made["id"])
    reply = post(member, made["id"], "re", reply_to=parent["id"])
    member.api.delete(f"/api/v1/chat/channels/{made['id']}/messages/{reply['id']}")
    listed = {m["id"]: m for m in messages(owner, made["id"])["data"]}
    assert listed[parent["id"]]["reply_count"] == 0


def test_a_message_is_deleted_only_through_its_own_channel(owner):
    made, elsewhere = channel(owner, "one"), channel(owner, "two")
    message = post(owner, made["id"])
    status(owner.api.delete(f"/api/v1/chat/channels/{elsewhere['id']}/messages/{message['id']}"), 404, "not_found")


def test_messages_are_audited(owner):
    made = channel(owner)
    message = post(owner, made["id"])
    owner.api.delete(f"/api/v1/chat/channels/{made['id']}/messages/{message['id']}")
    assert task_setup.audit_actions(owner, "chat_message") == ["deleted", "created"]


# --- mentions ------------------------------------------------------------------------------------------------


def _handle(account) -> str:
    return account.email.split("@")[0]


def test_a_mention_notifies_the_member_it_names(owner, member, other_member):
    # GIVEN a public channel
    made = channel(owner, "engineering")
    # WHEN the owner mentions the member by handle
    message = post(owner, made["id"], f"@{_handle(member)}, can you check the deploy?")
    deliver_events()
    # THEN the message records the mention, and the member (only) is notified with a link to it
    assert message["mentions"] == [member.user_id]
    [notification] = mentions_of(member)
    assert notification["title"] == "Olive Owner mentioned you in #engineering"
    assert notification["message"] == f"@{_handle(member)}, can you check the deploy?"
    assert notification["data"]["link"] == f"/chat?channel={made['id']}&message={message['id']}"
    assert mentions_of(other_member) == []


def test_mentions_resolve_by_email_and_user_id_and_ignore_strangers(owner, member, other_member, outsider):
    made = channel(owner)
    content = f"cc @{member.email} @{other_member.user_id} @nobody @{_handle(outsider)} and mail bob@example.com"
    message = post(owner, made["id"], content)
    assert sorted(message["mentions"]) == sorted([member.user_id, other_member.user_id])


def test_mentioning_yourself_notifies_nobody(owner):
    made = channel(owner)
    message = post(owner, made["id"], f"note to self @{_handle(owner)}")
    deliver_events()
    assert message["mentions"] == [owner.user_id] and mentions_of(owner) == []


def test_in_a_private_channel_only_its_members_can_be_mentioned(owner, member, other_member):
    # GIVEN a private channel of the owner and the member
    made = channel(owner, "private", is_private=True, member_ids=[member.user_id])
    # WHEN the owner mentions both the member and someone outside it
    message = post(owner, made["id"], f"@{_handle(member)} @{_handle(other_member)}")
    deliver_events()
    # THEN only the member is mentioned and notified: the other cannot see the channel
    assert message["mentions"] == [member.user_id]
    assert len(mentions_of(member)) == 1 and mentions_of(other_member) == []


def test_chat_mention_preferences_are_honoured(owner, member):
    # GIVEN the member turned chat mentions off in the app
    member.api.put(
        "/api/v1/notifications/preferences", json={"notification_type": "chat_mentioned", "in_app_enabled": False}
    )
    made = channel(owner)
    # WHEN the owner mentions them
    post(owner, made["id"], f"@{_handle(member)} hello")
    deliver_events()
    # THEN no in-app notification appears
    assert mentions_of(member) == []


def test_a_page_of_messages_costs_three_calls_in_a_public_channel(owner):
    # GIVEN a channel with messages
    made = channel(owner)
    for n in range(3):
        post(owner, made["id"], f"message {n}")
    # WHEN a page is read
    with count_dynamodb_calls() as calls:
        messages(owner, made["id"], "?limit=2")
    # THEN it is authentication, the channel and one Query
    assert dict(calls) == {"BatchGetItem": 1, "GetItem": 1, "Query": 1}
