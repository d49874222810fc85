"""Outgoing email: real MIME messages (text + HTML, attachments) sent through SES.

In local mode (`STINT_MAIL_DIR` set) each message is also written there as an `.eml` file.
"""

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from chalicelib.core.aws import client
from chalicelib.core.config import get_settings
from chalicelib.core.ids import new_id


def build_message(
    *, to: list[str], subject: str, text: str, html: str | None = None, attachments: list[tuple[str, str, bytes]] = ()
) -> EmailMessage:
    """A MIME message; attachments are (filename, content type, bytes)."""
    message = EmailMessage()
    message["From"] = get_settings().mail_from
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="stint.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send(message: EmailMessage) -> str:
    """Send through SES; returns SES's message id."""
    raw = message.as_bytes()
    response = client("ses").send_raw_email(RawMessage={"Data": raw})
    mail_dir = get_settings().mail_dir
    if mail_dir:
        Path(mail_dir).mkdir(parents=True, exist_ok=True)
        (Path(mail_dir) / f"{new_id('mail')}.eml").write_bytes(raw)
    return response["MessageId"]


def send_email(*, to: list[str], subject: str, text: str, html: str | None = None) -> str:
    """Build and send a text + HTML email."""
    return send(build_message(to=to, subject=subject, text=text, html=html))
