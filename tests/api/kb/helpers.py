"""Knowledge-base set-up through the public API."""

KB = "/api/v1/kb"


def category(account, title: str = "Handbook", parent_id: str | None = None, **fields) -> dict:
    body = {"type": "category", "title": title, **fields}
    if parent_id:
        body["parent_id"] = parent_id
    response = account.api.post(KB, json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def article(account, title: str = "Onboarding", content: str = "# Welcome", parent_id: str | None = None, **fields):
    body = {"type": "article", "title": title, "content": content, **fields}
    if parent_id:
        body["parent_id"] = parent_id
    response = account.api.post(KB, json=body)
    assert response.status_code == 201, response.json_body
    return response.json_body


def listed(account, query: str = "") -> list[dict]:
    response = account.api.get(f"{KB}{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body["data"]


def move(account, item_id: str, parent_id: str | None):
    return account.api.put(f"{KB}/{item_id}", json={"parent_id": parent_id})


def parent_of(account, item_id: str) -> str | None:
    response = account.api.get(f"{KB}/{item_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body["parent_id"]
