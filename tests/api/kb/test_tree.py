"""The category tree: moves, no cycles (also when two moves race), nesting depth, counts kept by moves."""

from chalicelib.kb import service as kb_service
from tests.api.kb.helpers import KB, article, category, move, parent_of
from tests.support.task_setup import field_error, status


def test_a_category_moves_under_another_and_back_to_the_top(owner):
    a, b = category(owner, "A"), category(owner, "B")
    moved = move(owner, b["id"], a["id"])
    assert moved.status_code == 200, moved.json_body
    assert moved.json_body["parent_id"] == a["id"]
    assert owner.api.get(f"{KB}/{a['id']}").json_body["child_count"] == 1
    back = move(owner, b["id"], None)
    assert back.status_code == 200 and back.json_body["parent_id"] is None
    assert owner.api.get(f"{KB}/{a['id']}").json_body["child_count"] == 0


def test_a_category_cannot_be_moved_under_itself(owner):
    a = category(owner, "A")
    response = move(owner, a["id"], a["id"])
    status(response, 409, "conflict")
    assert response.json_body["error"]["details"][0]["field"] == "parent_id"
    assert parent_of(owner, a["id"]) is None


def test_a_category_cannot_be_moved_under_its_own_descendant(owner):
    # GIVEN A > B > C
    a = category(owner, "A")
    b = category(owner, "B", parent_id=a["id"])
    c = category(owner, "C", parent_id=b["id"])
    # WHEN A is moved under C
    response = move(owner, a["id"], c["id"])
    # THEN it is a 409 and the tree is as it was
    status(response, 409, "conflict")
    assert [parent_of(owner, x["id"]) for x in (a, b, c)] == [None, a["id"], b["id"]]


def test_moving_an_article_moves_its_count_between_categories(owner, member):
    a, b = category(owner, "A"), category(owner, "B")
    written = article(member, "Wandering", parent_id=a["id"])
    assert move(member, written["id"], b["id"]).status_code == 200
    counts = [owner.api.get(f"{KB}/{x['id']}").json_body["child_count"] for x in (a, b)]
    assert counts == [0, 1]
    assert owner.api.delete(f"{KB}/{a['id']}").status_code == 204


def test_moving_under_an_article_or_another_orgs_category_is_400(owner, outsider):
    a = category(owner, "A")
    foreign = category(outsider, "Theirs")
    field_error(move(owner, a["id"], article(owner)["id"]), "parent_id")
    field_error(move(owner, a["id"], foreign["id"]), "parent_id")
    assert parent_of(owner, a["id"]) is None
    assert outsider.api.get(f"{KB}/{foreign['id']}").json_body["child_count"] == 0


def test_categories_nest_only_so_deep(owner, monkeypatch):
    # GIVEN a depth limit of 3 and A > B > C
    monkeypatch.setattr(kb_service, "MAX_DEPTH", 3)
    a = category(owner, "A")
    b = category(owner, "B", parent_id=a["id"])
    c = category(owner, "C", parent_id=b["id"])
    # WHEN a fourth level is created, or another category moved there
    response = owner.api.post(KB, json={"type": "category", "title": "D", "parent_id": c["id"]})
    other = category(owner, "Other")
    # THEN both are 400 naming parent_id; articles may still go in the deepest category
    field_error(response, "parent_id")
    field_error(move(owner, other["id"], c["id"]), "parent_id")
    assert article(owner, "Deep", parent_id=c["id"])["parent_id"] == c["id"]


def test_a_cycle_made_by_a_move_racing_the_check_is_still_refused(owner, monkeypatch):
    # GIVEN two top-level categories, and another request that moves B under A while this request is
    # checking that moving A under B makes no cycle
    a, b = category(owner, "A"), category(owner, "B")
    real_ancestors, raced = kb_service._ancestors, {}

    def ancestors_while_someone_moves(org_id, start):
        chain = real_ancestors(org_id, start)
        if "move" not in raced:
            raced["move"] = None  # the racing request runs this walk too: let it through
            raced["move"] = move(owner, b["id"], a["id"])
        return chain

    monkeypatch.setattr(kb_service, "_ancestors", ancestors_while_someone_moves)
    # WHEN A is moved under B
    response = move(owner, a["id"], b["id"])
    # THEN the racing move won, B's parent changed under the check, the re-check sees the cycle: 409
    assert raced["move"].status_code == 200, raced["move"].json_body
    status(response, 409, "conflict")
    assert (parent_of(owner, a["id"]), parent_of(owner, b["id"])) == (None, a["id"])


def test_an_article_filed_while_its_category_is_being_deleted_keeps_the_category(owner, monkeypatch):
    # GIVEN an empty category, and an article filed into it after the delete request read it
    handbook = category(owner, "Handbook")
    real_require_edit, raced = kb_service._require_edit, {}

    def require_edit_while_someone_files(principal, item):
        real_require_edit(principal, item)
        if "article" not in raced:
            raced["article"] = article(owner, "Just in time", parent_id=handbook["id"])

    monkeypatch.setattr(kb_service, "_require_edit", require_edit_while_someone_files)
    # WHEN the category is deleted
    response = owner.api.delete(f"{KB}/{handbook['id']}")
    # THEN the delete is refused and the article still has its category
    status(response, 409, "conflict")
    assert owner.api.get(f"{KB}/{handbook['id']}").json_body["child_count"] == 1
    assert parent_of(owner, raced["article"]["id"]) == handbook["id"]


def _delete_once_checked(monkeypatch, owner) -> None:
    """The next parent check is followed at once by the deletion of that (empty) category."""
    real_require_parent, done = kb_service._require_parent, []

    def require_parent_then_delete(principal, parent_id):
        found = real_require_parent(principal, parent_id)
        if not done:
            done.append(parent_id)
            assert owner.api.delete(f"{KB}/{parent_id}").status_code == 204
        return found

    monkeypatch.setattr(kb_service, "_require_parent", require_parent_then_delete)


def test_an_article_filed_into_a_category_deleted_meanwhile_is_refused(owner, monkeypatch):
    # GIVEN a category deleted right after the create request checked it
    parent = category(owner, "Short-lived")
    _delete_once_checked(monkeypatch, owner)
    # WHEN an article is created in it
    response = owner.api.post(KB, json={"type": "article", "title": "Too late", "parent_id": parent["id"]})
    # THEN it is a 400 naming parent_id, and no article exists
    field_error(response, "parent_id")
    assert owner.api.get(f"{KB}?type=article").json_body["data"] == []


def test_an_article_moved_into_a_category_deleted_meanwhile_stays_where_it_was(owner, monkeypatch):
    written = article(owner, "Existing")
    parent = category(owner, "Short-lived")
    _delete_once_checked(monkeypatch, owner)
    field_error(move(owner, written["id"], parent["id"]), "parent_id")
    assert parent_of(owner, written["id"]) is None
