"""Payments against invoices (admins and owners): partial payments add up; the invoice is paid when covered.

Every payment write carries the invoice's update (`invoices.apply_payment`) in the same transaction, version-
checked, so concurrent payments are applied one after another and can never overpay: the loser re-reads the
invoice and either fits in the new balance or is a 400.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from chalicelib.audit import service as audit
from chalicelib.core.auth import Principal
from chalicelib.core.db import TransactionCancelled, transaction
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.listing import Page, all_of, query_page
from chalicelib.core.sync import changed_since
from chalicelib.core.timeutil import to_rfc3339, to_sortable, utcnow
from chalicelib.invoices import service as invoices
from chalicelib.payments.models import Payment
from chalicelib.payments.schemas import MarkPaid, PaymentCreate, PaymentFilters, PaymentUpdate

ATTEMPTS = 10  # re-reads of the invoice when payments on it race
CHANGED = "The invoice's payments changed at the same time; reload and retry."
_AUDITED = ("invoice_id", "amount", "method", "paid_at", "notes")


def _snapshot(payment: Payment) -> dict:
    values = {name: getattr(payment, name) for name in _AUDITED}
    values["amount"] = int(values["amount"])
    values["paid_at"] = to_rfc3339(values["paid_at"])
    return values


def _retry(attempt):
    for number in range(ATTEMPTS):
        try:
            return attempt()
        except TransactionCancelled as error:
            if number == ATTEMPTS - 1:
                raise Conflict(CHANGED) from error
            time.sleep(random.uniform(0, 0.01 * min(2**number, 16)))
    raise AssertionError("unreachable")


def _record(tx, principal: Principal, action: str, payment: Payment, changes: dict) -> None:
    audit.record(
        tx,
        org_id=payment.org_id,
        actor=principal,
        action=action,
        entity_type="payment",
        entity_id=payment.id,
        changes=changes,
    )


# --- reading -------------------------------------------------------------------------------------------------


def _get(principal: Principal, payment_id: str) -> Payment:
    principal.require_admin()
    payment = (
        Payment.get_or_none(*Payment.keys(principal.org_id, payment_id), consistent=True)
        if is_id(payment_id, "pay")
        else None
    )
    if payment is None:
        raise NotFound("Payment not found.")
    return payment


def get(*, principal: Principal, payment_id: str) -> Payment:
    """A payment of the org (admins and owners)."""
    return _get(principal, payment_id)


def _range(since: date | None, until: date | None) -> tuple[str, str]:
    if since and until and since > until:
        raise ValidationFailed.field("from", "must be on or before to")
    low = to_sortable(datetime.combine(since, clock.min, tzinfo=UTC)) if since else "0"
    high = to_sortable(datetime.combine(until + timedelta(days=1), clock.min, tzinfo=UTC)) if until else "~"
    return low, high


def list_payments(*, principal: Principal, filters: PaymentFilters) -> Page:
    """The org's payments, newest payment date first, by invoice or client, within `from`/`to`."""
    principal.require_admin()
    org = principal.org_id
    low, high = _range(filters.since, filters.until)
    condition = None
    if filters.invoice_id:
        partition, index, sort_key = Payment.invoice_partition(org, filters.invoice_id), Payment.gsi3, Payment.GSI3SK
        if filters.client_id:
            condition = Payment.client_id == filters.client_id
    elif filters.client_id:
        partition, index, sort_key = Payment.client_partition(org, filters.client_id), Payment.gsi4, Payment.GSI4SK
    else:
        partition, index, sort_key = Payment.org_partition(org), Payment.gsi2, Payment.GSI2SK
    return query_page(
        Payment,
        partition,
        index=index,
        range_key_condition=sort_key.between(low, high),
        filter_condition=all_of([condition, changed_since(Payment, filters.updated_since)]),
        limit=filters.per_page,
        cursor=filters.cursor,
        offset=filters.offset,
        newest_first=True,
        scope=f"{org}:payments:{partition}:{filters.client_id}:{low}:{high}",
    )


def payments_between(*, org_id: str, since: date, until: date, client_id: str | None = None) -> list[Payment]:
    """Every payment dated from `since` through `until` (UTC days), oldest first; for reports."""
    low, high = _range(since, until)
    if client_id:
        index, partition, sort_key = Payment.gsi4, Payment.client_partition(org_id, client_id), Payment.GSI4SK
    else:
        index, partition, sort_key = Payment.gsi2, Payment.org_partition(org_id), Payment.GSI2SK
    return list(index.query(partition, sort_key.between(low, high), page_size=500))


