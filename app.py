from chalice import Chalice

from chalicelib.audit.routes import bp as audit
from chalicelib.auth.routes import bp as auth
from chalicelib.billing.routes import bp as billing
from chalicelib.chat.routes import bp as chat
from chalicelib.checklists.routes import bp as checklists
from chalicelib.clients.routes import bp as clients
from chalicelib.comments.routes import bp as comments
from chalicelib.core import events, idempotency, jobs
from chalicelib.core.config import get_settings
from chalicelib.core.http import install_error_envelope
from chalicelib.core.timeutil import from_rfc3339
from chalicelib.dependencies.routes import bp as dependencies
from chalicelib.files import service as files
from chalicelib.files.routes import bp as files_routes
from chalicelib.git.routes import bp as git
from chalicelib.health.routes import bp as health
from chalicelib.invoices import service as invoices
from chalicelib.invoices.routes import bp as invoice_routes
from chalicelib.kb.routes import bp as kb
from chalicelib.labels.routes import bp as labels
from chalicelib.milestones.routes import bp as milestones
from chalicelib.notifications import reminders
from chalicelib.notifications.routes import bp as notifications
from chalicelib.orgs.routes import bp as orgs
from chalicelib.payments.routes import bp as payments
from chalicelib.projects.routes import bp as projects
from chalicelib.recurrences import service as recurrences
from chalicelib.recurrences.routes import bp as recurrence_routes
from chalicelib.reports.routes import bp as reports
from chalicelib.search.routes import bp as search
from chalicelib.statuses.routes import bp as statuses
from chalicelib.task_groups.routes import bp as task_groups
from chalicelib.task_labels.routes import bp as task_labels
from chalicelib.tasks.routes import bp as tasks
from chalicelib.tatatrack.routes import bp as tatatrack
from chalicelib.time_entries.routes import bp as time_entries
from chalicelib.users.routes import bp as users
from chalicelib.whiteboards.routes import bp as whiteboards

app = Chalice(app_name="stint")
# Invoices are also served as PDF documents (GET /invoices/{id}/pdf).
app.api.binary_types.append("application/pdf")
# Uploads arrive as multipart bodies; API Gateway must pass them base64-encoded, untouched.
app.api.binary_types.append("multipart/form-data")
install_error_envelope(app)
idempotency.install(app)  # inside the envelope: replays and claims around every view

for blueprint in (
    health,
    auth,
    users,
    orgs,
    audit,
    projects,
    clients,
    labels,
    statuses,
    tasks,
    task_groups,
    milestones,
    recurrence_routes,
    comments,
    checklists,
    task_labels,
    dependencies,
    search,
    time_entries,
    reports,
    invoice_routes,
    payments,
    notifications,
    chat,
    files_routes,
    git,
    kb,
    whiteboards,
    billing,
):
    app.register_blueprint(blueprint, url_prefix="/api/v1")
# The TataTrack document's surface: an adapter over the same services (DESIGN.md §1).
app.register_blueprint(tatatrack, url_prefix="/api")


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
    return reminders.send_due_reminders(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def send_daily_digests(event):
    return reminders.send_daily_digests(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def materialise_recurrences(event):
    return recurrences.materialise_due(now=from_rfc3339(event.time))


@app.lambda_function(name="thumbnails")
def make_thumbnails(event, context):
    """Invoked by the files bucket's ObjectCreated notification (wired in infra/), in AWS only."""
    files.on_s3_event(event)


@app.schedule("rate(1 hour)")
def clean_abandoned_uploads(event):
    return files.clean_abandoned_uploads(now=from_rfc3339(event.time))


@app.schedule("rate(1 hour)")
def mark_overdue_invoices(event):
    return invoices.mark_overdue(now=from_rfc3339(event.time))
