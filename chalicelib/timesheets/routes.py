"""Timesheet approval (`/timesheets…`), the weekly grid (`/timesheets/grid`) and the org's lock date (`/time-lock`)."""

from chalice import Blueprint

from chalicelib.auth.current import current_principal
from chalicelib.core.http import created, parse_body, parse_query
from chalicelib.timesheets import service
from chalicelib.timesheets.schemas import (
    GridOut,
    GridQuery,
    LockOut,
    LockUpdate,
    TimesheetApprove,
    TimesheetFilters,
    TimesheetOut,
    TimesheetReject,
    TimesheetSubmit,
)

bp = Blueprint(__name__)


@bp.route("/timesheets", methods=["POST"])
def submit_timesheet():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TimesheetSubmit)
    return created(TimesheetOut.of(service.submit(principal=principal, body=body)).dump())


@bp.route("/timesheets", methods=["GET"])
def list_timesheets():
    principal = current_principal(bp.current_request)
    filters = parse_query(bp.current_request, TimesheetFilters)
    page = service.list_timesheets(principal=principal, filters=filters)
    return filters.response([TimesheetOut.of(timesheet).dump() for timesheet in page.items], page.next_cursor)


@bp.route("/timesheets/grid", methods=["GET"])
def timesheet_grid():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, GridQuery)
    return GridOut(**service.grid(principal=principal, query=query)).dump()


@bp.route("/timesheets/{timesheet_id}", methods=["GET"])
def get_timesheet(timesheet_id):
    principal = current_principal(bp.current_request)
    return TimesheetOut.of(service.get(principal=principal, timesheet_id=timesheet_id)).dump()


@bp.route("/timesheets/{timesheet_id}/approve", methods=["POST"])
def approve_timesheet(timesheet_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TimesheetApprove)
    timesheet = service.approve(principal=principal, timesheet_id=timesheet_id, comment=body.comment)
    return TimesheetOut.of(timesheet).dump()


@bp.route("/timesheets/{timesheet_id}/reject", methods=["POST"])
def reject_timesheet(timesheet_id):
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, TimesheetReject)
    timesheet = service.reject(principal=principal, timesheet_id=timesheet_id, comment=body.comment)
    return TimesheetOut.of(timesheet).dump()


@bp.route("/time-lock", methods=["GET"])
def get_time_lock():
    return LockOut.of(service.lock_date(principal=current_principal(bp.current_request))).dump()


@bp.route("/time-lock", methods=["PUT"])
def set_time_lock():
    principal = current_principal(bp.current_request)
    body = parse_body(bp.current_request, LockUpdate)
    return LockOut.of(service.set_lock_date(principal=principal, value=body.lock_date)).dump()
