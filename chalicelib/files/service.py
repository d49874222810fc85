"""Files on S3: uploads (through the API, or straight to S3 with a presigned POST), task attachments,
short-lived downloads, view tickets, thumbnails, and the avatar and logo images.

A file's item is written (pending) before its object exists and becomes ready only after its bytes were
checked, so the bucket never holds an object the table does not know about; pending uploads that are never
confirmed are removed by `clean_abandoned_uploads`.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_plus

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.audit import service as audit
from chalicelib.billing import service as billing
from chalicelib.core import jobs, security
from chalicelib.core.auth import Principal
from chalicelib.core.config import get_settings
from chalicelib.core.db import TransactionCancelled, transact
from chalicelib.core.errors import (
    Conflict,
    FeatureGated,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.logs import logger
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.files import detect, images, storage
from chalicelib.files.form import Upload, clean_filename
from chalicelib.files.models import PENDING_SHARDS, StoredFile
from chalicelib.files.schemas import AttachmentFilters, Links, UploadStart
from chalicelib.orgs import service as orgs
from chalicelib.projects import service as projects
from chalicelib.tasks import service as tasks
from chalicelib.users import service as users

MAX_FILE_BYTES = 50 * 1024 * 1024
UPLOAD_WINDOW_SECONDS = 15 * 60
ABANDONED_AFTER = timedelta(hours=24)
VIEW_TICKET_SECONDS = 60
THUMBNAIL_JOB = "make_thumbnail"
TOO_LARGE_FOR_API = (
    "exceeds 6 MB, the limit of uploads through the API; use POST /files/presigned-upload for files up to 50 MB"
)
NOT_ALLOWED = (
    "is not an allowed type of file (PNG, JPEG, GIF or WebP images, PDF, plain text, CSV, zip, Office documents)"
)
_VIEW = "view"
_IMAGE_FAMILIES = {"png", "jpeg", "gif", "webp"}
_PROFILE_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
_CLEANUP_BATCH = 200


# --- uploads -------------------------------------------------------------------------------------------------


def upload(*, principal: Principal, task_id: str | None, upload: Upload) -> StoredFile:
    """Store a file sent through the API (≤ 6 MB), optionally attached to a task the caller can see."""
    task = _attachable_task(principal, task_id)
    content_type = _checked_type(upload.read, upload.size, declared=upload.declared_type, filename=upload.filename)
    billing.check(org_id=principal.org_id, resource="storage", amount=upload.size)
    stored = _new_file(principal, task=task, filename=upload.filename, content_type=content_type)
    stored.save(condition=StoredFile.PK.does_not_exist())
    try:
        upload.content.seek(0)
        storage.put(stored.object_key, upload.content, content_type)
    except Exception:
        stored.delete()  # nothing was stored: the pending item goes too, and the error is reported
        raise
    _mark_ready(principal, stored, size=upload.size, content_type=content_type)
    return stored


def start_upload(*, principal: Principal, body: UploadStart) -> tuple[StoredFile, dict, datetime]:
    """A pending file and the presigned POST that uploads its bytes straight to S3 (≤ 50 MB, declared type)."""
    content_type = detect.normalize(body.content_type)
    if content_type not in detect.ALLOWED_TYPES:
        raise _not_allowed("content_type")
    if body.size > MAX_FILE_BYTES:
        raise _too_large("size")
    billing.check(org_id=principal.org_id, resource="storage", amount=body.size)
    task = _attachable_task(principal, body.task_id)
    stored = _new_file(principal, task=task, filename=clean_filename(body.filename), content_type=content_type)
    stored.size = body.size
    stored.save(condition=StoredFile.PK.does_not_exist())
    post = storage.presigned_post(
        stored.object_key, content_type=content_type, max_bytes=MAX_FILE_BYTES, expires_in=UPLOAD_WINDOW_SECONDS
    )
    return stored, post, stored.created_at + timedelta(seconds=UPLOAD_WINDOW_SECONDS)


def confirm_upload(*, principal: Principal, file_id: str) -> StoredFile:
    """Check what reached S3 (size by HEAD, type by its first bytes) and make the file ready, or discard it."""
    stored = _own_upload(principal, file_id)
    if stored.status == "ready":
        return stored
    size = storage.size_of(stored.object_key)
    if size is None:
        raise Conflict("Nothing has been uploaded for this file yet: POST it to the upload URL first.")
    if size > MAX_FILE_BYTES:
        _discard(stored)
        raise _too_large("file")
    try:
        content_type = _checked_type(
            lambda offset, length: storage.read_range(stored.object_key, offset, length),
            size,
            declared=stored.content_type,
            filename=stored.filename,
        )
        _attachable_task(principal, stored.task_id)
    except (UnsupportedMediaType, ValidationFailed):
        _discard(stored)
        raise
    _mark_ready(principal, stored, size=size, content_type=content_type)
    return stored


def _attachable_task(principal: Principal, task_id: str | None):
    if task_id is None:
        return None
    return tasks.require_reference(principal=principal, task_id=task_id)


def _checked_type(read, size: int, *, declared: str | None, filename: str) -> str:
    if size == 0:
        raise ValidationFailed.field("file", "is empty")
    sniffed = detect.sniff(read, size)
    content_type = detect.content_type_for(sniffed, declared=declared, filename=filename) if sniffed else None
    if content_type is None:
        raise _not_allowed("file")
    return content_type


def _not_allowed(field: str) -> UnsupportedMediaType:
    return UnsupportedMediaType(f"{field}: {NOT_ALLOWED}", details=[{"field": field, "message": NOT_ALLOWED}])


def _too_large(field: str) -> PayloadTooLarge:
    message = f"exceeds the {MAX_FILE_BYTES // (1024 * 1024)} MB limit"
    return PayloadTooLarge(f"{field}: {message}", details=[{"field": field, "message": message}])


def _new_file(principal: Principal, *, task, filename: str, content_type: str) -> StoredFile:
    file_id, now = new_id("att"), utcnow()
    pk, sk = StoredFile.keys(principal.org_id, file_id)
    stored = StoredFile(
        PK=pk,
        SK=sk,
        id=file_id,
        org_id=principal.org_id,
        task_id=task.id if task else None,
        project_id=task.project_id if task else None,
        uploaded_by=principal.user_id,
        filename=filename,
        content_type=content_type,
        size=0,
        status="pending",
        object_key=storage.original_key(principal.org_id, file_id),
        abandon_after=now + ABANDONED_AFTER,
        created_at=now,
        updated_at=now,
    )
    stored.index_pending()
    return stored


def _mark_ready(principal: Principal, stored: StoredFile, *, size: int, content_type: str) -> None:
    """pending -> ready with its audit entry; an upload removed meanwhile (deleted, cleaned up) is a 404."""
    now = utcnow()
    actions = [
        StoredFile.status.set("ready"),
        StoredFile.size.set(size),
        StoredFile.content_type.set(content_type),
        StoredFile.updated_at.set(now),
        StoredFile.abandon_after.remove(),
        StoredFile.GSI2PK.remove(),
        StoredFile.GSI2SK.remove(),
    ]
    listed_pk, listed_sk = stored.ready_index()
    if listed_pk:
        actions += [StoredFile.GSI1PK.set(listed_pk), StoredFile.GSI1SK.set(listed_sk)]
    media_pk, media_sk = stored.project_index()
    if media_pk:
        actions += [StoredFile.GSI3PK.set(media_pk), StoredFile.GSI3SK.set(media_sk)]

    def write(tx) -> None:
        tx.update(stored, actions=actions, condition=StoredFile.status == "pending")
        billing.consume(tx, org_id=stored.org_id, resource="storage", amount=size)
        audit.record(
            tx,
            org_id=stored.org_id,
            actor=principal,
            action="created",
            entity_type="attachment",
            entity_id=stored.id,
            changes={
                "filename": {"from": None, "to": stored.filename},
                "task_id": {"from": None, "to": stored.task_id},
                "content_type": {"from": None, "to": content_type},
                "size": {"from": None, "to": size},
            },
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        storage.delete(stored.object_key, storage.thumbnail_key(stored.org_id, stored.id))
        billing.raise_if_over_limit(error, org_id=stored.org_id, resource="storage", amount=size)
        raise NotFound("File not found.") from error
    except FeatureGated:
        _discard(stored)  # over the plan's storage: the bytes are not kept
        raise
    stored.status, stored.size, stored.content_type, stored.updated_at = "ready", size, content_type, now
    stored.abandon_after = None
    if content_type in detect.IMAGE_TYPES and get_settings().thumbnails_from == "jobs":
        jobs.enqueue(THUMBNAIL_JOB, {"org_id": stored.org_id, "file_id": stored.id})


def _own_upload(principal: Principal, file_id: str) -> StoredFile:
    """A file the caller uploaded (pending or ready); anyone else's is a 404."""
    stored = StoredFile.get_or_none(*StoredFile.keys(principal.org_id, file_id)) if is_id(file_id, "att") else None
    if stored is None or stored.uploaded_by != principal.user_id:
        raise NotFound("File not found.")
    return stored


