"""Send: the invoice becomes sent at once and a job emails its PDF exactly once; GET /pdf serves the same PDF."""

import json

import boto3
import pytest

from chalicelib.core import jobs, mail
from chalicelib.invoices.service import SEND_JOB
from tests.api.invoices.helpers import (
    add_line,
    audit_actions,
    create_client,
    create_invoice,
    error,
    field_error,
    invoice,
    pdf_text,
    send,
)
from tests.support.factories import drain_jobs, last_email_to, sent_emails


@pytest.fixture
def ready(owner, client_id) -> dict:
    """A draft with two lines, a 10% discount, 21% tax and notes."""
    draft = create_invoice(owner, client_id, discount=10, tax_rate=21, notes="Payment within 30 days, please.")
    add_line(owner, draft["id"], description="Frontend development", quantity=10.5, unit_price=15000)
    add_line(owner, draft["id"], description="Hosting (March)", quantity=1, unit_price=4999)
    return invoice(owner, draft["id"])


def _attachment(message) -> tuple[str, str, bytes]:
    (part,) = list(message.iter_attachments())
    return part.get_filename(), part.get_content_type(), part.get_content()


def test_sending_marks_it_sent_and_emails_the_pdf_to_the_clients_contacts(owner, ready):
    # WHEN the owner sends the draft with a message
    response = owner.api.post(f"/api/v1/invoices/{ready['id']}/send", json={"message": "Invoice for March."})
    # THEN it is sent now
    assert response.status_code == 200, response.json_body
    assert response.json_body["status"] == "sent" and response.json_body["sent_at"]
    assert audit_actions(owner, ready["id"])[0] == "sent"
    # AND once the job ran, the contact got one email with the message and the PDF attached
    drain_jobs()
    message = last_email_to("carla@acme.example")
    assert message["Subject"] == f"Invoice {ready['number']} from Olive Owner's workspace"
    assert "Invoice for March." in message.get_body(("plain",)).get_content()
    filename, content_type, data = _attachment(message)
    assert (filename, content_type) == (f"{ready['number']}.pdf", "application/pdf")
    # AND the PDF is a real document with the org, client, number, dates, lines, totals and notes
    text = pdf_text(data)
    for expected in (
        "Olive Owner's workspace",
        "Acme Corp",
        ready["number"],
        "2026-04-01",
        "2026-04-30",
        "Frontend development",
        "Hosting (March)",
        "1,624.99 EUR",  # subtotal 157500 + 4999
        "Payment within 30 days, please.",
    ):
        assert expected in text, (expected, text)
    # 162499 − 16249.9 → 16250 = 146249; 21% = 30712.29 → 30712; total 176961
    assert "-162.50 EUR" in text and "307.12 EUR" in text and "1,769.61 EUR" in text
    assert ready["total"] == 176961


def test_the_to_override_replaces_the_contacts(owner, ready):
    send(owner, ready["id"], to=["ap@acme.example", "AP@acme.example", "cfo@acme.example"])
    drain_jobs()
    message = last_email_to("ap@acme.example")
    assert "cfo@acme.example" in message["To"] and "carla@acme.example" not in message["To"]
    assert message["To"].lower().count("ap@acme.example") == 1


def test_a_double_send_is_a_409_and_emails_once(owner, ready):
    # GIVEN a sent invoice
    send(owner, ready["id"])
    # WHEN it is sent again before and after the job ran
    again = owner.api.post(f"/api/v1/invoices/{ready['id']}/send", json={})
    drain_jobs()
    later = owner.api.post(f"/api/v1/invoices/{ready['id']}/send", json={})
    drain_jobs()
    # THEN both are 409 and exactly one email went out
    assert error(again, 409, "conflict")["message"] == "This invoice was already sent."
    error(later, 409, "conflict")
    assert len([m for m in sent_emails() if "carla@acme.example" in m["To"]]) == 1


