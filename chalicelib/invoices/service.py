"""Invoices: numbering, line items and totals, lines generated from tracked time, PDF, send, void, overdue.

Admins and owners only. Totals are recomputed here on every change (totals.py) and written with the invoice's
version condition, so two changes to one invoice never lose each other: the loser re-reads and retries. Only
drafts change; sent invoices move only through payments (payments.service), voiding and the overdue schedule.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from pynamodb.exceptions import UpdateError

from chalicelib.audit import service as audit
from chalicelib.audit.service import Actor
from chalicelib.clients import service as clients
from chalicelib.clients.schemas import ContactFilters
from chalicelib.core import events, indexing, jobs, mail
from chalicelib.core.auth import Principal
from chalicelib.core.db import TransactionCancelled, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.logs import logger
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import to_rfc3339, utcnow
from chalicelib.invoices import pdf, totals
from chalicelib.invoices.models import Invoice, InvoiceCounter, InvoiceLine
from chalicelib.invoices.schemas import (
    MAX_RECIPIENTS,
    GenerateRequest,
    InvoiceCreate,
    InvoiceFilters,
    InvoiceUpdate,
    LineItemCreate,
    LineItemUpdate,
    SendRequest,
)
from chalicelib.orgs import service as orgs
from chalicelib.projects import service as projects
from chalicelib.tasks import service as tasks
from chalicelib.time_entries import billing, rates

SYSTEM = Actor(None)  # the schedule and background jobs act for no user
MAX_LINES = 200  # per invoice: one Query reads them all, and the PDF stays a few pages
MAX_GENERATE_ENTRIES = 2000  # unbilled entries one generate call may bill
TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit
IN_TRANSACTION_RELEASES = 90  # entries released in the transaction that removes their line; the rest right after
ATTEMPTS = 5  # re-reads after a concurrent change to the same invoice
NUMBER_ATTEMPTS = 25  # re-reads of the number counter when invoices are created at the same moment
MAX_OVERDUE_PER_RUN = 500
SEND_LEASE = timedelta(minutes=5)  # a send job that died mid-email lets a retry send after this long

INVOICE_DELETED_JOB = "invoice_deleted"
INVOICE_VOIDED_JOB = "invoice_voided"
LINE_RELEASED_JOB = "invoice_line_released"
SEND_JOB = "invoice_send"

EDIT_DRAFTS_ONLY = "Only draft invoices can be edited."
DELETE_DRAFTS_ONLY = "Only draft invoices can be deleted."
CHANGED = "The invoice was changed at the same time; reload and retry."
DUE_BEFORE_ISSUE = "due_date must be on or after issue_date"
PAYABLE = ("sent", "overdue", "paid")

_AUDITED = ("number", "client_id", "project_id", "status", "issue_date", "due_date", "currency", "notes")
_AUDITED_MONEY = ("tax_rate", "discount", "subtotal", "discount_amount", "tax_amount", "total", "amount_paid")


# --- helpers -------------------------------------------------------------------------------------------------


def _snapshot(invoice: Invoice) -> dict:
    values = {name: getattr(invoice, name) for name in _AUDITED}
    values.update({name: _plain_number(getattr(invoice, name)) for name in _AUDITED_MONEY})
    return values


def _plain_number(value) -> str | int:
    return value if isinstance(value, str) else int(value or 0)


def _line_snapshot(line: InvoiceLine) -> dict:
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": int(line.unit_price),
        "amount": int(line.amount),
    }


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.01 * min(2**attempt, 16)))


def _retry(attempt, *, attempts: int = ATTEMPTS, message: str = CHANGED):
    """Run `attempt()` (which re-reads what it needs) until its transaction commits; 409 after `attempts`."""
    for number in range(attempts):
        try:
            return attempt()
        except TransactionCancelled as error:
            if number == attempts - 1:
                raise Conflict(message) from error
            _backoff(number)
    raise AssertionError("unreachable")


def _recompute(invoice: Invoice, subtotal: int) -> None:
    """Set the invoice's subtotal and every amount that follows from it."""
    result = totals.compute(subtotal, discount=Decimal(invoice.discount), tax_rate=Decimal(invoice.tax_rate))
    invoice.subtotal = result.subtotal
    invoice.discount_amount = result.discount_amount
    invoice.tax_amount = result.tax_amount
    invoice.total = result.total


def _require_due_after_issue(issue_date: str, due_date: str) -> None:
    if due_date < issue_date:
        raise ValidationFailed(DUE_BEFORE_ISSUE, details=[{"field": "due_date", "message": DUE_BEFORE_ISSUE}])


def _present(fields: dict, names: tuple[str, ...]) -> dict:
    """The fields, refusing an explicit null for those that cannot be empty."""
    for name in names:
        if name in fields and fields[name] is None:
            raise ValidationFailed.field(name, "may be omitted but not null")
    return fields


def _org_currency(org_id: str) -> str:
    return (orgs.get_active(org_id=org_id).settings or {}).get("currency") or "USD"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, clock.min, tzinfo=UTC)


# --- reading -------------------------------------------------------------------------------------------------


def find(*, org_id: str, invoice_id: str, consistent: bool = False) -> Invoice | None:
    """The org's invoice with this id, or None (another org's id included)."""
    if not is_id(invoice_id, "inv"):
        return None
    return Invoice.get_or_none(*Invoice.keys(org_id, invoice_id), consistent=consistent)