def _discard(stored: StoredFile) -> bool:
    """Remove a pending upload and its objects; False if it became ready (or went) meanwhile."""
    try:
        stored.delete(condition=StoredFile.status == "pending")
    except DeleteError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    storage.delete(stored.object_key, storage.thumbnail_key(stored.org_id, stored.id))
    return True


def clean_abandoned_uploads(*, now: datetime) -> int:
    """Remove pending uploads older than their deadline, with whatever reached S3 (scheduled; safe to rerun)."""
    removed = 0
    for shard in range(PENDING_SHARDS):
        partition = StoredFile.pending_partition(shard)
        due = StoredFile.gsi2.query(partition, StoredFile.abandoned_before(now), limit=_CLEANUP_BATCH)
        removed += sum(1 for stored in due if _discard(stored))
    if removed:
        logger.info("abandoned uploads removed", extra={"count": removed})
    return removed


# --- reading and deleting ------------------------------------------------------------------------------------


def get_visible(*, principal: Principal, file_id: str) -> StoredFile:
    """A ready file of the caller's org; one attached to a task the caller cannot see is a 404."""
    stored = StoredFile.get_or_none(*StoredFile.keys(principal.org_id, file_id)) if is_id(file_id, "att") else None
    if stored is None or stored.status != "ready":
        raise NotFound("File not found.")
    if stored.task_id is not None:
        try:
            tasks.get_visible(principal=principal, task_id=stored.task_id)
        except NotFound as error:
            raise NotFound("File not found.") from error
    return stored


