"""User avatars and organization logos: multipart uploads of PNG, JPEG or WebP, resized to at most 512 px and
re-encoded as PNG, served through a 307 like file contents."""

import io

from PIL import Image

from tests.api.files import helpers, samples
from tests.api.files.helpers import bucket_keys, post_file
from tests.support.task_setup import audit_actions, field_error, status

AVATAR_UPLOAD = "/api/v1/users/me/avatar/upload"


def logo_upload(org_id: str) -> str:
    return f"/api/v1/organizations/{org_id}/logo/upload"


def image_at(account, path: str) -> Image.Image:
    """Follow one of Stint's image URLs (a 307) to the image."""
    response = account.api.get(path)
    assert response.status_code == 307, response.json_body
    return Image.open(io.BytesIO(helpers.fetch(response.headers["Location"]).content))


def set_avatar(account, data: bytes, content_type: str = "image/jpeg") -> dict:
    response = post_file(account, AVATAR_UPLOAD, data, filename="me.jpg", content_type=content_type)
    assert response.status_code == 200, response.json_body
    return response.json_body


# --- avatars -----------------------------------------------------------------------------------------------------


def test_an_avatar_is_resized_to_512_px_and_served_as_png(owner):
    # WHEN the owner uploads a 1200 x 800 JPEG as their avatar
    user = set_avatar(owner, samples.jpeg(1200, 800))
    # THEN the profile points at it, and it is a PNG within 512 px
    assert user["avatar_url"].startswith(f"/api/v1/users/{owner.user_id}/avatar?v=")
    assert owner.api.get("/api/v1/users/me").json_body["avatar_url"] == user["avatar_url"]
    image = image_at(owner, user["avatar_url"])
    assert (image.format, image.size) == ("PNG", (512, 341))
    # AND the change is audited
    assert audit_actions(owner, "user") == ["updated"]


def test_a_new_avatar_replaces_the_old_one_in_the_bucket(owner):
    first = set_avatar(owner, samples.png(), "image/png")
    second = set_avatar(owner, samples.jpeg())
    assert first["avatar_url"] != second["avatar_url"]
    assert len(bucket_keys(f"users/{owner.user_id}/avatar/")) == 1


def test_members_of_the_org_see_each_others_avatars_outsiders_do_not(owner, member, outsider):
    set_avatar(owner, samples.png(), "image/png")
    assert image_at(member, f"/api/v1/users/{owner.user_id}/avatar").format == "PNG"
    status(outsider.api.get(f"/api/v1/users/{owner.user_id}/avatar"), 404, "not_found")


def test_the_own_avatar_is_served_at_me_and_accepts_a_view_ticket(api, owner):
    set_avatar(owner, samples.png(), "image/png")
    assert image_at(owner, "/api/v1/users/me/avatar").format == "PNG"
    ticket = owner.api.post("/api/v1/files/view-ticket").json_body["ticket"]
    assert api.get(f"/api/v1/users/{owner.user_id}/avatar?ticket={ticket}").status_code == 307


def test_a_user_without_an_avatar_has_none_to_serve(owner):
    status(owner.api.get("/api/v1/users/me/avatar"), 404, "not_found")


def test_removing_the_avatar_clears_it_and_deletes_the_image(owner):
    set_avatar(owner, samples.png(), "image/png")
    response = owner.api.delete("/api/v1/users/me/avatar")
    assert response.status_code == 204
    assert owner.api.get("/api/v1/users/me").json_body["avatar_url"] is None
    assert bucket_keys("users/") == []
    assert owner.api.delete("/api/v1/users/me/avatar").status_code == 204


def test_an_avatar_must_be_png_jpeg_or_webp(owner):
    # WHEN a GIF, a PDF and an exe renamed .png are sent as avatars
    refused = [(samples.gif(), "image/gif"), (samples.pdf(), "image/png"), (samples.exe(), "image/png")]
    for data, content_type in refused:
        response = post_file(owner, AVATAR_UPLOAD, data, filename="me.png", content_type=content_type)
        # THEN each is a 415 naming the file, and the profile has no avatar
        status(response, 415, "unsupported_media_type")
        assert response.json_body["error"]["details"][0]["field"] == "file"
    assert owner.api.get("/api/v1/users/me").json_body["avatar_url"] is None
    assert bucket_keys() == []


def test_an_avatar_announcing_too_many_pixels_is_400(owner):
    response = post_file(owner, AVATAR_UPLOAD, samples.png_bomb(), filename="me.png", content_type="image/png")
    field_error(response, "file")
    assert bucket_keys() == []


def test_an_avatar_upload_needs_credentials(api):
    body, form_type = helpers.multipart_body([("file", "me.png", "image/png", samples.png())])
    status(api.post(AVATAR_UPLOAD, body=body, headers={"content-type": form_type}), 401, "unauthorized")


# --- logos ---------------------------------------------------------------------------------------------------------


def test_an_admin_sets_the_org_logo(owner, admin, member):
    # WHEN an admin uploads a logo
    response = post_file(admin, logo_upload(owner.org_id), samples.png(800, 800), filename="logo.png")
    # THEN the organization points at it, members can see it, and the change is audited
    assert response.status_code == 200, response.json_body
    logo_url = response.json_body["logo_url"]
    assert logo_url.startswith(f"/api/v1/organizations/{owner.org_id}/logo?v=")
    assert owner.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["logo_url"] == logo_url
    assert image_at(member, logo_url).size == (512, 512)
    (key,) = bucket_keys()
    assert key.startswith(f"org/{owner.org_id}/logo/") and key.endswith(".png")
    latest = owner.api.get("/api/v1/audit-logs?entity_type=organization").json_body["data"][0]
    assert (latest["action"], latest["changes"]["logo_url"]["to"]) == ("updated", logo_url)


def test_a_member_cannot_set_or_remove_the_logo(owner, member):
    status(post_file(member, logo_upload(owner.org_id), samples.png(), filename="logo.png"), 403, "forbidden")
    status(member.api.delete(f"/api/v1/organizations/{owner.org_id}/logo"), 403, "forbidden")
    assert bucket_keys() == []


def test_another_orgs_logo_is_404_on_every_route(owner, outsider):
    post_file(owner, logo_upload(owner.org_id), samples.png(), filename="logo.png")
    status(post_file(outsider, logo_upload(owner.org_id), samples.png(), filename="x.png"), 404, "not_found")
    status(outsider.api.get(f"/api/v1/organizations/{owner.org_id}/logo"), 404, "not_found")
    status(outsider.api.delete(f"/api/v1/organizations/{owner.org_id}/logo"), 404, "not_found")
    assert owner.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["logo_url"] is not None


def test_removing_the_logo_clears_it_and_deletes_the_image(owner):
    post_file(owner, logo_upload(owner.org_id), samples.png(), filename="logo.png")
    assert owner.api.delete(f"/api/v1/organizations/{owner.org_id}/logo").status_code == 204
    assert owner.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["logo_url"] is None
    assert bucket_keys() == []
    status(owner.api.get(f"/api/v1/organizations/{owner.org_id}/logo"), 404, "not_found")


def test_a_logo_must_be_an_image(owner):
    response = post_file(owner, logo_upload(owner.org_id), samples.exe(), filename="logo.png", content_type="image/png")
    status(response, 415, "unsupported_media_type")
    assert owner.api.get(f"/api/v1/organizations/{owner.org_id}").json_body["logo_url"] is None