def test_a_redelivered_send_job_does_not_email_again(owner, ready):
    # GIVEN a sent invoice whose job has run
    sent = send(owner, ready["id"])
    drain_jobs()
    # WHEN the same send is delivered again under another message id (an SQS redelivery after a crash)
    stored = boto3.client("dynamodb").get_item(
        TableName="stint-test", Key={"PK": {"S": f"ORG#{owner.org_id}"}, "SK": {"S": f"INVOICE#{sent['id']}"}}
    )["Item"]
    payload = {"org_id": owner.org_id, "invoice_id": sent["id"], "send_id": stored["send_id"]["S"], "message": None}
    jobs.run(json.dumps({"id": "job_redelivered", "job": SEND_JOB, "payload": payload}))
    # THEN still only one email
    assert len([m for m in sent_emails() if "carla@acme.example" in m["To"]]) == 1


def test_a_failed_email_is_retried_and_sent_once(owner, ready, monkeypatch):
    # GIVEN SES failing on the first attempt
    original, calls = mail.send, []

    def flaky(message):
        calls.append(message)
        if len(calls) == 1:
            raise RuntimeError("SES throttled")
        return original(message)

    drain_jobs()  # earlier emails (verification) go out normally
    monkeypatch.setattr(mail, "send", flaky)
    send(owner, ready["id"])
    sqs = boto3.client("sqs")
    url = jobs.queue_url("stint-jobs")
    # WHEN the job runs, fails, and its message is delivered again
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    (message,) = [m for m in messages if json.loads(m["Body"])["job"] == SEND_JOB]
    first = jobs.run_batch([(message["MessageId"], message["Body"])])
    second = jobs.run_batch([(message["MessageId"], message["Body"])])
    # THEN the first attempt is reported failed for retry, and the retry sends exactly one email
    assert first == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert second == {"batchItemFailures": []}
    assert len(calls) == 2 and len([m for m in sent_emails() if "carla@acme.example" in m["To"]]) == 1


def test_the_pdf_endpoint_serves_the_invoice(owner, ready):
    # WHEN the draft's PDF is fetched
    response = owner.api.get(f"/api/v1/invoices/{ready['id']}/pdf", headers={"accept": "application/pdf"})
    # THEN it is a PDF of this invoice, marked as a draft
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert ready["number"] in response.headers["Content-Disposition"]
    text = pdf_text(response.body)
    assert ready["number"] in text and "DRAFT" in text and "Frontend development" in text


def test_an_invoice_without_lines_cannot_be_sent(owner, client_id):
    draft = create_invoice(owner, client_id)
    error(owner.api.post(f"/api/v1/invoices/{draft['id']}/send", json={}), 409, "conflict")
    assert invoice(owner, draft["id"])["status"] == "draft"


def test_a_client_without_any_email_needs_recipients(owner):
    client = create_client(owner, name="No Mail Ltd")
    draft = create_invoice(owner, client["id"])
    add_line(owner, draft["id"])
    field_error(owner.api.post(f"/api/v1/invoices/{draft['id']}/send", json={}), "to")
    assert invoice(owner, draft["id"])["status"] == "draft"


@pytest.mark.parametrize("body", [{"to": ["not-an-email"]}, {"to": []}, {"to": "a@b.example"}, {"cc": ["a@b.example"]}])
def test_bad_send_input_is_a_400_and_sends_nothing(owner, ready, body):
    response = owner.api.post(f"/api/v1/invoices/{ready['id']}/send", json=body)
    assert response.status_code == 400, response.json_body
    drain_jobs()
    assert invoice(owner, ready["id"])["status"] == "draft"
    assert not [message for message in sent_emails() if "acme.example" in message["To"]]


def test_locally_the_email_with_its_pdf_is_written_as_an_eml_file(owner, ready, monkeypatch, tmp_path):
    # GIVEN local mode, where every email is also written under the mail directory
    from dataclasses import replace

    from chalicelib.core.config import get_settings

    drain_jobs()  # earlier emails (verification) are not part of this
    monkeypatch.setattr(mail, "get_settings", lambda: replace(get_settings(), mail_dir=str(tmp_path)))
    # WHEN an invoice is sent and its job runs
    send(owner, ready["id"])
    drain_jobs()
    # THEN one .eml holds the email with the invoice's PDF
    import email
    import email.policy

    (path,) = list(tmp_path.glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    filename, _, data = _attachment(message)
    assert filename == f"{ready['number']}.pdf" and ready["number"] in pdf_text(data)
