"""Reactions: one per user per emoji on a message, counted on the message, removable by their author."""

import pytest

from tests.api.chat.helpers import channel, messages, post, react
from tests.support import task_setup
from tests.support.task_setup import field_error, status


@pytest.fixture
def message(owner) -> dict:
    return post(owner, channel(owner)["id"])


def test_reactions_are_counted_per_emoji(owner, member, message):
    # WHEN two people react with thumbsup and one with +1
    first = react(owner, message["id"])
    react(member, message["id"])
    last = react(member, message["id"], "+1")
    # THEN each answer is the message with its counts, most used first
    assert first.status_code == 201 and first.json_body["reactions"] == [{"emoji": "thumbsup", "count": 1}]
    assert last.json_body["reactions"] == [{"emoji": "thumbsup", "count": 2}, {"emoji": "+1", "count": 1}]


def test_a_user_reacts_once_per_emoji(owner, message):
    # GIVEN the owner reacted with thumbsup
    react(owner, message["id"])
    # WHEN they react with it again (in any letter case)
    again = react(owner, message["id"], "ThumbsUp")
    # THEN that is a 409 and the count stays at one
    status(again, 409, "conflict")
    [listed] = messages(owner, message["channel_id"])["data"]
    assert listed["reactions"] == [{"emoji": "thumbsup", "count": 1}]


def test_removing_a_reaction_uncounts_it_and_only_once(owner, member, message):
    # GIVEN two thumbsup
    react(owner, message["id"])
    react(member, message["id"])
    # WHEN the member takes theirs back, twice
    url = f"/api/v1/chat/messages/{message['id']}/reactions/thumbsup"
    assert member.api.delete(url).status_code == 204
    status(member.api.delete(url), 404, "not_found")
    # THEN one remains, the owner's
    [listed] = messages(owner, message["channel_id"])["data"]
    assert listed["reactions"] == [{"emoji": "thumbsup", "count": 1}]


def test_a_removed_emoji_disappears_from_the_message(owner, message):
    react(owner, message["id"], "+1")
    assert owner.api.delete(f"/api/v1/chat/messages/{message['id']}/reactions/%2B1").status_code == 204
    [listed] = messages(owner, message["channel_id"])["data"]
    assert listed["reactions"] == []


@pytest.mark.parametrize("emoji", ["", "thumbs up", "<script>", "x" * 51, 5])
def test_an_invalid_emoji_is_a_400(owner, message, emoji):
    field_error(react(owner, message["id"], emoji), "emoji")


def test_messages_of_private_channels_cannot_be_reacted_to_by_outsiders(owner, member, other_member):
    # GIVEN a message in a private channel of the owner and the member
    made = channel(owner, "private", is_private=True, member_ids=[member.user_id])
    hidden = post(owner, made["id"])
    # WHEN a member of the org outside the channel reacts, or removes a reaction
    # THEN the message does not exist for them
    status(react(other_member, hidden["id"]), 404, "not_found")
    status(other_member.api.delete(f"/api/v1/chat/messages/{hidden['id']}/reactions/thumbsup"), 404, "not_found")
    assert react(member, hidden["id"]).status_code == 201


def test_unknown_and_malformed_message_ids_are_404(owner):
    for message_id in ("msg_01JD0000000000000000000000", "nope"):
        status(react(owner, message_id), 404, "not_found")


def test_reactions_are_audited(owner, message):
    react(owner, message["id"])
    owner.api.delete(f"/api/v1/chat/messages/{message['id']}/reactions/thumbsup")
    assert task_setup.audit_actions(owner, "chat_message")[:2] == ["unreacted", "reacted"]
