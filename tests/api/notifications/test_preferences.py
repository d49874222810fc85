"""Notification preferences: per user, per type, per channel, with defaults until changed."""

import pytest

from tests.api.notifications.helpers import preferences, set_preference
from tests.support import task_setup
from tests.support.task_setup import field_error

DOCUMENTED = ["task_assigned", "task_commented", "task_status_changed", "invoice_paid", "chat_mentioned"]


def test_defaults_are_in_app_and_email_on_push_off_and_the_digest_opt_in(member):
    # WHEN a user who never changed anything reads their preferences
    found = preferences(member)
    # THEN every documented type (and reminders) is on in the app and by email, push is off, digest is off
    assert list(found) == [*DOCUMENTED, "task_due", "daily_digest", "budget_alert"]
    for kind in [*DOCUMENTED, "task_due", "budget_alert"]:
        assert (found[kind]["in_app_enabled"], found[kind]["email_enabled"], found[kind]["push_enabled"]) == (
            True,
            True,
            False,
        )
    assert found["daily_digest"]["email_enabled"] is False


def test_changing_one_channel_keeps_the_others(member):
    # WHEN the member turns email off for status changes
    updated = set_preference(member, "task_status_changed", email_enabled=False)
    # THEN the answer and later reads show email off, in-app still on
    assert updated == {
        "notification_type": "task_status_changed",
        "email_enabled": False,
        "push_enabled": False,
        "in_app_enabled": True,
        "updated_at": updated["updated_at"],
    }
    assert updated["updated_at"].endswith("Z")
    assert preferences(member)["task_status_changed"] == updated
    # AND a later change of another channel keeps email off
    set_preference(member, "task_status_changed", push_enabled=True)
    stored = preferences(member)["task_status_changed"]
    assert (stored["email_enabled"], stored["push_enabled"], stored["in_app_enabled"]) == (False, True, True)


def test_the_documented_example_enables_email_and_in_app(member):
    # GIVEN email was turned off
    set_preference(member, "task_status_changed", email_enabled=False)
    # WHEN the request from the document is sent
    response = member.api.put(
        "/api/v1/notifications/preferences",
        json={"notification_type": "task_status_changed", "email_enabled": True, "in_app_enabled": True},
    )
    # THEN both are on
    assert response.status_code == 200
    assert (response.json_body["email_enabled"], response.json_body["in_app_enabled"]) == (True, True)


def test_preferences_are_each_users_own(owner, member):
    # WHEN the member turns chat mentions off entirely
    set_preference(member, "chat_mentioned", email_enabled=False, in_app_enabled=False)
    # THEN the owner's defaults are untouched
    assert preferences(owner)["chat_mentioned"]["in_app_enabled"] is True
    assert preferences(member)["chat_mentioned"]["in_app_enabled"] is False


def test_the_daily_digest_can_only_be_turned_on_by_email(member):
    field_error(
        member.api.put(
            "/api/v1/notifications/preferences", json={"notification_type": "daily_digest", "in_app_enabled": True}
        ),
        "in_app_enabled",
    )
    assert set_preference(member, "daily_digest", email_enabled=True)["email_enabled"] is True


def test_a_change_is_audited(owner, member):
    # WHEN the member changes a preference
    set_preference(member, "invoice_paid", email_enabled=False)
    # THEN the org's audit log records it
    assert "updated" in task_setup.audit_actions(owner, "notification_preference")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "notification_type"),
        ({"notification_type": "task_deleted", "email_enabled": True}, "notification_type"),
        ({"notification_type": "task_assigned", "email_enabled": "yes"}, "email_enabled"),
        ({"notification_type": "task_assigned", "email_enabled": 1}, "email_enabled"),
        ({"notification_type": "task_assigned", "sms_enabled": True}, "sms_enabled"),
    ],
)
def test_a_malformed_preference_is_a_400_naming_the_field_and_changes_nothing(member, body, field):
    # WHEN an invalid change is sent
    field_error(member.api.put("/api/v1/notifications/preferences", json=body), field)
    # THEN the preferences are still the defaults
    assert preferences(member)["task_assigned"]["email_enabled"] is True