def _get(principal: Principal, invoice_id: str) -> Invoice:
    principal.require_admin()
    invoice = find(org_id=principal.org_id, invoice_id=invoice_id, consistent=True)
    if invoice is None:
        raise NotFound("Invoice not found.")
    return invoice


def _draft(principal: Principal, invoice_id: str, message: str = EDIT_DRAFTS_ONLY) -> Invoice:
    invoice = _get(principal, invoice_id)
    if invoice.status != "draft":
        raise Conflict(message)
    return invoice


def lines_of(invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's line items in order (at most MAX_LINES, one consistent Query)."""
    lines = InvoiceLine.query(
        invoice.PK, InvoiceLine.SK.startswith(InvoiceLine.prefix(invoice.id)), consistent_read=True
    )
    return sorted(lines, key=lambda line: (int(line.position or 0), line.id))


def _line(invoice: Invoice, line_id: str) -> InvoiceLine:
    line = (
        InvoiceLine.get_or_none(*InvoiceLine.keys(invoice.org_id, invoice.id, line_id), consistent=True)
        if is_id(line_id, "li")
        else None
    )
    if line is None:
        raise NotFound("Line item not found.")
    return line


def get(*, principal: Principal, invoice_id: str) -> tuple[Invoice, list[InvoiceLine]]:
    """An invoice with its line items (admins and owners)."""
    invoice = _get(principal, invoice_id)
    return invoice, lines_of(invoice)


def _issue_range(since: date | None, until: date | None) -> tuple[str, str]:
    if since and until and since > until:
        raise ValidationFailed.field("from", "must be on or before to")
    # Sort keys read `<issue date>#<inv>`: "0" is below every date and "#~" above every id of the last day.
    return (since.isoformat() if since else "0"), (f"{until.isoformat()}#~" if until else "9999-12-31#~")


def list_invoices(*, principal: Principal, filters: InvoiceFilters) -> Page:
    """The org's invoices, newest issue date first; `client_id` and `status` pick an index, `from`/`to` a range."""
    principal.require_admin()
    org = principal.org_id
    low, high = _issue_range(filters.since, filters.until)
    condition = None
    if filters.client_id:
        partition, index, sort_key = Invoice.client_partition(org, filters.client_id), Invoice.gsi3, Invoice.GSI3SK
        if filters.status:
            condition = Invoice.status == filters.status
    elif filters.status:
        partition, index, sort_key = Invoice.status_partition(org, filters.status), Invoice.gsi4, Invoice.GSI4SK
    else:
        partition, index, sort_key = Invoice.org_partition(org), Invoice.gsi2, Invoice.GSI2SK
    return query_page(
        Invoice,
        partition,
        index=index,
        range_key_condition=sort_key.between(low, high),
        filter_condition=all_of([condition, changed_since(Invoice, filters.updated_since)]),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=True,
        scope=f"{org}:invoices:{partition}:{filters.status}:{low}:{high}",
    )


def invoices_between(*, org_id: str, since: date, until: date, client_id: str | None = None) -> list[Invoice]:
    """Every invoice issued from `since` through `until` (any status, with its totals), oldest first; for reports."""
    low, high = _issue_range(since, until)
    if client_id:
        index, partition, sort_key = Invoice.gsi3, Invoice.client_partition(org_id, client_id), Invoice.GSI3SK
    else:
        index, partition, sort_key = Invoice.gsi2, Invoice.org_partition(org_id), Invoice.GSI2SK
    return list(index.query(partition, sort_key.between(low, high), page_size=500))


# --- create, update, delete ----------------------------------------------------------------------------------


def _format_number(year: str, sequence: int) -> str:
    return f"INV-{year}-{sequence:04d}"


def create(*, principal: Principal, body: InvoiceCreate) -> Invoice:
    """A draft invoice for a client, numbered `INV-<year>-<n>` from the org's counter in the same transaction."""
    principal.require_admin()
    client = clients.require_reference(org_id=principal.org_id, client_id=body.client_id)
    if body.project_id is not None:
        project = projects.require_reference(principal=principal, project_id=body.project_id)
        if project.client_id and project.client_id != client.id:
            raise ValidationFailed.field("project_id", "belongs to another client")
    issue_date = body.issue_date or utcnow().date()
    _require_due_after_issue(issue_date.isoformat(), body.due_date.isoformat())
    invoice_id, now = new_id("inv"), utcnow()
    invoice = Invoice(
        *Invoice.keys(principal.org_id, invoice_id),
        id=invoice_id,
        org_id=principal.org_id,
        number="",
        client_id=client.id,
        project_id=body.project_id,
        status="draft",
        issue_date=issue_date.isoformat(),
        due_date=body.due_date.isoformat(),
        currency=body.currency or client.currency or _org_currency(principal.org_id),
        notes=body.notes,
        tax_rate=totals.plain(body.tax_rate),
        discount=totals.plain(body.discount),
        subtotal=0,
        discount_amount=0,
        tax_amount=0,
        total=0,
        amount_paid=0,
        line_count=0,
        line_seq=0,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    year = str(issue_date.year)
    counter_keys = InvoiceCounter.keys(principal.org_id, year)
    for attempt in range(NUMBER_ATTEMPTS):
        counter = InvoiceCounter.get_or_none(*counter_keys, consistent=True)
        last = int(counter.value) if counter is not None else 0
        invoice.number = _format_number(year, last + 1)
        invoice.index()
        try:
            with transaction() as tx:
                expected = (InvoiceCounter.value == last) if counter is not None else InvoiceCounter.PK.does_not_exist()
                tx.save(InvoiceCounter(*counter_keys, year=year, value=last + 1), condition=expected)
                tx.save(invoice, condition=Invoice.PK.does_not_exist())
                clients.add_reference(tx, org_id=principal.org_id, client_id=client.id)
                audit.record(
                    tx,
                    org_id=principal.org_id,
                    actor=principal,
                    action="created",
                    entity_type="invoice",
                    entity_id=invoice.id,
                    changes=audit.diff({}, _snapshot(invoice)),
                )
            _reindex(invoice)
            return invoice
        except TransactionCancelled as error:
            if clients.find(org_id=principal.org_id, client_id=client.id) is None:  # deleted meanwhile
                raise ValidationFailed.field("client_id", "does not exist in this organization") from error
            _backoff(attempt)
    raise Conflict("Many invoices were created at the same moment; retry.")


def update(*, principal: Principal, invoice_id: str, changes: InvoiceUpdate) -> tuple[Invoice, list[InvoiceLine]]:
    """Partial update of a draft: dates, notes, tax rate and discount; totals follow."""
    fields = _present(changes.model_dump(exclude_unset=True), InvoiceUpdate.NOT_NULL)

    def attempt() -> Invoice:
        invoice = _draft(principal, invoice_id)
        before = _snapshot(invoice)
        for name in ("due_date", "issue_date"):
            if name in fields:
                setattr(invoice, name, fields[name].isoformat())
        if "notes" in fields:
            invoice.notes = fields["notes"]
        for name in ("tax_rate", "discount"):
            if name in fields:
                setattr(invoice, name, totals.plain(fields[name]))
        _require_due_after_issue(invoice.issue_date, invoice.due_date)
        _recompute(invoice, int(invoice.subtotal))
        changed = audit.diff(before, _snapshot(invoice))
        if not changed:
            return invoice
        invoice.updated_at = utcnow()
        invoice.index()
        with transaction() as tx:
            tx.save(invoice, condition=Invoice.status == "draft")
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="updated",
                entity_type="invoice",
                entity_id=invoice.id,
                changes=changed,
            )
        return invoice

    invoice = _retry(attempt)
    if fields.keys() & {"notes"}:
        _reindex(invoice)
    return invoice, lines_of(invoice)


def delete(*, principal: Principal, invoice_id: str) -> None:
    """Delete a draft; its lines go and their time entries are released (right away, and by a job as backup)."""

    def attempt() -> Invoice:
        invoice = _draft(principal, invoice_id, DELETE_DRAFTS_ONLY)
        with transaction() as tx:
            tx.delete(invoice, condition=Invoice.status == "draft")
            clients.remove_reference(tx, org_id=invoice.org_id, client_id=invoice.client_id)
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="deleted",
                entity_type="invoice",
                entity_id=invoice.id,
                changes={
                    "number": {"from": invoice.number, "to": None},
                    "total": {"from": int(invoice.total), "to": None},
                },
            )
        return invoice

    invoice = _retry(attempt)
    payload = {"org_id": invoice.org_id, "invoice_id": invoice.id}
    jobs.enqueue(INVOICE_DELETED_JOB, payload)
    _forget_deleted(payload)
    _reindex(invoice)


