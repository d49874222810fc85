"""Every project mutation writes an audit entry with `changes {field: {from, to}}` (DESIGN.md §6)."""

from tests.api.projects.helpers import (
    add_member,
    audit_entries,
    create_project,
    project_audit_actions,
    update_project,
)


def test_creating_a_project_records_who_created_it_and_its_fields(owner):
    # WHEN the owner creates a project
    project = create_project(owner, name="Audited", hourly_rate=5000)
    # THEN the audit log has a "created" entry by the owner with the new values
    [entry] = audit_entries(owner, project["id"])
    assert (entry["action"], entry["entity_type"], entry["user_id"]) == ("created", "project", owner.user_id)
    assert entry["changes"]["name"] == {"from": None, "to": "Audited"}
    assert entry["changes"]["hourly_rate"] == {"from": None, "to": 5000}


def test_updating_a_project_records_only_the_changed_fields_from_and_to(owner, admin):
    # GIVEN a project
    project = create_project(owner, name="Before", description="Same")
    # WHEN an admin renames it, sending the description unchanged
    update_project(admin, project["id"], name="After", description="Same")
    # THEN the newest entry is "updated" by the admin with just the name's change
    entry = audit_entries(owner, project["id"])[0]
    assert (entry["action"], entry["user_id"]) == ("updated", admin.user_id)
    assert entry["changes"] == {"name": {"from": "Before", "to": "After"}}


def test_an_update_that_changes_nothing_records_nothing(owner):
    # GIVEN a project
    project = create_project(owner, name="Same")
    # WHEN the owner sends its current name again
    update_project(owner, project["id"], name="Same")
    # THEN only the creation is in the audit log
    assert [e["action"] for e in audit_entries(owner, project["id"])] == ["created"]


def test_archiving_a_project_records_the_status_change(owner):
    # GIVEN a project
    project = create_project(owner)
    # WHEN the owner archives it
    update_project(owner, project["id"], status="archived")
    # THEN the change of status is recorded
    assert audit_entries(owner, project["id"])[0]["changes"] == {"status": {"from": "active", "to": "archived"}}


def test_deleting_a_project_is_recorded(owner):
    # GIVEN a project
    project = create_project(owner, name="Doomed")
    # WHEN the owner deletes it
    owner.api.delete(f"/api/v1/projects/{project['id']}")
    # THEN a "deleted" entry is the newest about it
    entry = audit_entries(owner, project["id"])[0]
    assert entry["action"] == "deleted"
    assert entry["changes"] == {"name": {"from": "Doomed", "to": None}}


def test_adding_and_removing_a_member_are_recorded(owner, member):
    # GIVEN a project
    project = create_project(owner)
    # WHEN a member is added and then removed
    add_member(owner, project["id"], member)
    owner.api.delete(f"/api/v1/projects/{project['id']}/members/{member.user_id}")
    # THEN both are recorded, newest first, naming the member
    entries = audit_entries(owner, project["id"])
    assert [(e["action"], e["changes"]) for e in entries[:2]] == [
        ("member_removed", {"member": {"from": member.user_id, "to": None}}),
        ("member_added", {"member": {"from": None, "to": member.user_id}}),
    ]


def test_a_refused_mutation_records_nothing(owner, member):
    # GIVEN a project
    project = create_project(owner)
    # WHEN a member's update and delete are refused
    update_project(member, project["id"], name="Nope")
    member.api.delete(f"/api/v1/projects/{project['id']}")
    # THEN only the creation is in the audit log
    assert project_audit_actions(owner) == ["created"]
