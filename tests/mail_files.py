"""A test-only email backend that works across processes, for tests that run real workers.

Each message is written to its own file in $PILOTBOOK_TEST_MAIL_DIR. With $PILOTBOOK_TEST_MAIL_PAUSE set, the
backend then sleeps that many seconds before returning, so a test can kill the worker right after an email left
and before the job recorded it (tests/test_job_processes.py)."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(os.environ["PILOTBOOK_TEST_MAIL_DIR"])
        for message in email_messages:
            partial = folder / f".{uuid.uuid4().hex}"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(folder / f"{time.time_ns()}-{uuid.uuid4().hex}.eml")  # whole, or not there at all
            time.sleep(float(os.environ.get("PILOTBOOK_TEST_MAIL_PAUSE", "0")))
        return len(email_messages)


def read(folder: Path) -> list[str]:
    """The recipients of every email written to `folder`, one entry per recipient per email, oldest first."""
    from email import message_from_bytes
    from email.utils import getaddresses

    recipients = []
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes())
        recipients += [address for _, address in getaddresses(message.get_all("To", []))]
    return recipients
