"""Comments on tasks: anyone who can see a task may comment; the author or an admin may edit or delete."""

from chalicelib.audit import service as audit
from chalicelib.comments.models import Comment
from chalicelib.comments.schemas import CommentCreate, CommentFilters, CommentUpdate
from chalicelib.core import events, indexing, jobs
from chalicelib.core.auth import Principal
from chalicelib.core.db import Item, TransactionCancelled, transact
from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import utcnow
from chalicelib.tasks import service as tasks


def list_comments(*, principal: Principal, task_id: str, filters: CommentFilters) -> Page:
    """A visible task's comments, oldest first."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    return query_page(
        Comment,
        Comment.partition(principal.org_id),
        range_key_condition=Comment.SK.startswith(Comment.task_prefix(task.id)),
        filter_condition=changed_since(Comment, filters.updated_since),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=False,
        scope=f"{principal.org_id}:comments:{task.id}",
    )


def _get(principal: Principal, task_id: str, comment_id: str) -> Comment:
    task = tasks.get_visible(principal=principal, task_id=task_id)
    comment = (
        Comment.get_or_none(*Comment.keys(principal.org_id, task.id, comment_id)) if is_id(comment_id, "cmt") else None
    )
    if comment is None:
        raise NotFound("Comment not found.")
    return comment


def _require_author_or_admin(principal: Principal, comment: Comment, action: str) -> None:
    if comment.author_id != principal.user_id and not principal.is_admin:
        raise Forbidden(f"Only the comment's author or an admin can {action} it.")


def create(*, principal: Principal, task_id: str, body: CommentCreate) -> Comment:
    """A new comment by the caller; the task's reporter and assignee (not the commenter) are notified."""
    task = tasks.get_visible(principal=principal, task_id=task_id)
    comment_id, now = new_id("cmt"), utcnow()
    pk, sk = Comment.keys(principal.org_id, task.id, comment_id)
    comment = Comment(
        PK=pk,
        SK=sk,
        id=comment_id,
        org_id=principal.org_id,
        task_id=task.id,
        author_id=principal.user_id,
        body=body.body,
        created_at=now,
        updated_at=now,
    )
    recipients = sorted({task.reporter_id, task.assignee_id} - {None, principal.user_id})

    def write(tx) -> None:
        tx.save(comment, condition=Comment.PK.does_not_exist())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="created",
            entity_type="comment",
            entity_id=comment.id,
            changes={"task_id": {"from": None, "to": task.id}, "body": {"from": None, "to": comment.body}},
        )
        if recipients:
            events.emit(
                tx,
                org_id=principal.org_id,
                type="task_commented",
                actor_id=principal.user_id,
                recipients=recipients,
                data={
                    "task_id": task.id,
                    "comment_id": comment.id,
                    "title": task.title,
                    "link": tasks.task_link(task.id),
                },
            )

    transact(write)
    _reindex(comment)
    return comment


def update(*, principal: Principal, task_id: str, comment_id: str, changes: CommentUpdate) -> Comment:
    """Edit a comment's body (its author, or an admin)."""
    comment = _get(principal, task_id, comment_id)
    _require_author_or_admin(principal, comment, "edit")
    if changes.body == comment.body:
        return comment
    before, comment.body, comment.updated_at = comment.body, changes.body, utcnow()

    def write(tx) -> None:
        tx.update(
            comment,
            actions=[Comment.body.set(comment.body), Comment.updated_at.set(comment.updated_at)],
            condition=Comment.PK.exists(),
        )
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="updated",
            entity_type="comment",
            entity_id=comment.id,
            changes=audit.diff({"body": before}, {"body": comment.body}),
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Comment not found.") from error
    _reindex(comment)
    return comment


def delete(*, principal: Principal, task_id: str, comment_id: str) -> None:
    """Delete a comment (its author, or an admin)."""
    comment = _get(principal, task_id, comment_id)
    _require_author_or_admin(principal, comment, "delete")

    def write(tx) -> None:
        tx.delete(comment, condition=Comment.PK.exists())
        audit.record(
            tx,
            org_id=principal.org_id,
            actor=principal,
            action="deleted",
            entity_type="comment",
            entity_id=comment.id,
            changes={"body": {"from": comment.body, "to": None}},
        )

    try:
        transact(write)
    except TransactionCancelled as error:
        raise NotFound("Comment not found.") from error
    _reindex(comment)


@jobs.job(tasks.TASK_DELETED_JOB)
def _delete_task_comments(payload: dict) -> None:
    org_id, task_id = payload["org_id"], payload["task_id"]
    query = Comment.query(Comment.partition(org_id), Comment.SK.startswith(Comment.task_prefix(task_id)))
    comments = list(query)
    # Queued before the deletes: if this job fails half-way, its retry finds the rest and queues them again.
    indexing.request_removal(org_id=org_id, entity_type="comment", entity_ids=[comment.id for comment in comments])
    with Item.batch_write() as batch:
        for comment in comments:
            batch.delete(comment)


# --- search --------------------------------------------------------------------------------------------------

SEARCH_TITLE_CHARS = 120


def _reindex(comment: Comment) -> None:
    indexing.request_reindex(
        org_id=comment.org_id, entity_type="comment", entity_id=comment.id, parent_id=comment.task_id
    )


def _search_document(*, org_id: str, entity_id: str, parent_id: str | None = None) -> indexing.Document | None:
    """A comment is found by its words, shown by its first line, and seen by whoever sees its task."""
    comment = Comment.get_or_none(*Comment.keys(org_id, parent_id, entity_id)) if parent_id else None
    task = tasks.find(org_id=org_id, task_id=comment.task_id) if comment else None
    if comment is None or task is None:
        return None
    first_line = comment.body.strip().splitlines()[0] if comment.body.strip() else ""
    return indexing.Document(
        title=first_line[:SEARCH_TITLE_CHARS], text=comment.body, project_id=task.project_id, parent_id=task.id
    )


indexing.register_source("comment", _search_document)