# --- writing -------------------------------------------------------------------------------------------------


def _new_payment(principal: Principal, invoice, *, amount: int, method, paid_at, notes) -> Payment:
    payment_id, now = new_id("pay"), utcnow()
    payment = Payment(
        *Payment.keys(principal.org_id, payment_id),
        id=payment_id,
        org_id=principal.org_id,
        invoice_id=invoice.id,
        client_id=invoice.client_id,
        amount=amount,
        currency=invoice.currency,
        method=method,
        paid_at=paid_at or now,
        notes=notes,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    payment.index()
    return payment


def create(*, principal: Principal, body: PaymentCreate) -> Payment:
    """Record a payment against a sent or overdue invoice; more than its balance due is a 400."""
    principal.require_admin()

    def attempt() -> Payment:
        invoice = invoices.payable(org_id=principal.org_id, invoice_id=body.invoice_id)
        payment = _new_payment(
            principal, invoice, amount=body.amount, method=body.method, paid_at=body.paid_at, notes=body.notes
        )
        with transaction() as tx:
            tx.save(payment, condition=Payment.PK.does_not_exist())
            invoices.apply_payment(
                tx, invoice=invoice, delta=body.amount, paid_at=payment.paid_at, method=payment.method, actor=principal
            )
            _record(tx, principal, "created", payment, audit.diff({}, _snapshot(payment)))
        return payment

    return _retry(attempt)


def mark_paid(*, principal: Principal, invoice_id: str, body: MarkPaid):
    """Mark a sent or overdue invoice paid: a payment of its balance due is recorded. Returns (invoice, lines)."""
    principal.require_admin()

    def attempt() -> None:
        invoice = invoices.find(org_id=principal.org_id, invoice_id=invoice_id, consistent=True)
        if invoice is None:
            raise NotFound("Invoice not found.")
        if invoice.status == "paid":
            raise Conflict("This invoice is already paid.")
        if invoice.status not in ("sent", "overdue"):
            raise Conflict("Only sent or overdue invoices can be marked paid.")
        balance = int(invoice.total) - int(invoice.amount_paid)
        paid_at = body.paid_at or utcnow()
        with transaction() as tx:
            if balance > 0:
                payment = _new_payment(
                    principal, invoice, amount=balance, method=body.payment_method, paid_at=paid_at, notes=None
                )
                tx.save(payment, condition=Payment.PK.does_not_exist())
                _record(tx, principal, "created", payment, audit.diff({}, _snapshot(payment)))
            invoices.apply_payment(
                tx, invoice=invoice, delta=balance, paid_at=paid_at, method=body.payment_method, actor=principal
            )

    _retry(attempt)
    return invoices.get(principal=principal, invoice_id=invoice_id)


def update(*, principal: Principal, payment_id: str, changes: PaymentUpdate) -> Payment:
    """Change a payment's amount, method or notes; a new amount moves the invoice's paid amount and status."""
    fields = changes.model_dump(exclude_unset=True)

    def attempt() -> Payment:
        payment = _get(principal, payment_id)
        before = _snapshot(payment)
        for name, value in fields.items():
            setattr(payment, name, value)
        changed = audit.diff(before, _snapshot(payment))
        if not changed:
            return payment
        delta = int(payment.amount) - before["amount"]
        invoice = invoices.payable(org_id=payment.org_id, invoice_id=payment.invoice_id) if delta else None
        payment.updated_at = utcnow()
        with transaction() as tx:
            tx.save(payment)
            if invoice is not None:
                invoices.apply_payment(
                    tx, invoice=invoice, delta=delta, paid_at=payment.paid_at, method=payment.method, actor=principal
                )
            _record(tx, principal, "updated", payment, changed)
        return payment

    return _retry(attempt)


def delete(*, principal: Principal, payment_id: str) -> None:
    """Delete a payment; its amount is no longer paid on the invoice (a paid invoice is due again)."""

    def attempt() -> None:
        payment = _get(principal, payment_id)
        invoice = invoices.payable(org_id=payment.org_id, invoice_id=payment.invoice_id)
        with transaction() as tx:
            tx.delete(payment)
            invoices.apply_payment(
                tx,
                invoice=invoice,
                delta=-int(payment.amount),
                paid_at=payment.paid_at,
                method=payment.method,
                actor=principal,
            )
            _record(tx, principal, "deleted", payment, {"amount": {"from": int(payment.amount), "to": None}})

    _retry(attempt)