def list_attachments(*, principal: Principal, task_id: str, filters: AttachmentFilters) -> Page:
    """A visible task's files, oldest first."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    return query_page(
        StoredFile,
        StoredFile.task_partition(principal.org_id, task.id),
        index=StoredFile.gsi1,
        filter_condition=changed_since(StoredFile, filters.updated_since),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:attachments:{task.id}",
    )


def list_project_media(*, principal: Principal, project_id: str, limit: int, cursor: str | None = None) -> Page:
    """The files attached to a visible project's tasks, newest first."""
    project = projects.get_visible(principal=principal, project_id=project_id)
    return query_page(
        StoredFile,
        StoredFile.project_partition(principal.org_id, project.id),
        index=StoredFile.gsi3,
        limit=limit,
        cursor=cursor,
        newest_first=True,
        scope=f"{principal.org_id}:media:{project.id}",
    )


def links(stored: StoredFile) -> Links:
    """Fresh presigned GETs of a ready file and its thumbnail (none for a pending upload)."""
    if stored.status != "ready":
        return Links(url=None, thumbnail_url=None, expires_at=None)
    inline = stored.content_type in detect.IMAGE_TYPES or stored.content_type == "application/pdf"
    url = storage.presigned_get(
        stored.object_key, content_type=stored.content_type, filename=stored.filename, inline=inline
    )
    thumbnail_url = None
    if stored.thumbnail_key:
        thumbnail_url = storage.presigned_get(
            stored.thumbnail_key, content_type="image/webp", filename=f"{stored.filename}.webp", inline=True
        )
    expires_at = utcnow() + timedelta(seconds=storage.DOWNLOAD_SECONDS)
    return Links(url=url, thumbnail_url=thumbnail_url, expires_at=expires_at)


def content_location(*, principal: Principal, file_id: str) -> str:
    """Where the file's bytes can be fetched for the next few minutes."""
    return links(get_visible(principal=principal, file_id=file_id)).url