@jobs.job(INVOICE_DELETED_JOB)
def _forget_deleted(payload: dict) -> None:
    """A deleted draft's lines are removed and their entries released; safe to repeat."""
    org_id, invoice_id = payload["org_id"], payload["invoice_id"]
    if find(org_id=org_id, invoice_id=invoice_id, consistent=True) is not None:
        return
    pk = Invoice.keys(org_id, invoice_id)[0]
    for line in InvoiceLine.query(pk, InvoiceLine.SK.startswith(InvoiceLine.prefix(invoice_id)), consistent_read=True):
        billing.release_now(
            org_id=org_id, invoice_id=invoice_id, line_id=line.id, entry_ids=list(line.time_entry_ids or [])
        )
        line.delete(add_version_condition=False)


# --- line items ----------------------------------------------------------------------------------------------


def _save_draft(tx, invoice: Invoice) -> None:
    invoice.updated_at = utcnow()
    invoice.index()
    tx.save(invoice, condition=Invoice.status == "draft")


def _require_room(invoice: Invoice, more: int) -> None:
    if int(invoice.line_count) + more > MAX_LINES:
        raise ValidationFailed.field("line_items", f"an invoice holds at most {MAX_LINES} line items")


def _billable_projects(principal: Principal, invoice: Invoice) -> list:
    """The projects whose time this invoice bills: its project, else every project of its client."""
    if invoice.project_id:
        project = projects.find(org_id=invoice.org_id, project_id=invoice.project_id)
        return [project] if project is not None else []
    return [project for project in projects.list_visible(principal=principal) if project.client_id == invoice.client_id]


