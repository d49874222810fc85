"""What a notification says: its title and message in the app, and the email that carries it."""

from dataclasses import dataclass
from html import escape
from typing import Any

from chalicelib.core.config import get_settings

EXCERPT_CHARS = 200
_FOOTER = "You can choose which notifications you get by email in your notification preferences."


@dataclass(frozen=True)
class Rendered:
    title: str
    message: str
    link: str | None

    def email(self) -> tuple[str, str, str]:
        """(subject, plain text, HTML) of the email version."""
        url = f"{get_settings().public_base_url.rstrip('/')}{self.link}" if self.link else None
        text = f"{self.title}\n\n{self.message}\n"
        html = f"<p><b>{escape(self.title)}</b></p><p>{escape(self.message).replace(chr(10), '<br>')}</p>"
        if url:
            text += f"\nOpen in Stint: {url}\n"
            html += f'<p><a href="{escape(url)}">Open in Stint</a></p>'
        text += f"\n--\n{_FOOTER}\n"
        html += f'<hr><p style="color:#6b7280;font-size:12px">{escape(_FOOTER)}</p>'
        return self.title, text, html


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of a text, on one line, cut at `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _tasks_lines(tasks: list[dict[str, Any]]) -> str:
    return "\n".join(f"• {task.get('title', '')}" for task in tasks)


def render(event_type: str, data: dict[str, Any], actor: str) -> Rendered:
    """The notification an event of this type becomes; `actor` is who caused it ("Someone" if unknown)."""
    title = str(data.get("title") or "")
    link = data.get("link")
    if event_type == "task_assigned":
        return Rendered(f"{actor} assigned you a task", title, link)
    if event_type == "task_commented":
        return Rendered(f"{actor} commented on {title}", excerpt(str(data.get("excerpt") or title)), link)
    if event_type == "task_status_changed":
        moved = f"{title} moved to {data.get('to')}"
        return Rendered(moved, f"{actor} changed the status from {data.get('from')} to {data.get('to')}.", link)
    if event_type == "invoice_paid":
        number = data.get("number") or data.get("invoice_id") or ""
        link = link or (f"/invoices?invoice={data['invoice_id']}" if data.get("invoice_id") else None)
        return Rendered(f"Invoice {number} was paid" if number else "An invoice was paid", _paid_message(data), link)
    if event_type == "chat_mentioned":
        channel = data.get("channel_name") or "a channel"
        return Rendered(f"{actor} mentioned you in #{channel}", excerpt(str(data.get("excerpt") or "")), link)
    if event_type == "task_due":
        tasks = list(data.get("tasks") or [])
        heading = (
            f"Task due tomorrow: {tasks[0].get('title', '')}" if len(tasks) == 1 else f"{len(tasks)} tasks due tomorrow"
        )
        return Rendered(heading, _tasks_lines(tasks), link)
    if event_type == "daily_digest":
        return Rendered(f"Your day in {data.get('org_name') or 'Stint'}", _digest_message(data), link)
    if event_type == "budget_alert":
        return Rendered(f"{title} reached {data.get('threshold')}% of its budget", _budget_message(data), link)
    if event_type == "webhook_disabled":
        body = f"Deliveries to {data.get('url') or title} failed {data.get('failures')} times in a row, so Stint"
        return Rendered("A webhook was disabled", f"{body} stopped sending them. Fix it, then re-enable it.", link)
    if event_type == "member_invited":
        org = data.get("org_name") or "the organization"
        return Rendered(f"{actor} invited you to {org}", f"Welcome to {org} on Stint.", link)
    if event_type.startswith("timesheet_"):
        return _timesheet(event_type, data, actor, link)
    return Rendered(title or event_type.replace("_", " "), "", link)


def _timesheet(event_type: str, data: dict[str, Any], actor: str, link: str | None) -> Rendered:
    period = data.get("week") or f"{data.get('period_from')} – {data.get('period_to')}"
    hours = f"{int(data.get('total_seconds') or 0) / 3600:.2f} h"
    comment = str(data.get("comment") or "")
    if event_type == "timesheet_submitted":
        return Rendered(f"{actor} submitted a timesheet for {period}", f"{hours} to review.", link)
    if event_type == "timesheet_approved":
        return Rendered(f"{actor} approved your timesheet for {period}", comment or f"{hours} approved.", link)
    return Rendered(f"{actor} rejected your timesheet for {period}", comment, link)


def _budget_message(data: dict[str, Any]) -> str:
    used, amount = int(data.get("used") or 0), int(data.get("budget_amount") or 0)
    if data.get("budget_type") == "money":
        currency = data.get("currency") or ""
        spent, budget = f"{used // 100}.{used % 100:02d} {currency}", f"{amount // 100}.{amount % 100:02d} {currency}"
    else:
        spent, budget = f"{used / 3600:.2f} h", f"{amount / 3600:.2f} h"
    return f"{spent} of {budget} used ({data.get('percent')}%)."


def _paid_message(data: dict[str, Any]) -> str:
    amount, currency = data.get("total", data.get("amount")), data.get("currency")
    if isinstance(amount, int) and currency:
        return f"It was paid in full: {amount // 100}.{amount % 100:02d} {currency}."
    return "The invoice has been paid in full."


def _digest_message(data: dict[str, Any]) -> str:
    parts = []
    for key, heading in (("due_today", "Due today"), ("overdue", "Overdue")):
        tasks = list(data.get(key) or [])
        if tasks:
            parts.append(f"{heading} ({len(tasks)}):\n{_tasks_lines(tasks)}")
    unread = int(data.get("unread") or 0)
    if unread:
        parts.append(f"You have {unread} unread notification{'s' if unread != 1 else ''}.")
    return "\n\n".join(parts) or "Nothing is due today."
