"""Knowledge base: categories (admins) and Markdown articles (any member), drafts, versions, deletion."""

import pytest

from tests.api.kb.helpers import KB, article, category, listed
from tests.support.task_setup import audit_actions, field_error, ids, status

# --- creating and reading --------------------------------------------------------------------------------------


def test_an_article_is_created_with_its_markdown_author_and_first_version(member):
    # WHEN a member writes an article
    response = member.api.post(KB, json={"type": "article", "title": "Deploys", "content": "## Steps\n1. `make`"})
    # THEN it is a 201 with an art_ id, the Markdown as sent, published, at version 1
    assert response.status_code == 201, response.json_body
    created = response.json_body
    assert created["id"].startswith("art_") and created["type"] == "article"
    assert (created["title"], created["content"]) == ("Deploys", "## Steps\n1. `make`")
    assert (created["author_id"], created["is_draft"], created["version"]) == (member.user_id, False, 1)
    assert created["parent_id"] is None and created["created_at"].endswith("Z")
    assert member.api.get(f"{KB}/{created['id']}").json_body == created


def test_an_admin_creates_a_category_and_articles_go_under_it(owner, member):
    # GIVEN a category made by the owner
    handbook = category(owner, "Handbook", content="Everything about working here")
    assert handbook["id"].startswith("kbc_") and handbook["type"] == "category"
    assert handbook["child_count"] == 0 and handbook["is_draft"] is None
    # WHEN a member files an article under it
    filed = article(member, "Holidays", parent_id=handbook["id"])
    # THEN the article names its category and the category counts it
    assert filed["parent_id"] == handbook["id"]
    assert owner.api.get(f"{KB}/{handbook['id']}").json_body["child_count"] == 1


def test_the_list_has_categories_then_articles_with_an_excerpt_instead_of_the_content(owner):
    first = article(owner, "Security", content="**Never**   share\n\npasswords. " + "x" * 400)
    handbook = category(owner, "Handbook")
    data = listed(owner)
    assert ids(data) == [handbook["id"], first["id"]]
    assert "content" not in data[1]
    assert data[1]["excerpt"].startswith("**Never** share passwords. x") and len(data[1]["excerpt"]) == 280


def test_the_list_filters_by_type_and_by_parent(owner):
    handbook = category(owner, "Handbook")
    nested = category(owner, "HR", parent_id=handbook["id"])
    top = article(owner, "Top level")
    inside = article(owner, "Inside", parent_id=handbook["id"])
    assert ids(listed(owner, "?type=article")) == [top["id"], inside["id"]]
    assert ids(listed(owner, "?type=category")) == [handbook["id"], nested["id"]]
    assert ids(listed(owner, f"?parent_id={handbook['id']}")) == [nested["id"], inside["id"]]
    assert ids(listed(owner, f"?parent_id={handbook['id']}&type=article")) == [inside["id"]]
    assert ids(listed(owner, "?parent_id=root")) == [handbook["id"], top["id"]]


def test_the_list_is_paged_by_cursor_and_by_page_number(owner):
    written = [article(owner, f"Page {n}")["id"] for n in range(3)]
    first = owner.api.get(f"{KB}?per_page=2").json_body
    assert ids(first["data"]) == written[:2] and first["has_more"]
    second = owner.api.get(f"{KB}?per_page=2&cursor={first['next_cursor']}").json_body
    assert ids(second["data"]) == written[2:] and not second["has_more"]
    assert ids(owner.api.get(f"{KB}?per_page=2&page=2").json_body["data"]) == written[2:]


# --- drafts ----------------------------------------------------------------------------------------------------


def test_a_draft_is_seen_by_its_author_and_admins_only(owner, admin, member, other_member):
    # GIVEN a member's draft
    draft = article(member, "Half-baked idea", is_draft=True)
    assert draft["is_draft"] is True
    # THEN the author and the admins see it, in the list and by id; another member gets a 404
    for viewer in (member, admin, owner):
        assert draft["id"] in ids(listed(viewer))
        assert viewer.api.get(f"{KB}/{draft['id']}").status_code == 200
    assert draft["id"] not in ids(listed(other_member))
    status(other_member.api.get(f"{KB}/{draft['id']}"), 404, "not_found")
    status(other_member.api.put(f"{KB}/{draft['id']}", json={"title": "Mine now"}), 404, "not_found")