def _new_line(invoice: Invoice, **fields) -> InvoiceLine:
    now = utcnow()
    line_id = fields.pop("id", None) or new_id("li")
    return InvoiceLine(
        *InvoiceLine.keys(invoice.org_id, invoice.id, line_id),
        id=line_id,
        org_id=invoice.org_id,
        invoice_id=invoice.id,
        created_at=fields.pop("created_at", None) or now,
        updated_at=now,
        **fields,
    )


def add_line(*, principal: Principal, invoice_id: str, body: LineItemCreate) -> InvoiceLine:
    """A line on a draft; linked time entries are marked billed in the same transaction."""

    def attempt() -> InvoiceLine:
        invoice = _draft(principal, invoice_id)
        _require_room(invoice, 1)
        entries = []
        if body.time_entry_ids:
            scope = {project.id for project in _billable_projects(principal, invoice)}
            entries = billing.claimable(org_id=invoice.org_id, entry_ids=body.time_entry_ids, project_ids=scope)
        # What reports count for the linked time is frozen as the rate card prices it (the line's price is the
        # admin's own); billed time is never re-priced or re-rounded afterwards.
        priced = rates.rate_card(org_id=invoice.org_id).price(entries) if entries else {}
        invoice.line_seq = int(invoice.line_seq or 0) + 1
        line = _new_line(
            invoice,
            description=body.description,
            quantity=totals.plain(body.quantity),
            unit_price=body.unit_price,
            amount=totals.line_amount(body.quantity, body.unit_price),
            time_entry_ids=[entry.id for entry in entries],
            position=invoice.line_seq,
        )
        total_before = int(invoice.total)
        invoice.line_count = int(invoice.line_count) + 1
        _recompute(invoice, int(invoice.subtotal) + int(line.amount))
        with transaction() as tx:
            tx.save(line, condition=InvoiceLine.PK.does_not_exist())
            _save_draft(tx, invoice)
            for entry in entries:
                billing.mark_billed(tx, entry=entry, invoice_id=invoice.id, line_id=line.id, priced=priced[entry.id])
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="created",
                entity_type="invoice_line_item",
                entity_id=line.id,
                changes={
                    "invoice_id": {"from": None, "to": invoice.id},
                    **audit.diff({}, _line_snapshot(line)),
                    "time_entry_ids": {"from": None, "to": list(line.time_entry_ids)},
                    "invoice_total": {"from": total_before, "to": int(invoice.total)},
                },
            )
        return line

    return _retry(attempt)


def update_line(*, principal: Principal, invoice_id: str, line_id: str, changes: LineItemUpdate) -> InvoiceLine:
    """Change a draft's line (description, quantity, unit price); its amount and the totals follow."""
    fields = _present(changes.model_dump(exclude_unset=True), LineItemUpdate.NOT_NULL)

    def attempt() -> InvoiceLine:
        invoice = _draft(principal, invoice_id)
        line = _line(invoice, line_id)
        before = _line_snapshot(line)
        if "description" in fields:
            line.description = fields["description"]
        if "quantity" in fields:
            line.quantity = totals.plain(fields["quantity"])
        if "unit_price" in fields:
            line.unit_price = fields["unit_price"]
        if "quantity" in fields or "unit_price" in fields:  # a generated line keeps its time's value until then
            line.amount = totals.line_amount(Decimal(line.quantity), int(line.unit_price))
        changed = audit.diff(before, _line_snapshot(line))
        if not changed:
            return line
        total_before = int(invoice.total)
        _recompute(invoice, int(invoice.subtotal) - before["amount"] + int(line.amount))
        line.updated_at = utcnow()
        with transaction() as tx:
            tx.save(line)
            _save_draft(tx, invoice)
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="updated",
                entity_type="invoice_line_item",
                entity_id=line.id,
                changes={**changed, "invoice_total": {"from": total_before, "to": int(invoice.total)}},
            )
        return line

    return _retry(attempt)


def remove_line(*, principal: Principal, invoice_id: str, line_id: str) -> None:
    """Remove a draft's line; the time entries it billed are released."""

    def attempt() -> tuple[InvoiceLine, list[str]]:
        invoice = _draft(principal, invoice_id)
        line = _line(invoice, line_id)
        entry_ids = list(line.time_entry_ids or [])
        now_ids, later_ids = entry_ids[:IN_TRANSACTION_RELEASES], entry_ids[IN_TRANSACTION_RELEASES:]
        entries = [
            entry
            for entry in billing.read(org_id=invoice.org_id, entry_ids=now_ids).values()
            if entry.invoice_id == invoice.id and entry.invoice_line_id == line.id
        ]
        total_before = int(invoice.total)
        invoice.line_count = max(0, int(invoice.line_count) - 1)
        _recompute(invoice, int(invoice.subtotal) - int(line.amount))
        with transaction() as tx:
            tx.delete(line)
            _save_draft(tx, invoice)
            for entry in entries:
                billing.release(tx, entry=entry, invoice_id=invoice.id, line_id=line.id)
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="deleted",
                entity_type="invoice_line_item",
                entity_id=line.id,
                changes={
                    "description": {"from": line.description, "to": None},
                    "time_entry_ids": {"from": entry_ids, "to": None},
                    "invoice_total": {"from": total_before, "to": int(invoice.total)},
                },
            )
        return line, later_ids

    line, later_ids = _retry(attempt)
    if later_ids:  # more than one transaction holds: released right after, with a job in case this request dies
        payload = {"org_id": line.org_id, "invoice_id": line.invoice_id, "line_id": line.id, "entry_ids": later_ids}
        jobs.enqueue(LINE_RELEASED_JOB, payload)
        _release_line_entries(payload)


