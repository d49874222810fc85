"""`/api/profile`: the user, their role and company; `fullName` and `avatarData` (a base64 data URL)."""

import base64

from tests.api.files import samples
from tests.api.tatatrack.helpers import assert_camel, error, fields_named


def _data_url(data: bytes, content_type: str = "image/png") -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def test_profile_shows_user_role_and_company(owner):
    response = owner.api.get("/api/profile")
    assert response.status_code == 200, response.json_body
    body = response.json_body
    assert_camel(body)
    assert (body["id"], body["fullName"], body["email"], body["role"]) == (
        owner.user_id,
        "Olive Owner",
        owner.email,
        "owner",
    )
    assert body["company"]["id"] == owner.org_id
    assert body["avatarUrl"] is None


def test_member_sees_their_role(member):
    assert member.api.get("/api/profile").json_body["role"] == "member"


def test_update_full_name(owner):
    response = owner.api.put("/api/profile", json={"fullName": "Olive O."})
    assert response.status_code == 200, response.json_body
    assert response.json_body["fullName"] == "Olive O."
    assert owner.api.get("/api/v1/users/me").json_body["name"] == "Olive O."


def test_avatar_data_sets_the_avatar(owner):
    # WHEN a PNG data URL is sent
    response = owner.api.patch("/api/profile", json={"avatarData": _data_url(samples.png(600, 300))})
    # THEN the profile has an avatar, served (resized) through the native avatar route
    assert response.status_code == 200, response.json_body
    assert response.json_body["avatarUrl"]
    served = owner.api.get("/api/v1/users/me/avatar")
    assert served.status_code == 307


def test_null_avatar_data_removes_the_avatar(owner):
    owner.api.put("/api/profile", json={"avatarData": _data_url(samples.jpeg(), "image/jpeg")})
    response = owner.api.put("/api/profile", json={"avatarData": None})
    assert response.status_code == 200, response.json_body
    assert response.json_body["avatarUrl"] is None


def test_avatar_data_that_is_not_an_image_is_400_naming_it(owner):
    # GIVEN an executable dressed as a PNG data URL
    response = owner.api.put("/api/profile", json={"fullName": "Changed", "avatarData": _data_url(samples.exe())})
    # THEN it is refused, and nothing changed
    error_body = error(response, 400, "validation_error")
    assert fields_named(error_body) == {"avatarData"}
    profile = owner.api.get("/api/profile").json_body
    assert (profile["fullName"], profile["avatarUrl"]) == ("Olive Owner", None)


def test_avatar_types_other_than_png_jpeg_webp_are_400(owner):
    response = owner.api.put("/api/profile", json={"avatarData": _data_url(samples.gif(), "image/gif")})
    assert fields_named(error(response, 400, "validation_error")) == {"avatarData"}


def test_avatar_data_that_is_not_a_data_url_or_not_base64_is_400(owner):
    for value in ("https://example.com/me.png", "data:image/png;base64,@@@not base64@@@"):
        response = owner.api.put("/api/profile", json={"avatarData": value})
        assert fields_named(error(response, 400, "validation_error")) == {"avatarData"}


def test_avatar_data_over_the_size_cap_is_400(owner):
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (700 * 1024)
    response = owner.api.put("/api/profile", json={"avatarData": _data_url(big)})
    error_body = error(response, 400, "validation_error")
    assert fields_named(error_body) == {"avatarData"}
    assert "700 KB" in error_body["message"]


def test_a_pixel_bomb_is_400(owner):
    response = owner.api.put("/api/profile", json={"avatarData": _data_url(samples.png_bomb())})
    assert fields_named(error(response, 400, "validation_error")) == {"avatarData"}


def test_null_full_name_is_400(owner):
    assert fields_named(error(owner.api.put("/api/profile", json={"fullName": None}), 400, "validation_error")) == {
        "fullName"
    }
