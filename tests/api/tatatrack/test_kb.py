"""`/api/kb` and `/api/kb/:id`: articles and categories with the document's bodies."""

from tests.api.tatatrack.helpers import assert_camel, error, fields_named


def _create(account, **body):
    response = account.api.post("/api/kb", json=body)
    assert response.status_code == 201, response.json_body
    assert_camel(response.json_body)
    return response.json_body


def test_create_a_category_and_an_article_in_it(owner):
    category = _create(owner, title="Guides", type="category")
    article = _create(owner, title="Onboarding", content="Welcome!", type="article", parentId=category["id"])
    assert (article["type"], article["parentId"], article["content"]) == ("article", category["id"], "Welcome!")
    listed = owner.api.get("/api/kb").json_body
    assert_camel(listed)
    assert [c["id"] for c in listed["categories"]] == [category["id"]]
    assert [a["id"] for a in listed["articles"]] == [article["id"]]


def test_update_title_content_and_draft_state(owner):
    article = _create(owner, title="Draft", type="article", isDraft=True)
    response = owner.api.put(
        f"/api/kb/{article['id']}", json={"title": "Published", "content": "Body", "isDraft": False}
    )
    assert response.status_code == 200, response.json_body
    assert (response.json_body["title"], response.json_body["isDraft"]) == ("Published", False)
    assert owner.api.get(f"/api/kb/{article['id']}").json_body["content"] == "Body"


def test_delete_an_article(owner):
    article = _create(owner, title="Old", type="article")
    assert owner.api.delete(f"/api/kb/{article['id']}").json_body == {"success": True}
    error(owner.api.get(f"/api/kb/{article['id']}"), 404, "not_found")


def test_an_unknown_parent_is_400_naming_parentId(owner):
    response = owner.api.post(
        "/api/kb", json={"title": "x", "type": "article", "parentId": "kbc_01HV0000000000000000000000"}
    )
    assert fields_named(error(response, 400, "validation_error")) == {"parentId"}


def test_a_bad_type_is_400(owner):
    assert fields_named(
        error(owner.api.post("/api/kb", json={"title": "x", "type": "page"}), 400, "validation_error")
    ) == {"type"}


def test_another_workspaces_articles_are_404(owner, outsider):
    article = _create(owner, title="Secret", type="article")
    for method, body in (("GET", None), ("PUT", {"title": "Taken"}), ("DELETE", None)):
        error(outsider.api.request(method, f"/api/kb/{article['id']}", json=body), 404, "not_found")
    assert owner.api.get(f"/api/kb/{article['id']}").json_body["title"] == "Secret"