@jobs.job(LINE_RELEASED_JOB)
def _release_line_entries(payload: dict) -> None:
    billing.release_now(
        org_id=payload["org_id"],
        invoice_id=payload["invoice_id"],
        line_id=payload["line_id"],
        entry_ids=payload["entry_ids"],
    )


# --- generate from tracked time ------------------------------------------------------------------------------


@dataclass
class _Group:
    """One generated line: the time of one project, task and rate; what of it has been committed so far."""

    project_id: str
    task_id: str | None
    rate: int
    description: str
    line_id: str = field(default_factory=lambda: new_id("li"))
    seconds: int = 0
    amount: int = 0
    entry_ids: list[str] = field(default_factory=list)
    position: int | None = None
    version: int | None = None
    created_at: datetime | None = None

    @property
    def key(self) -> tuple:
        return (self.project_id, self.task_id, self.rate)


def _group_key(entry, card: rates.RateCard) -> tuple:
    return (entry.project_id, entry.task_id, int(card.rate(entry) or 0))


def _describe(project, task) -> str:
    name = project.name if project is not None else "Time"
    return f"{name} - {task.title}" if task is not None else name


def _batches(items: list[tuple[_Group, object]]) -> list[list[tuple[_Group, object]]]:
    """Cut (group, entry) pairs into transactions: entries + their lines + the invoice + the audit entry ≤ 100."""
    batches: list[list] = []
    current: list = []
    groups: set = set()
    for group, entry in items:
        fresh = group.key not in groups
        if current and len(current) + 1 + len(groups) + fresh + 2 > TRANSACTION_ITEMS:
            batches.append(current)
            current, groups = [], set()
        current.append((group, entry))
        groups.add(group.key)
    if current:
        batches.append(current)
    return batches


def generate(*, principal: Principal, invoice_id: str, body: GenerateRequest) -> tuple[Invoice, list[InvoiceLine]]:
    """Bill a draft's client/project's unbilled time in the range: one line per project, task and rate.

    Entries are marked billed in the transactions that write their lines, each conditioned on the entry
    still being unbilled, so time billed by a concurrent generate is skipped, never billed twice.
    """
    invoice = _draft(principal, invoice_id)
    if body.since and body.until and body.since > body.until:
        raise ValidationFailed.field("to", "must be on or after from")
    since = _day_start(body.since) if body.since else None
    until = _day_start(body.until + timedelta(days=1)) if body.until else None
    scope = _billable_projects(principal, invoice)
    entries = billing.unbilled(
        org_id=invoice.org_id,
        project_ids=[project.id for project in scope],
        since=since,
        until=until,
        limit=MAX_GENERATE_ENTRIES,
    )
    card = rates.rate_card(org_id=invoice.org_id, known_projects=scope)
    # Raw seconds rounded by the project's (or org's) rule over the whole range, as a report of it rounds them.
    priced = card.price(entries)
    groups: dict[tuple, _Group] = {}
    for entry in entries:
        key = _group_key(entry, card)
        if key not in groups:
            task = tasks.find(org_id=invoice.org_id, task_id=entry.task_id) if entry.task_id else None
            groups[key] = _Group(
                entry.project_id, entry.task_id, key[2], _describe(card.project(entry.project_id), task)
            )
    _require_room(invoice, len(groups))
    ordered = sorted(groups.values(), key=lambda group: (group.description.lower(), group.rate, group.line_id))
    by_group = {group.key: [] for group in ordered}
    for entry in entries:
        by_group[_group_key(entry, card)].append(entry)
    items = [(group, entry) for group in ordered for entry in by_group[group.key]]
    for batch in _batches(items):
        _bill(principal, invoice_id, batch, card, priced)
    return get(principal=principal, invoice_id=invoice_id)