def test_publishing_a_draft_shows_it_to_everyone(member, other_member):
    draft = article(member, "Coming soon", is_draft=True)
    published = member.api.put(f"{KB}/{draft['id']}", json={"is_draft": False})
    assert published.status_code == 200, published.json_body
    assert published.json_body["is_draft"] is False
    assert draft["id"] in ids(listed(other_member))


# --- editing ---------------------------------------------------------------------------------------------------


def test_an_edit_changes_title_and_content_and_moves_to_the_next_version(member):
    written = article(member, "Old title", content="old")
    response = member.api.put(f"{KB}/{written['id']}", json={"title": "New title", "content": "new", "version": 1})
    assert response.status_code == 200, response.json_body
    assert (response.json_body["title"], response.json_body["content"], response.json_body["version"]) == (
        "New title",
        "new",
        2,
    )
    assert response.json_body["updated_at"] >= written["updated_at"]


def test_saving_over_a_newer_version_is_a_409_and_changes_nothing(member, admin):
    # GIVEN an article that an admin edited after the member read it (version 1 → 2)
    written = article(member, "Runbook", content="v1")
    assert admin.api.put(f"{KB}/{written['id']}", json={"content": "v2 by admin"}).status_code == 200
    # WHEN the member saves the copy they read, at version 1
    response = member.api.put(f"{KB}/{written['id']}", json={"content": "v2 by member", "version": 1})
    # THEN it is a 409 naming the version, and the admin's text stays
    status(response, 409, "conflict")
    assert response.json_body["error"]["details"] == [{"field": "version", "message": "is 2 now"}]
    assert member.api.get(f"{KB}/{written['id']}").json_body["content"] == "v2 by admin"


def test_only_the_author_or_an_admin_changes_an_article(member, other_member, admin):
    written = article(member, "Mine")
    status(other_member.api.put(f"{KB}/{written['id']}", json={"title": "Yours"}), 403, "forbidden")
    status(other_member.api.delete(f"{KB}/{written['id']}"), 403, "forbidden")
    assert member.api.get(f"{KB}/{written['id']}").json_body["title"] == "Mine"
    assert admin.api.put(f"{KB}/{written['id']}", json={"title": "Fixed typo"}).status_code == 200


def test_members_cannot_create_change_or_delete_categories(owner, member):
    handbook = category(owner, "Handbook")
    status(member.api.post(KB, json={"type": "category", "title": "Mine"}), 403, "forbidden")
    status(member.api.put(f"{KB}/{handbook['id']}", json={"title": "Renamed"}), 403, "forbidden")
    status(member.api.delete(f"{KB}/{handbook['id']}"), 403, "forbidden")
    assert ids(listed(owner, "?type=category")) == [handbook["id"]]
    assert owner.api.get(f"{KB}/{handbook['id']}").json_body["title"] == "Handbook"


def test_a_category_description_can_be_cleared(owner):
    handbook = category(owner, "Handbook", content="About us")
    response = owner.api.put(f"{KB}/{handbook['id']}", json={"content": None})
    assert response.status_code == 200, response.json_body
    assert response.json_body["content"] is None and response.json_body["version"] == 2


# --- deleting --------------------------------------------------------------------------------------------------


def test_deleting_an_article_frees_its_category_for_deletion(owner):
    handbook = category(owner, "Handbook")
    inside = article(owner, "Inside", parent_id=handbook["id"])
    status(owner.api.delete(f"{KB}/{handbook['id']}"), 409, "conflict")
    assert owner.api.delete(f"{KB}/{inside['id']}").status_code == 204
    assert owner.api.get(f"{KB}/{handbook['id']}").json_body["child_count"] == 0
    assert owner.api.delete(f"{KB}/{handbook['id']}").status_code == 204
    assert listed(owner) == []
    status(owner.api.get(f"{KB}/{handbook['id']}"), 404, "not_found")


