from chalice import Chalice

from chalicelib.core import events, idempotency, jobs, observability
from chalicelib.core.config import get_settings
from chalicelib.core.http import install_error_envelope
from chalicelib.core.routing import lazy_blueprint
from chalicelib.core.timeutil import from_rfc3339

app = Chalice(app_name="stint")
# Invoices are also served as PDF documents (GET /invoices/{id}/pdf).
app.api.binary_types.append("application/pdf")
# Uploads arrive as multipart bodies; API Gateway must pass them base64-encoded, untouched.
app.api.binary_types.append("multipart/form-data")
install_error_envelope(app)
idempotency.install(app)  # inside the envelope: replays and claims around every view
observability.install(app)  # logs and metrics of every SQS batch, stream batch and scheduled run

# Route modules are named, not imported: each is imported on the first request to one of its routes, so a
# cold start pays for the domains it uses (decision 66). Domain code is imported inside the handlers below.
for module in (
    "chalicelib.health.routes",
    "chalicelib.openapi.routes",
    "chalicelib.auth.routes",
    "chalicelib.users.routes",
    "chalicelib.orgs.routes",
    "chalicelib.audit.routes",
    "chalicelib.projects.routes",
    "chalicelib.clients.routes",
    "chalicelib.labels.routes",
    "chalicelib.statuses.routes",
    "chalicelib.tasks.routes",
    "chalicelib.tasks.bulk_routes",
    "chalicelib.task_groups.routes",
    "chalicelib.milestones.routes",
    "chalicelib.recurrences.routes",
    "chalicelib.comments.routes",
    "chalicelib.checklists.routes",
    "chalicelib.task_labels.routes",
    "chalicelib.dependencies.routes",
    "chalicelib.search.routes",
    "chalicelib.sync.routes",
    "chalicelib.time_entries.routes",
    "chalicelib.timesheets.routes",
    "chalicelib.reports.routes",
    "chalicelib.invoices.routes",
    "chalicelib.payments.routes",
    "chalicelib.notifications.routes",
    "chalicelib.chat.routes",
    "chalicelib.files.routes",
    "chalicelib.git.routes",
    "chalicelib.webhooks.routes",
    "chalicelib.kb.routes",
    "chalicelib.whiteboards.routes",
    "chalicelib.billing.routes",
    "chalicelib.rates.routes",
):
    app.register_blueprint(lazy_blueprint(module), url_prefix="/api/v1")
# The TataTrack document's surface: an adapter over the same services (DESIGN.md §1).
app.register_blueprint(lazy_blueprint("chalicelib.tatatrack.routes"), url_prefix="/api")


@app.on_sqs_message(queue=get_settings().jobs_queue, batch_size=10)
def run_jobs(event):
    return jobs.run_batch([(record.to_dict()["messageId"], record.body) for record in event])


@app.on_dynamodb_record(stream_arn=get_settings().table_stream_arn, batch_size=100, starting_position="TRIM_HORIZON")
def publish_outbox(event):
    return events.publish_stream_records([record.to_dict() for record in event])


@app.on_sqs_message(queue=get_settings().events_queue, batch_size=10)
def deliver_events(event):
    return events.run_batch([(record.to_dict()["messageId"], record.body) for record in event])


@app.schedule("rate(5 minutes)")
def sweep_outbox(event):
    return events.publish_pending(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def send_due_reminders(event):
    from chalicelib.notifications import reminders

    return reminders.send_due_reminders(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def send_daily_digests(event):
    from chalicelib.notifications import reminders

    return reminders.send_daily_digests(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def materialise_recurrences(event):
    from chalicelib.recurrences import service as recurrences

    return recurrences.materialise_due(now=from_rfc3339(event.time))


@app.lambda_function(name="thumbnails")
def make_thumbnails(event, context):
    """Invoked by the files bucket's ObjectCreated notification (wired in infra/), in AWS only."""
    from chalicelib.files import service as files

    files.on_s3_event(event)


@app.schedule("rate(1 hour)")
def clean_abandoned_uploads(event):
    from chalicelib.files import service as files

    return files.clean_abandoned_uploads(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def mark_overdue_invoices(event):
    from chalicelib.invoices import service as invoices

    return invoices.mark_overdue(now=from_rfc3339(event.time))
