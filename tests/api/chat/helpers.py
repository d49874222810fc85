"""Chat set-up through the API."""

from tests.support.factories import Account


def channel(account: Account, name: str = "engineering", **fields) -> dict:
    response = account.api.post("/api/v1/chat/channels", json={"name": name, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def post(account: Account, channel_id: str, content: str = "Deployment complete!", **fields) -> dict:
    response = account.api.post(f"/api/v1/chat/channels/{channel_id}/messages", json={"content": content, **fields})
    assert response.status_code == 201, response.json_body
    return response.json_body


def messages(account: Account, channel_id: str, query: str = "") -> dict:
    response = account.api.get(f"/api/v1/chat/channels/{channel_id}/messages{query}")
    assert response.status_code == 200, response.json_body
    return response.json_body


def channel_ids(account: Account) -> list[str]:
    response = account.api.get("/api/v1/chat/channels?per_page=100")
    assert response.status_code == 200, response.json_body
    return [item["id"] for item in response.json_body["data"]]


def react(account: Account, message_id: str, emoji: str = "thumbsup"):
    return account.api.post(f"/api/v1/chat/messages/{message_id}/reactions", json={"emoji": emoji})
