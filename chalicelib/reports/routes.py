import csv
import io

from chalice import Blueprint, Response

from chalicelib.auth.current import current_principal
from chalicelib.core.http import parse_query
from chalicelib.reports import service
from chalicelib.reports.schemas import (
    ProfitabilityQuery,
    RevenueQuery,
    SummaryQuery,
    TimesheetQuery,
    UtilizationQuery,
)

bp = Blueprint(__name__)


def _wants_csv(query) -> bool:
    accept = (bp.current_request.headers or {}).get("accept", "")
    return query.format == "csv" or "text/csv" in accept


def _respond(report: dict, rows_key: str, query, filename: str) -> Response | dict:
    """JSON, or the report's rows as CSV (`format=csv` or `Accept: text/csv`)."""
    if not _wants_csv(query):
        return report
    rows = report[rows_key]
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return Response(
        body=out.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}.csv"',
        },
    )


@bp.route("/reports/summary", methods=["GET"])
def summary_report():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, SummaryQuery)
    return _respond(service.summary(principal=principal, query=query), "groups", query, "summary")


@bp.route("/reports/timesheet", methods=["GET"])
def timesheet_report():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, TimesheetQuery)
    return _respond(service.timesheet(principal=principal, query=query), "rows", query, "timesheet")


@bp.route("/reports/utilization", methods=["GET"])
def utilization_report():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, UtilizationQuery)
    return _respond(service.utilization(principal=principal, query=query), "rows", query, "utilization")


@bp.route("/reports/revenue", methods=["GET"])
def revenue_report():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, RevenueQuery)
    return _respond(service.revenue(principal=principal, query=query), "periods", query, "revenue")


@bp.route("/reports/profitability", methods=["GET"])
def profitability_report():
    principal = current_principal(bp.current_request)
    query = parse_query(bp.current_request, ProfitabilityQuery)
    return _respond(service.profitability(principal=principal, query=query), "rows", query, "profitability")