def test_a_category_holding_a_subcategory_cannot_be_deleted(owner):
    handbook = category(owner, "Handbook")
    category(owner, "HR", parent_id=handbook["id"])
    response = owner.api.delete(f"{KB}/{handbook['id']}")
    status(response, 409, "conflict")
    assert "still holds" in response.json_body["error"]["message"]
    assert handbook["id"] in ids(listed(owner))


def test_every_change_is_audited(owner, member):
    handbook = category(owner, "Handbook")
    written = article(member, "Audited", parent_id=handbook["id"])
    member.api.put(f"{KB}/{written['id']}", json={"content": "changed"})
    member.api.delete(f"{KB}/{written['id']}")
    owner.api.delete(f"{KB}/{handbook['id']}")
    assert audit_actions(owner, "article") == ["deleted", "updated", "created"]
    assert audit_actions(owner, "kb_category") == ["deleted", "created"]


# --- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "No type"}, "type"),
        ({"type": "page", "title": "Bad type"}, "type"),
        ({"type": "article"}, "title"),
        ({"type": "article", "title": "   "}, "title"),
        ({"type": "article", "title": "x" * 201}, "title"),
        ({"type": "article", "title": "Long", "content": "x" * 50_001}, "content"),
        ({"type": "article", "title": "Draft?", "is_draft": "yes"}, "is_draft"),
        ({"type": "article", "title": "Orphan", "parent_id": "kbc_01JD0000000000000000000000"}, "parent_id"),
        ({"type": "article", "title": "Orphan", "parent_id": "nonsense"}, "parent_id"),
        ({"type": "article", "title": "Mass", "author_id": "usr_01JD0000000000000000000000"}, "author_id"),
        ({"type": "category", "title": "Draft category", "is_draft": True}, "is_draft"),
    ],
    ids=[
        "missing-type",
        "bad-type",
        "missing-title",
        "blank-title",
        "long-title",
        "long-content",
        "draft-not-bool",
        "unknown-parent",
        "malformed-parent",
        "extra-field",
        "draft-category",
    ],
)
def test_bad_input_is_400_naming_the_field_and_nothing_is_written(owner, body, field):
    field_error(owner.api.post(KB, json=body), field)
    assert listed(owner) == []


def test_an_article_cannot_be_a_parent(owner):
    parent = article(owner, "Not a folder")
    field_error(owner.api.post(KB, json={"type": "article", "title": "Child", "parent_id": parent["id"]}), "parent_id")
    assert ids(listed(owner)) == [parent["id"]]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": None}, "title"),
        ({"is_draft": None}, "is_draft"),
        ({"version": 0}, "version"),
        ({"version": "1"}, "version"),
        ({"id": "art_01JD0000000000000000000000"}, "id"),
    ],
    ids=["null-title", "null-draft", "zero-version", "string-version", "extra-field"],
)
def test_bad_updates_are_400_and_change_nothing(member, body, field):
    written = article(member, "Stable")
    field_error(member.api.put(f"{KB}/{written['id']}", json=body), field)
    assert member.api.get(f"{KB}/{written['id']}").json_body == written


def test_is_draft_cannot_be_set_on_a_category(owner):
    handbook = category(owner)
    field_error(owner.api.put(f"{KB}/{handbook['id']}", json={"is_draft": True}), "is_draft")


def test_unknown_and_malformed_ids_are_404(owner):
    for item_id in ("art_01JD0000000000000000000000", "kbc_01JD0000000000000000000000", "nope", "tsk_x"):
        status(owner.api.get(f"{KB}/{item_id}"), 404, "not_found")
        status(owner.api.put(f"{KB}/{item_id}", json={"title": "x"}), 404, "not_found")
        status(owner.api.delete(f"{KB}/{item_id}"), 404, "not_found")


def test_an_unknown_parent_filter_is_400(owner):
    field_error(owner.api.get(f"{KB}?parent_id=kbc_01JD0000000000000000000000"), "parent_id")
