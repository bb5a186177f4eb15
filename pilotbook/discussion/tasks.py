"""Background jobs for discussion email (run by `pilotbook worker`, ADR 0004)."""

from django_tasks import task

from . import mail


@task()
def email_question_to_team(comment_id: int) -> int:
    """Queued when a question is posted: email the pilot's team at once."""
    return mail.email_question(comment_id)


@task()
def send_due_digests() -> int:
    """Periodic (hourly): send each person's daily or weekly digest when it is due."""
    return mail.send_due_digests()