def delete(*, principal: Principal, file_id: str) -> None:
    """Delete a file and its objects (its uploader, or an admin)."""
    stored = get_visible(principal=principal, file_id=file_id)
    if stored.uploaded_by != principal.user_id and not principal.is_admin:
        raise Forbidden("Only the file's uploader or an admin can delete it.")

    def write(tx) -> None:
        tx.delete(stored, condition=StoredFile.PK.exists())
        billing.release(tx, org_id=stored.org_id, resource="storage", amount=int(stored.size))
        audit.record(
            tx,
            org_id=stored.org_id,
            actor=principal,
            action="deleted",
            entity_type="attachment",
            entity_id=stored.id,
            changes={
                "filename": {"from": stored.filename, "to": None},
                "task_id": {"from": stored.task_id, "to": None},
            },
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("File not found.") from error
    storage.delete(stored.object_key, storage.thumbnail_key(stored.org_id, stored.id))


# --- view tickets ----------------------------------------------------------------------------------------------


def issue_view_ticket(*, principal: Principal) -> tuple[str, datetime]:
    """A signed, 60-second credential for `?ticket=` on content URLs, bound to the caller's org."""
    claims = {"sub": principal.user_id, "org": principal.org_id, "role": principal.role}
    if principal.token_id:
        claims["tid"] = principal.token_id
    ticket, expires = security.issue_signed_token(typ=_VIEW, claims=claims, ttl_seconds=VIEW_TICKET_SECONDS)
    return ticket, datetime.fromtimestamp(expires, UTC)


def viewer_from_ticket(*, ticket: str, ip: str | None, user_agent: str | None) -> Principal:
    """The principal a view ticket stands for; a forged, altered or expired ticket is a 401."""
    claims = security.read_signed_token(ticket, typ=_VIEW, required=["sub", "org", "role"])
    return Principal(
        user_id=claims["sub"],
        org_id=claims["org"],
        role=claims["role"],
        token_id=claims.get("tid"),
        ip=ip,
        user_agent=user_agent,
    )


# --- thumbnails ----------------------------------------------------------------------------------------------


def make_thumbnail(*, org_id: str, file_id: str) -> bool:
    """Give an image file its thumbnail (bounded size, decompression-bomb safe); False if there is none to make."""
    stored = StoredFile.get_or_none(*StoredFile.keys(org_id, file_id)) if is_id(file_id, "att") else None
    if stored is None or stored.thumbnail_key:
        return False
    size = storage.size_of(stored.object_key)
    if size is None or not 0 < size <= MAX_FILE_BYTES:
        return False
    sniffed = detect.sniff(lambda offset, length: storage.read_range(stored.object_key, offset, length), size)
    if sniffed is None or sniffed.family not in _IMAGE_FAMILIES:
        return False
    try:
        thumbnail = images.thumbnail(storage.read(stored.object_key))
    except images.ImageRejected as error:
        logger.info("no thumbnail", extra={"file_id": file_id, "reason": str(error)})
        return False
    key = storage.thumbnail_key(org_id, file_id)
    storage.put(key, thumbnail, "image/webp")
    try:
        stored.update(actions=[StoredFile.thumbnail_key.set(key)], condition=StoredFile.PK.exists())
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        storage.delete(key)  # the file was deleted or discarded meanwhile
        return False
    return True


@jobs.job(THUMBNAIL_JOB)
def _thumbnail_job(payload: dict) -> None:
    make_thumbnail(org_id=payload["org_id"], file_id=payload["file_id"])


def on_s3_event(event: dict) -> None:
    """The bucket's ObjectCreated notification (AWS): thumbnail each file original it names."""
    for record in event.get("Records", []):
        s3 = record.get("s3", {})
        if s3.get("bucket", {}).get("name") != storage.bucket():
            continue
        found = storage.parse_original_key(unquote_plus(s3.get("object", {}).get("key", "")))
        if found:
            make_thumbnail(org_id=found[0], file_id=found[1])


@jobs.job(tasks.TASK_DELETED_JOB)
def _delete_task_files(payload: dict) -> None:
    for stored in StoredFile.gsi1.query(StoredFile.task_partition(payload["org_id"], payload["task_id"])):
        stored.delete()
        billing.release_now(org_id=stored.org_id, resource="storage", amount=int(stored.size))
        storage.delete(stored.object_key, storage.thumbnail_key(stored.org_id, stored.id))


@jobs.job(orgs.DELETE_ORG_JOB)
def _delete_org_objects(payload: dict) -> None:
    storage.delete_prefix(storage.org_prefix(payload["org_id"]))


# --- avatars and logos ---------------------------------------------------------------------------------------


def _profile_image(upload: Upload, field: str = "file") -> bytes:
    """A PNG, JPEG or WebP upload, resized to at most 512 px and re-encoded as PNG (no metadata survives)."""
    sniffed = detect.sniff(upload.read, upload.size)
    if sniffed is None or sniffed.family not in _PROFILE_FORMATS:
        message = "must be a PNG, JPEG or WebP image"
        raise UnsupportedMediaType(f"{field}: {message}", details=[{"field": field, "message": message}])
    try:
        return images.profile_picture(upload.content, formats=(_PROFILE_FORMATS[sniffed.family],))
    except images.ImageRejected as error:
        message = f"is not a readable image of at most {images.MAX_PIXELS} pixels"
        raise ValidationFailed.field(field, message) from error


def set_avatar(*, principal: Principal, upload: Upload, field: str = "file"):
    """Replace the caller's avatar (errors about the image name `field`); the user as it now is."""
    image = _profile_image(upload, field)
    user = users.get(user_id=principal.user_id)
    image_id = new_id("img")
    key, url = storage.avatar_key(user.id, image_id), f"/api/v1/users/{user.id}/avatar?v={image_id}"
    storage.put(key, image, "image/png")
    _replace_image(
        principal,
        write=lambda tx: users.set_avatar(tx, user=user, key=key, url=url),
        entity=("user", user.id),
        field=("avatar_url", user.avatar_url, url),
        new_key=key,
    )
    old_key = user.avatar_key
    if old_key:
        storage.delete(old_key)
    user.avatar_key, user.avatar_url = key, url
    return user


def remove_avatar(*, principal: Principal) -> None:
    """Remove the caller's avatar (nothing to do if there is none)."""
    user = users.get(user_id=principal.user_id)
    if not user.avatar_key:
        return
    _replace_image(
        principal,
        write=lambda tx: users.set_avatar(tx, user=user, key=None, url=None),
        entity=("user", user.id),
        field=("avatar_url", user.avatar_url, None),
    )
    storage.delete(user.avatar_key)


def avatar_location(*, principal: Principal, user_id: str) -> str:
    """A short-lived GET of the avatar of the caller or of a member of the caller's org."""
    if user_id != principal.user_id and (
        not is_id(user_id, "usr") or orgs.membership(org_id=principal.org_id, user_id=user_id) is None
    ):
        raise NotFound("User not found.")
    user = users.get(user_id=user_id)
    if not user.avatar_key:
        raise NotFound("This user has no avatar.")
    return storage.presigned_get(user.avatar_key, content_type="image/png", filename="avatar.png", inline=True)


def set_logo(*, principal: Principal, org_id: str, upload: Upload):
    """Replace an organization's logo (admins); the org as it now is, with the caller's role."""
    org, role = _admin_org(principal, org_id)
    image = _profile_image(upload)
    image_id = new_id("img")
    key, url = storage.logo_key(org.id, image_id), f"/api/v1/organizations/{org.id}/logo?v={image_id}"
    storage.put(key, image, "image/png")
    _replace_image(
        principal,
        write=lambda tx: orgs.set_logo(tx, org=org, key=key, url=url),
        entity=("organization", org.id),
        field=("logo_url", org.logo_url, url),
        new_key=key,
    )
    if org.logo_key:
        storage.delete(org.logo_key)
    org.logo_key, org.logo_url = key, url
    return org, role


def remove_logo(*, principal: Principal, org_id: str) -> None:
    """Remove an organization's logo (admins; nothing to do if there is none)."""
    org, _ = _admin_org(principal, org_id)
    if not org.logo_key:
        return
    _replace_image(
        principal,
        write=lambda tx: orgs.set_logo(tx, org=org, key=None, url=None),
        entity=("organization", org.id),
        field=("logo_url", org.logo_url, None),
    )
    storage.delete(org.logo_key)


def logo_location(*, principal: Principal, org_id: str) -> str:
    """A short-lived GET of the logo of an org the caller belongs to."""
    org, _ = orgs.get(principal=principal, org_id=org_id)
    if not org.logo_key:
        raise NotFound("This organization has no logo.")
    return storage.presigned_get(org.logo_key, content_type="image/png", filename="logo.png", inline=True)


def _admin_org(principal: Principal, org_id: str):
    org, role = orgs.get(principal=principal, org_id=org_id)
    if role not in ("owner", "admin"):
        raise Forbidden("This action requires the admin or owner role.")
    return org, role


def _replace_image(principal: Principal, *, write, entity, field, new_key: str | None = None) -> None:
    """Point the user or org at its new image (or none) with an audit entry; a concurrent change is a 409."""
    entity_type, entity_id = entity
    name, before, after = field

    def transaction(tx) -> None:
        write(tx)
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type=entity_type,
            entity_id=entity_id,
            changes={name: {"from": before, "to": after}},
        )

    try:
        transact(transaction, attempts=1)
    except TransactionCancelled as error:
        if new_key:
            storage.delete(new_key)
        raise Conflict(f"The {entity_type} was changed at the same time; retry.") from error
