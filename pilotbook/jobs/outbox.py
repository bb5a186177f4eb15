"""Emails from background jobs are sent at most once (ADR 0010).

A job may run twice: its worker can die after sending some of its emails, and the job is then run again by
another worker (pilotbook.jobs.leases). Every email a job sends therefore goes through `send_once` with a key
naming what it is about and for whom. The key is recorded (a unique row, committed) *before* the email is handed
to the mail server, and confirmed after, so:

- an email whose key is recorded is never sent again: a second run, or a second worker, skips it;
- a worker dying between recording and confirming leaves the row unconfirmed (``sent_at`` empty). That email
  may or may not have gone out; it is not sent again, and a warning in the log names it. The window is the
  time the mail server takes to accept one message;
- an error raised by the mail backend (server down, address refused) means the email was not sent: its record
  is removed so that a later run can send it, and the error fails the job as before.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SentEmail

logger = logging.getLogger("pilotbook.jobs")


def send_once(key: str, message: EmailMessage) -> bool:
    """Send `message` unless an email with this key was sent (or started) already; returns whether it was sent.

    Call it outside any transaction, as jobs run, so the record is committed before the email leaves."""
    try:
        with transaction.atomic():
            record = SentEmail.objects.create(key=key[:200], recipients=list(message.to),
                                              subject=str(message.subject)[:300])
    except IntegrityError:
        earlier = SentEmail.objects.filter(key=key[:200]).first()
        if earlier is not None and earlier.sent_at is None:
            logger.warning("Not sending %r to %s again: an attempt started at %s was never confirmed (its worker "
                           "stopped while sending, or is sending it now); it may not have arrived",
                           earlier.subject, ", ".join(earlier.recipients), earlier.claimed_at)
        return False
    try:
        message.send()
    except Exception:
        SentEmail.objects.filter(pk=record.pk).delete()
        raise
    SentEmail.objects.filter(pk=record.pk).update(sent_at=timezone.now())
    return True