def _bill(principal: Principal, invoice_id: str, batch: list, card: rates.RateCard, priced: dict) -> None:
    """Write one batch of generated time: its lines (new or grown), the entries marked billed, the totals.

    `priced` has each entry's rounded seconds and amount (rates.RateCard.price); they are frozen on the entry.
    """
    pending = list(batch)
    for attempt in range(ATTEMPTS):
        if not pending:
            return
        invoice = _draft(principal, invoice_id)
        grouped: dict[str, tuple[_Group, list]] = {}
        for group, entry in pending:
            grouped.setdefault(group.line_id, (group, []))[1].append(entry)
        fresh = [group for group, _ in grouped.values() if group.version is None]
        _require_room(invoice, len(fresh))
        total_before, subtotal, lines = int(invoice.total), int(invoice.subtotal), []
        for group, group_entries in grouped.values():
            seconds = group.seconds + sum(priced[entry.id].rounded_seconds for entry in group_entries)
            quantity = totals.hours(seconds)
            if group.position is None:
                invoice.line_seq = int(invoice.line_seq or 0) + 1
            line = _new_line(
                invoice,
                id=group.line_id,
                description=group.description,
                quantity=totals.plain(quantity),
                unit_price=group.rate,
                # The time's value as reports price it: rounded time, half-up to the cent (decisions 25, 88).
                amount=group.amount + sum(priced[entry.id].amount for entry in group_entries),
                time_entry_ids=group.entry_ids + [entry.id for entry in group_entries],
                project_id=group.project_id,
                task_id=group.task_id,
                seconds=seconds,
                position=group.position or int(invoice.line_seq),
                created_at=group.created_at,
            )
            if group.version is not None:
                line.version = group.version
            subtotal += int(line.amount) - group.amount
            lines.append((group, line))
        invoice.line_count = int(invoice.line_count) + len(fresh)
        _recompute(invoice, subtotal)
        billed = [entry.id for _, entry in pending]
        try:
            with transaction() as tx:
                for group, line in lines:
                    tx.save(line, condition=InvoiceLine.PK.does_not_exist() if group.version is None else None)
                _save_draft(tx, invoice)
                for group, entry in pending:
                    billing.mark_billed(
                        tx, entry=entry, invoice_id=invoice.id, line_id=group.line_id, priced=priced[entry.id]
                    )
                audit.record(
                    tx,
                    org_id=invoice.org_id,
                    actor=principal,
                    action="generated",
                    entity_type="invoice",
                    entity_id=invoice.id,
                    changes={
                        "time_entry_ids": {"from": None, "to": billed},
                        "total": {"from": total_before, "to": int(invoice.total)},
                    },
                )
        except TransactionCancelled as error:
            pending = _still_billable(pending, error, card, priced)
            _backoff(attempt)
            continue
        for group, line in lines:
            group.seconds, group.amount = int(line.seconds), int(line.amount)
            group.entry_ids, group.version = list(line.time_entry_ids), line.version
            group.position, group.created_at = int(line.position), line.created_at
        return
    raise Conflict(CHANGED)


def _still_billable(pending: list, error: TransactionCancelled, card: rates.RateCard, priced: dict) -> list:
    """After a cancelled batch: entries whose condition failed are re-read and kept only if still unbilled.

    A kept entry that was edited meanwhile is priced again on its own (its rounding unit was already cut).
    """
    failed = [entry for _, entry in pending if error.failed(entry.PK, entry.SK)]
    if not failed:
        return pending  # only the invoice changed, or a concurrent transaction got in the way: retry as is
    fresh = billing.read(org_id=failed[0].org_id, entry_ids=[entry.id for entry in failed])
    kept = []
    for group, entry in pending:
        if not error.failed(entry.PK, entry.SK):
            kept.append((group, entry))
            continue
        now = fresh.get(entry.id)
        if now is not None and billing.is_unbilled(now) and _group_key(now, card) == group.key:
            if rates.seconds(now) != priced[now.id].seconds:
                priced[now.id] = card.price([now])[now.id]
            kept.append((group, now))
        else:
            logger.info("time entry billed elsewhere meanwhile", extra={"entry_id": entry.id})
    return kept


# --- PDF, send, void -----------------------------------------------------------------------------------------


def _address_lines(address: dict | None) -> tuple[str, ...]:
    address = address or {}
    place = " ".join(part for part in (address.get("zip"), address.get("city"), address.get("state")) if part)
    return tuple(part for part in (address.get("street"), place, address.get("country")) if part)


def _document(invoice: Invoice, lines: list[InvoiceLine]) -> pdf.Document:
    org = orgs.get_active(org_id=invoice.org_id)
    client = clients.find(org_id=invoice.org_id, client_id=invoice.client_id)
    buyer = (
        pdf.Party(client.name, (*_address_lines(client.address), *([client.email] if client.email else [])))
        if client is not None
        else pdf.Party("(deleted client)")
    )
    return pdf.Document(
        number=invoice.number,
        status=invoice.status,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        seller=pdf.Party(org.name),
        buyer=buyer,
        lines=tuple(
            pdf.Line(line.description, Decimal(line.quantity), int(line.unit_price), int(line.amount)) for line in lines
        ),
        subtotal=int(invoice.subtotal),
        discount=Decimal(invoice.discount),
        discount_amount=int(invoice.discount_amount),
        tax_rate=Decimal(invoice.tax_rate),
        tax_amount=int(invoice.tax_amount),
        total=int(invoice.total),
        amount_paid=int(invoice.amount_paid),
        notes=invoice.notes,
    )


def render_pdf(*, principal: Principal, invoice_id: str) -> tuple[str, bytes]:
    """The invoice as a PDF: (file name, bytes)."""
    invoice, lines = get(principal=principal, invoice_id=invoice_id)
    return f"{invoice.number}.pdf", pdf.render(_document(invoice, lines))


def _client_recipients(principal: Principal, invoice: Invoice) -> list[str]:
    page = clients.list_contacts(principal=principal, client_id=invoice.client_id, filters=ContactFilters(per_page=100))
    addresses = [contact.email for contact in page.items if contact.email]
    if not addresses:
        client = clients.find(org_id=invoice.org_id, client_id=invoice.client_id)
        addresses = [client.email] if client is not None and client.email else []
    return addresses


