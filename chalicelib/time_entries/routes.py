"""Two route families over one TimeEntry: TrackingTabs `/entries…` and TRCR `/time-entries…`, `/time/current`."""

import json

from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal
from chalicelib.core.http import no_content, parse_body, parse_query
from chalicelib.core.schemas import page_response
from chalicelib.time_entries import bulk, service
from chalicelib.time_entries.schemas import (
    BulkResultOut,
    BulkTimeEntryDelete,
    BulkTimeEntryUpdate,
    EntryCreate,
    EntryOut,
    EntryPatch,
    TagsQuery,
    TimeEntryCreate,
    TimeEntryOut,
    TimeEntryUpdate,
    TimerStart,
    TrackingTabsPaging,
    TrcrPaging,
)
from chalicelib.time_entries.service import EntryFields, Idempotency

bp = Blueprint(__name__)
_TRCR_NAMES = {"started_at": "start", "stopped_at": "stop"}


def _idempotency(body, key_in_body: str | None = None) -> Idempotency | None:
    header = (bp.current_request.headers or {}).get("idempotency-key")
    return Idempotency.of(key_in_body or header, body.model_dump(mode="json"))


def _created(result: service.Created, out) -> Response:
    return Response(body=out.of(result.entry).dump(), status_code=result.status_code)


def _changes(body, names: dict[str, str] | None = None) -> dict:
    names = names or {}
    return {names.get(key, key): value for key, value in body.model_dump(exclude_unset=True).items()}


# --- TrackingTabs --------------------------------------------------------------------------------------------


@bp.route("/entries", methods=["GET"])
def list_entries():
    principal = current_principal(bp.current_request)
    paging = parse_query(bp.current_request, TrackingTabsPaging)
    page = service.list_entries(
        principal=principal, filters=paging, limit=paging.limit, offset=paging.offset, cursor=paging.cursor
    )
    return page_response(
        [EntryOut.of(entry).dump() for entry in page.items],
        next_cursor=page.next_cursor,
        limit=paging.limit,
        offset=paging.offset,
    )


@bp.route("/entries", methods=["POST"])
def create_entry():
    principal = current_principal(bp.current_request, idempotency_key=False)  # kept in the entry's transaction
    body = parse_body(bp.current_request, EntryCreate)
    fields = EntryFields(**body.model_dump(exclude={"idempotency_key"}))
    result = service.create(principal=principal, fields=fields, idempotency=_idempotency(body, body.idempotency_key))
    return _created(result, EntryOut)


def _entry_or_null(entry, out) -> Response:
    """Both documents answer a missing running timer with a JSON `null`."""
    body = json.dumps(out.of(entry).dump()) if entry else "null"
    return Response(body=body, status_code=200, headers={"Content-Type": "application/json"})


@bp.route("/entries/current", methods=["GET"])
def current_entry():
    return _entry_or_null(service.current(principal=current_principal(bp.current_request)), EntryOut)


@bp.route("/entries/start", methods=["POST"])
def start_entry():
    principal = current_principal(bp.current_request, idempotency_key=False)  # kept in the entry's transaction
    body = parse_body(bp.current_request, TimerStart)
    result = service.start_timer(
        principal=principal, fields=EntryFields(start=None, **body.model_dump()), idempotency=_idempotency(body)
    )
    return _created(result, EntryOut)


@bp.route("/entries/stop", methods=["POST"])
def stop_entry():
    return EntryOut.of(service.stop_running(principal=current_principal(bp.current_request))).dump()


@bp.route("/entries/{entry_id}", methods=["GET"])
def get_entry(entry_id):
    return EntryOut.of(service.get(principal=current_principal(bp.current_request), entry_id=entry_id)).dump()


@bp.route("/entries/{entry_id}", methods=["PATCH"])
def patch_entry(entry_id):
    principal = current_principal(bp.current_request)
    changes = _changes(parse_body(bp.current_request, EntryPatch))
    return EntryOut.of(service.update(principal=principal, entry_id=entry_id, changes=changes)).dump()


@bp.route("/entries/{entry_id}", methods=["DELETE"])
def delete_entry(entry_id):
    service.delete(principal=current_principal(bp.current_request), entry_id=entry_id)
    return no_content()


@bp.route("/tags", methods=["GET"])
def list_tags():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, TagsQuery)
    page = service.tags(principal=principal, limit=query.limit, cursor=query.cursor)
    tags = [{"name": tag.name, "count": int(tag.count)} for tag in page.items]
    return page_response(tags, next_cursor=page.next_cursor, limit=query.limit)


# --- TRCR ----------------------------------------------------------------------------------------------------


@bp.route("/time-entries", methods=["GET"])
def list_time_entries():
    principal = current_principal(bp.current_request)
    paging = parse_query(bp.current_request, TrcrPaging)
    page = service.list_entries(
        principal=principal, filters=paging, limit=paging.per_page, offset=paging.offset, cursor=paging.cursor
    )
    return paging.response([TimeEntryOut.of(entry).dump() for entry in page.items], page.next_cursor)


@bp.route("/time-entries", methods=["POST"])
def create_time_entry():
    principal = current_principal(bp.current_request, idempotency_key=False)  # kept in the entry's transaction
    body = parse_body(bp.current_request, TimeEntryCreate)
    fields = EntryFields(**_changes(body, _TRCR_NAMES))
    return _created(service.create(principal=principal, fields=fields, idempotency=_idempotency(body)), TimeEntryOut)


@bp.route("/time-entries/start", methods=["POST"])
def start_time_entry():
    principal = current_principal(bp.current_request, idempotency_key=False)  # kept in the entry's transaction
    body = parse_body(bp.current_request, TimerStart)
    result = service.start_timer(
        principal=principal, fields=EntryFields(start=None, **body.model_dump()), idempotency=_idempotency(body)
    )
    return _created(result, TimeEntryOut)


@bp.route("/time-entries/{entry_id}/stop", methods=["POST"])
def stop_time_entry(entry_id):
    principal = current_principal(bp.current_request)
    return TimeEntryOut.of(service.stop(principal=principal, entry_id=entry_id)).dump()


@bp.route("/time-entries/bulk", methods=["PATCH"])
def bulk_update_time_entries():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, BulkTimeEntryUpdate)
    changes = _changes(body.changes, _TRCR_NAMES)
    return BulkResultOut.of(bulk.update(principal=principal, ids=body.ids, changes=changes)).dump()


@bp.route("/time-entries/bulk", methods=["DELETE"])
def bulk_delete_time_entries():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, BulkTimeEntryDelete)
    return BulkResultOut.of(bulk.delete(principal=principal, ids=body.ids)).dump()


@bp.route("/time-entries/{entry_id}", methods=["GET"])
def get_time_entry(entry_id):
    return TimeEntryOut.of(service.get(principal=current_principal(bp.current_request), entry_id=entry_id)).dump()


@bp.route("/time-entries/{entry_id}", methods=["PUT"])
def update_time_entry(entry_id):
    principal = current_principal(bp.current_request)
    changes = _changes(parse_body(bp.current_request, TimeEntryUpdate), _TRCR_NAMES)
    return TimeEntryOut.of(service.update(principal=principal, entry_id=entry_id, changes=changes)).dump()


@bp.route("/time-entries/{entry_id}", methods=["DELETE"])
def delete_time_entry(entry_id):
    service.delete(principal=current_principal(bp.current_request), entry_id=entry_id)
    return no_content()


@bp.route("/time/current", methods=["GET"])
def current_time_entry():
    return _entry_or_null(service.current(principal=current_principal(bp.current_request)), TimeEntryOut)
