"""Whiteboard set-up through the public API."""

WB = "/api/v1/whiteboards"
SHARE = f"{WB}/share"
SCENE = {"elements": [{"id": "r1", "type": "rectangle", "x": 10, "y": 20}], "appState": {"zoom": 1}}


def board(account, title: str = "Architecture", scene: dict | None = None) -> dict:
    response = account.api.post(WB, json={"title": title, "scene": SCENE if scene is None else scene})
    assert response.status_code == 201, response.json_body
    return response.json_body


def share(account, whiteboard_id: str, permission: str = "view") -> dict:
    response = account.api.post(SHARE, json={"whiteboard_id": whiteboard_id, "permission": permission})
    assert response.status_code == 201, response.json_body
    return response.json_body


def save(account, whiteboard_id: str, version: int, **fields):
    return account.api.put(f"{WB}/{whiteboard_id}", json={"version": version, **fields})


def current(account, whiteboard_id: str) -> dict:
    response = account.api.get(f"{WB}/{whiteboard_id}")
    assert response.status_code == 200, response.json_body
    return response.json_body