def _distinct(addresses: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        seen.setdefault(address.lower(), address)
    return list(seen.values())[:MAX_RECIPIENTS]


def send(*, principal: Principal, invoice_id: str, body: SendRequest) -> tuple[Invoice, list[InvoiceLine]]:
    """Send a draft: it becomes `sent` now and a job emails the PDF to `to` or the client's contacts, once."""
    invoice = _get(principal, invoice_id)
    if invoice.status == "void":
        raise Conflict("A void invoice cannot be sent.")
    if invoice.status != "draft":
        raise Conflict("This invoice was already sent.")
    if not int(invoice.line_count):
        raise Conflict("Add line items before sending the invoice.")
    recipients = _distinct(list(body.to) if body.to else _client_recipients(principal, invoice))
    if not recipients:
        raise ValidationFailed.field("to", "the client has no contact with an email address; give the recipients")
    before, now = _snapshot(invoice), utcnow()
    invoice.status, invoice.sent_at, invoice.sent_to = "sent", now, recipients
    invoice.send_id, invoice.updated_at = new_id("snd"), now
    invoice.index()
    try:
        with transaction() as tx:
            tx.save(invoice, condition=Invoice.status == "draft")
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="sent",
                entity_type="invoice",
                entity_id=invoice.id,
                changes={**audit.diff(before, _snapshot(invoice)), "sent_to": {"from": None, "to": recipients}},
            )
    except TransactionCancelled as error:
        raise Conflict("The invoice was changed or sent at the same time; reload it.") from error
    jobs.enqueue(
        SEND_JOB,
        {"org_id": invoice.org_id, "invoice_id": invoice.id, "send_id": invoice.send_id, "message": body.message},
    )
    return invoice, lines_of(invoice)


def _email(invoice: Invoice, message: str | None):
    document = _document(invoice, lines_of(invoice))
    amount = pdf.money(document.total - document.amount_paid, invoice.currency)
    seller = document.seller.name
    text = "\n\n".join(
        part
        for part in (
            message,
            f"Invoice {invoice.number} from {seller} for {amount} is due on {invoice.due_date}.",
            "The invoice is attached as a PDF.",
            seller,
        )
        if part
    )
    return mail.build_message(
        to=list(invoice.sent_to or []),
        subject=f"Invoice {invoice.number} from {seller}",
        text=text,
        attachments=[(f"{invoice.number}.pdf", "application/pdf", pdf.render(document))],
    )


