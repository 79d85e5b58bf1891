"""E-mail: recorded with its cause, delivered by a background job through the configured backend.

The `outbox` backend (development) delivers to the log and to the outbox page; `smtp` sends.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db
from app.jobs.services import record_job
from app.mail.models import MailState, OutgoingMail

log = logging.getLogger(__name__)


def queue_mail(recipient: str, subject: str, body: str) -> OutgoingMail:
    mail = OutgoingMail(recipient=recipient, subject=subject, body=body)
    db.session.add(mail)
    db.session.flush()
    record_job("deliver_mail", mail_id=mail.id)
    return mail


def deliver_mail(mail_id: int) -> None:
    mail = db.session.get(OutgoingMail, mail_id)
    if mail is None or mail.state == MailState.SENT:
        return
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(mail)
    else:
        log.info("outbox: mail %s to %s: %s\n%s", mail.id, mail.recipient, mail.subject, mail.body)
    mail.state = MailState.SENT
    mail.sent_at = utcnow()
    db.session.flush()


def _send_smtp(mail: OutgoingMail) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def outbox(limit: int = 100) -> list[OutgoingMail]:
    return list(db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(limit)))