def _claim_send(invoice: Invoice, send_id: str) -> bool:
    now = utcnow()
    try:
        invoice.update(
            actions=[Invoice.emailing_until.set(now + SEND_LEASE)],
            condition=(Invoice.send_id == send_id)
            & Invoice.emailed_at.does_not_exist()
            & (Invoice.emailing_until.does_not_exist() | (Invoice.emailing_until < now)),
            add_version_condition=False,
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


@jobs.job(SEND_JOB)
def _deliver(payload: dict) -> None:
    """Email a sent invoice with its PDF, once per send: a lease on the invoice, then `emailed_at`."""
    invoice = find(org_id=payload["org_id"], invoice_id=payload["invoice_id"], consistent=True)
    if invoice is None or invoice.send_id != payload["send_id"] or invoice.emailed_at is not None:
        return
    if not _claim_send(invoice, payload["send_id"]):
        logger.info("invoice already being emailed", extra={"invoice_id": invoice.id})
        return
    try:
        mail.send(_email(invoice, payload.get("message")))
    except BaseException:
        invoice.update(actions=[Invoice.emailing_until.remove()], add_version_condition=False)  # a retry may send
        raise
    invoice.update(
        actions=[Invoice.emailed_at.set(utcnow()), Invoice.emailing_until.remove()], add_version_condition=False
    )


def void(*, principal: Principal, invoice_id: str) -> tuple[Invoice, list[InvoiceLine]]:
    """Void an invoice that has no payments; its lines stay as a record and their time entries are released."""

    def attempt() -> Invoice:
        invoice = _get(principal, invoice_id)
        if invoice.status == "void":
            raise Conflict("This invoice is already void.")
        if int(invoice.amount_paid):
            raise Conflict("An invoice with payments cannot be voided; delete its payments first.")
        before, now = _snapshot(invoice), utcnow()
        invoice.status, invoice.voided_at, invoice.updated_at = "void", now, now
        invoice.index()
        with transaction() as tx:
            tx.save(invoice, condition=Invoice.amount_paid == 0)
            audit.record(
                tx,
                org_id=invoice.org_id,
                actor=principal,
                action="voided",
                entity_type="invoice",
                entity_id=invoice.id,
                changes=audit.diff(before, _snapshot(invoice)),
            )
        return invoice

    invoice = _retry(attempt)
    payload = {"org_id": invoice.org_id, "invoice_id": invoice.id}
    jobs.enqueue(INVOICE_VOIDED_JOB, payload)
    _release_voided(payload)
    return invoice, lines_of(invoice)


@jobs.job(INVOICE_VOIDED_JOB)
def _release_voided(payload: dict) -> None:
    """A void invoice's time entries become billable again; safe to repeat."""
    invoice = find(org_id=payload["org_id"], invoice_id=payload["invoice_id"], consistent=True)
    if invoice is None or invoice.status != "void":
        return
    for line in lines_of(invoice):
        billing.release_now(
            org_id=invoice.org_id, invoice_id=invoice.id, line_id=line.id, entry_ids=list(line.time_entry_ids or [])
        )


# --- payments (called by payments.service inside its transactions) ------------------------------------------


def payable(*, org_id: str, invoice_id: str, field: str = "invoice_id") -> Invoice:
    """An invoice a payment refers to, read consistently: 400 naming `field` unless it is in the org."""
    invoice = find(org_id=org_id, invoice_id=invoice_id, consistent=True)
    if invoice is None:
        raise ValidationFailed.field(field, "does not exist in this organization")
    return invoice


def apply_payment(
    tx, *, invoice: Invoice, delta: int, paid_at: datetime, method: str | None, actor: Principal | Actor
) -> None:
    """In `tx`: `delta` cents more (or less) paid on the invoice, version-checked; `paid` exactly when covered.

    Overpaying is a 400 naming `amount`; drafts and void invoices take no payments (409). Becoming paid writes
    the `invoice_paid` event in `tx`; falling below the total again makes it `sent` (or `overdue`) again.
    """
    if invoice.status not in PAYABLE:
        raise Conflict("Only sent or overdue invoices take payments.")
    total, paid = int(invoice.total), int(invoice.amount_paid) + delta
    if paid > total:
        balance = total - int(invoice.amount_paid)
        raise ValidationFailed.field("amount", f"exceeds the invoice's balance due of {balance}")
    if paid < 0:
        raise Conflict("The invoice's payments changed at the same time; reload and retry.")
    before, now = _snapshot(invoice), utcnow()
    invoice.amount_paid = paid
    became_paid = paid == total and invoice.status != "paid"
    if became_paid:
        invoice.status, invoice.paid_at, invoice.payment_method = "paid", paid_at, method
    elif paid < total and invoice.status == "paid":
        invoice.status = "overdue" if invoice.due_date < now.date().isoformat() else "sent"
        invoice.paid_at = invoice.payment_method = None
    invoice.updated_at = now
    invoice.index()
    tx.save(invoice, condition=Invoice.status.is_in(*PAYABLE))
    audit.record(
        tx,
        org_id=invoice.org_id,
        actor=actor,
        action="paid" if became_paid else "payment_applied",
        entity_type="invoice",
        entity_id=invoice.id,
        changes=audit.diff(before, _snapshot(invoice)),
    )
    if became_paid:
        events.emit(
            tx,
            org_id=invoice.org_id,
            type="invoice_paid",
            actor_id=getattr(actor, "user_id", None),
            recipients=[invoice.created_by],
            data={
                "invoice_id": invoice.id,
                "number": invoice.number,
                "client_id": invoice.client_id,
                "total": total,
                "currency": invoice.currency,
                "paid_at": to_rfc3339(paid_at),
            },
        )


# --- overdue -------------------------------------------------------------------------------------------------


def mark_overdue(*, now: datetime) -> int:
    """Every sent invoice due before today (UTC) becomes overdue, with an event; safe to run twice. How many."""
    today = now.astimezone(UTC).date().isoformat()
    due = Invoice.gsi1.query(Invoice.SENT_PARTITION, Invoice.due_before(today), limit=MAX_OVERDUE_PER_RUN)
    return sum(_mark_overdue(candidate.org_id, candidate.id, today) for candidate in due)


def _mark_overdue(org_id: str, invoice_id: str, today: str) -> int:
    invoice = find(org_id=org_id, invoice_id=invoice_id, consistent=True)  # the index may lag the table
    if invoice is None or invoice.status != "sent" or invoice.due_date >= today:
        return 0
    before = _snapshot(invoice)
    invoice.status, invoice.updated_at = "overdue", utcnow()
    invoice.index()
    try:
        with transaction() as tx:
            tx.save(invoice, condition=Invoice.status == "sent")
            audit.record(
                tx,
                org_id=org_id,
                actor=SYSTEM,
                action="overdue",
                entity_type="invoice",
                entity_id=invoice.id,
                changes=audit.diff(before, _snapshot(invoice)),
            )
            events.emit(
                tx,
                org_id=org_id,
                type="invoice_overdue",
                recipients=[invoice.created_by],
                data={
                    "invoice_id": invoice.id,
                    "number": invoice.number,
                    "client_id": invoice.client_id,
                    "due_date": invoice.due_date,
                    "balance_due": int(invoice.total) - int(invoice.amount_paid),
                    "currency": invoice.currency,
                },
            )
    except TransactionCancelled:  # paid or changed meanwhile: the next run looks again
        logger.info("invoice changed before it could become overdue", extra={"invoice_id": invoice_id})
        return 0
    return 1


# --- search --------------------------------------------------------------------------------------------------


def _reindex(invoice: Invoice) -> None:
    indexing.request_reindex(org_id=invoice.org_id, entity_type="invoice", entity_id=invoice.id)


def _search_document(*, org_id: str, entity_id: str) -> indexing.Document | None:
    """An invoice is found by its number, its client's name and its notes; only admins handle invoices."""
    invoice = find(org_id=org_id, invoice_id=entity_id)
    if invoice is None:
        return None
    client = clients.find(org_id=org_id, client_id=invoice.client_id)
    client_name = client.name if client is not None else ""
    return indexing.Document(
        title=f"{invoice.number} {client_name}".strip(),
        text=" ".join([invoice.number, client_name, invoice.notes or ""]),
        project_id=invoice.project_id,
        private_to=indexing.ADMINS_ONLY,
    )


indexing.register_source("invoice", _search_document)
